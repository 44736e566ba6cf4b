import {
  addLocalDays,
  addLocalMonths,
  compareLocalDates,
  type LocalDate,
  lastDayOfMonth,
  parseIsoDate,
} from '../../../rules/local-date';
import { parseNumber } from './numbers';
import type { DateSlot } from './slot-types';

export interface DateMatch {
  slot: DateSlot;
  index: number;
  length: number;
}

const RELATIVE: Record<string, number> = {
  大前天: -3,
  前天: -2,
  前日: -2,
  昨天: -1,
  昨日: -1,
  今天: 0,
  今日: 0,
};
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };
const SMALL = '[\\d一二三四五六七八九十两]{1,3}';
const WEEK = '(?:周|星期|礼拜)';
// 「3号店」「5号楼」「2号线」: a number, not a day.
const NOT_A_DAY = '(?![店楼门线车位桌房机窗码院厅栋馆口台])';

/** ISO weekday 1 (Monday) … 7 (Sunday). */
export function isoWeekday(date: LocalDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Monday of the week `date` is in (weeks run Monday to Sunday in China). */
export function mondayOf(date: LocalDate): LocalDate {
  return addLocalDays(date, 1 - isoWeekday(date));
}

type Reader = { pattern: RegExp; read: (match: RegExpExecArray, today: LocalDate) => DateSlot | null };

const day = (date: LocalDate | null): DateSlot | null => (date ? { kind: 'day', date } : null);

function small(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = parseNumber(text);
  return value !== null && Number.isInteger(value) ? value : null;
}

function dateOf(year: number, month: number | null, dayOfMonth: number | null): LocalDate | null {
  if (month === null || dayOfMonth === null) return null;
  return parseIsoDate(
    `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`,
  );
}

/** A month and day without a year: this year's, or last year's when this year's is still ahead. */
function recentMonthDay(month: number | null, dayOfMonth: number | null, today: LocalDate): LocalDate | null {
  const thisYear = dateOf(today.year, month, dayOfMonth);
  if (thisYear && compareLocalDates(thisYear, today) > 0) return dateOf(today.year - 1, month, dayOfMonth);
  return thisYear ?? dateOf(today.year - 1, month, dayOfMonth);
}

// Most specific first: each reader masks what it took, so 「11月20日」 is not read again as 「20日」.
const READERS: Reader[] = [
  {
    pattern: /(?<!\d)(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?(?!\d)/g,
    read: (m) => day(dateOf(Number(m[1]), Number(m[2]), Number(m[3]))),
  },
  {
    pattern: new RegExp(`(${SMALL})\\s*月\\s*(${SMALL})\\s*[日号]?${NOT_A_DAY}`, 'g'),
    read: (m, today) => day(recentMonthDay(small(m[1]), small(m[2]), today)),
  },
  {
    // 11.20 / 11-20 / 11/20: not when a currency, unit or another digit follows (11.20元 is money).
    pattern: /(?<![\d.,¥$])(\d{1,2})[-/.](\d{1,2})(?![\d.,%]|\s*(?:元|块|万|千|k|w|公里|km|号))/g,
    read: (m, today) => day(recentMonthDay(Number(m[1]), Number(m[2]), today)),
  },
  {
    pattern: new RegExp(`(上上|上|这|本|下)(?:个)?${WEEK}([一二三四五六日天七1-7])`, 'g'),
    read: (m, today) => {
      const offset = { 上上: -14, 上: -7, 这: 0, 本: 0, 下: 7 }[m[1]!]!;
      const weekday = WEEKDAY[m[2]!] ?? Number(m[2]);
      return day(addLocalDays(mondayOf(today), offset + weekday - 1));
    },
  },
  {
    pattern: new RegExp(`(上上|上|这|本)(?:个)?${WEEK}`, 'g'),
    read: (m, today) => {
      const offset = { 上上: -14, 上: -7, 这: 0, 本: 0 }[m[1]!]!;
      const from = addLocalDays(mondayOf(today), offset);
      return { kind: 'range', from, to: addLocalDays(from, 6), label: m[0] };
    },
  },
  {
    pattern: /(上|这|本)个?月/g,
    read: (m, today) => {
      const from = addLocalMonths({ year: today.year, month: today.month, day: 1 }, m[1] === '上' ? -1 : 0);
      return { kind: 'range', from, to: lastDayOfMonth(from), label: m[0] };
    },
  },
  {
    pattern: /大前天|前天|前日|昨天|昨日|今天|今日/g,
    read: (m, today) => day(addLocalDays(today, RELATIVE[m[0]]!)),
  },
  {
    // A bare 周六: the latest one, today included.
    pattern: new RegExp(`${WEEK}([一二三四五六日天七1-7])`, 'g'),
    read: (m, today) => {
      const weekday = WEEKDAY[m[1]!] ?? Number(m[1]);
      return day(addLocalDays(today, -((isoWeekday(today) - weekday + 7) % 7)));
    },
  },
  {
    // 20号 / 20日: this month's, or last month's when this month's is still ahead.
    pattern: new RegExp(`(?<![\\d月.])(${SMALL})\\s*[号日]${NOT_A_DAY}`, 'g'),
    read: (m, today) => {
      const dayOfMonth = small(m[1]);
      const thisMonth = dateOf(today.year, today.month, dayOfMonth);
      if (thisMonth && compareLocalDates(thisMonth, today) <= 0) return day(thisMonth);
      const previous = addLocalMonths({ year: today.year, month: today.month, day: 1 }, -1);
      return day(dateOf(previous.year, previous.month, dayOfMonth));
    },
  },
];

/**
 * Every date named in `text` (already simplified and lower-cased), in order of specificity; the
 * caller masks each match before the next extractor reads the text.
 */
export function findDates(text: string, today: LocalDate): DateMatch[] {
  const found: DateMatch[] = [];
  let rest = text;
  for (const reader of READERS) {
    for (const match of rest.matchAll(reader.pattern)) {
      const slot = reader.read(match as RegExpExecArray, today);
      if (!slot) continue;
      found.push({ slot, index: match.index, length: match[0].length });
      rest = `${rest.slice(0, match.index)}${'|'.repeat(match[0].length)}${rest.slice(match.index + match[0].length)}`;
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** For "when did it happen": no day after today, a span cut at today (null when it is all ahead). */
export function inThePast(slot: DateSlot, today: LocalDate): DateSlot | null {
  if (slot.kind === 'day') return compareLocalDates(slot.date, today) <= 0 ? slot : null;
  if (compareLocalDates(slot.from, today) > 0) return null;
  return compareLocalDates(slot.to, today) > 0 ? { ...slot, to: today } : slot;
}
