import { localDateOf } from './zoned-time';

/**
 * Number, money and date formatting for member-facing Chinese text. Hand-rolled rather than
 * `Intl.NumberFormat('zh-CN')` so the output is identical on every Node build (small-icu builds
 * fall back to English patterns) and money never passes through floating point.
 */

/** `1234567` → `1,234,567`. */
export function formatInteger(value: number): string {
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `-${digits}` : digits;
}

/** `1234` → `1,234 积分`. */
export function formatPoints(points: number): string {
  return `${formatInteger(points)} 积分`;
}

/** Fen to yuan with two decimals: `1234` → `¥12.34`, `123456` → `¥1,234.56`. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const magnitude = Math.abs(fen);
  const yuan = Math.floor(magnitude / 100);
  return `${sign}¥${formatInteger(yuan)}.${String(magnitude % 100).padStart(2, '0')}`;
}

/** The local calendar date of an instant: `2029年3月31日`. */
export function formatDateZh(instant: Date, timeZone: string): string {
  const { year, month, day } = localDateOf(instant, timeZone);
  return `${year}年${month}月${day}日`;
}

/** Thousandths as a plain decimal: `1200` → `1.2`, `2000` → `2`, `100` → `0.1`. */
export function formatMilli(milli: number): string {
  const whole = Math.trunc(milli / 1000);
  const fraction = String(Math.abs(milli % 1000))
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${milli < 0 && whole === 0 ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
