/** The dealership's clock: every date staff see or type is Beijing time (no daylight saving). */
export const TIME_ZONE = 'Asia/Shanghai';
const OFFSET = '+08:00';
const OFFSET_MS = 8 * 3_600_000;

const integer = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
const money = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 1,234 */
export function formatInt(value: number): string {
  return integer.format(value);
}

/** 1,234.5 */
export function formatDecimal(value: number): string {
  return decimal.format(value);
}

/** 1,234 积分 */
export function formatPoints(points: number): string {
  return `${integer.format(points)} 积分`;
}

/** ¥12.34 (from integer fen); −¥12.34 for a negative amount. */
export function formatYuan(fen: number): string {
  const text = `¥${money.format(Math.abs(fen) / 100)}`;
  return fen < 0 ? `-${text}` : text;
}

/** The Beijing-time fields of an instant, from its UTC time shifted by the fixed offset. */
function beijingParts(value: string | Date): { y: string; m: string; d: string; hh: string; mm: string } {
  const shifted = new Date(new Date(value).getTime() + OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(shifted.getUTCFullYear()),
    m: pad(shifted.getUTCMonth() + 1),
    d: pad(shifted.getUTCDate()),
    hh: pad(shifted.getUTCHours()),
    mm: pad(shifted.getUTCMinutes()),
  };
}

/** 2026-11-25 10:30 (Beijing time); an empty value is shown as a dash. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const p = beijingParts(value);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

/** 2026-11-25 (Beijing time); a plain YYYY-MM-DD stays as it is. */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '—';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const p = beijingParts(value);
  return `${p.y}-${p.m}-${p.d}`;
}

/** The value of a `datetime-local` input showing `at` in Beijing time. */
export function toLocalInput(at: Date): string {
  const p = beijingParts(at);
  return `${p.y}-${p.m}-${p.d}T${p.hh}:${p.mm}`;
}

/** A `datetime-local` value (Beijing time) as the API wants it: ISO-8601 with its offset. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  return `${value}:00${OFFSET}`;
}

/** A `date` input value as the start (or the end) of that day in Beijing time. */
export function dayBoundary(value: string, end: boolean): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  return `${value}T${end ? '23:59:59' : '00:00:00'}${OFFSET}`;
}

/** POS-20261125103045-7K3D: a counter transaction id that is unique enough and readable. */
export function counterTransactionId(now: Date): string {
  const p = beijingParts(now);
  const seconds = String(new Date(now.getTime() + OFFSET_MS).getUTCSeconds()).padStart(2, '0');
  const random = Math.random().toString(36).slice(2, 6).toUpperCase();
  return `POS-${p.y}${p.m}${p.d}${p.hh}${p.mm}${seconds}-${random}`;
}
