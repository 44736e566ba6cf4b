import { addLocalDays, compareLocalDates, type LocalDate } from '../../../rules/local-date';
import { localDateOf } from '../../../rules/zoned-time';
import { simplifyText } from '../model/normalize-message';
import { findMileage, findMoney } from './amounts';
import { findDates, inThePast } from './dates';
import { findPlates, findService } from './plates-and-services';
import type { SlotOptions, Slots } from './slot-types';

/** A mobile (138 1234 5678, +86…) or any other long digit run: never money, mileage or a date. */
const NOT_AN_AMOUNT = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)|\d{9,}/g;

function mask(text: string, spans: readonly { index: number; length: number }[]): string {
  let out = text;
  for (const { index, length } of spans) {
    out = `${out.slice(0, index)}${'|'.repeat(length)}${out.slice(index + length)}`;
  }
  return out;
}

/**
 * What a member's message says, PURE (time and zone are parameters): a date (a day or a span),
 * an amount of money, a mileage, a plate and a service word, each only when the message says it.
 * The text is read simplified (full width folded, traditional → simplified, lower case) with its
 * punctuation, so 11.20 and 沪A·12345 keep their shape. Each kind of value is masked once found,
 * so a plate's digits are no amount and 「11月20日」 is not also 「20日」; the first of a kind wins.
 */
export function extractSlots(message: string, options: SlotOptions): Slots {
  const today = localDateOf(options.now, options.timeZone);
  let text = simplifyText(message);
  const slots: Slots = {};

  const plates = findPlates(text);
  if (plates[0]) slots.plate = plates[0].plate;
  text = mask(text, plates);
  text = text.replace(NOT_AN_AMOUNT, (digits) => '|'.repeat(digits.length));

  const dates = findDates(text, today);
  for (const { slot } of dates) {
    const date = options.tense === 'any' ? slot : inThePast(slot, today);
    if (date) {
      slots.date = date;
      break;
    }
  }
  text = mask(text, dates);

  const mileage = findMileage(text);
  if (mileage[0]) slots.mileageKm = mileage[0].value;
  text = mask(text, mileage);

  const money = findMoney(text);
  if (money[0]) slots.amountFen = money[0].value;

  const service = findService(text);
  if (service) slots.service = service.service;
  return slots;
}

/** Money typed as the answer to "how much?" (1200, 一千二, ¥1,234.5, 1.2万): fen, or null. */
export function readMoneyAnswer(answer: string): number | null {
  const text = simplifyText(answer).trim();
  const bare = findMoney(text, { bare: true });
  const found = bare.length > 0 ? bare : findMoney(text);
  return found.length === 1 ? found[0]!.value : null;
}

/** A mileage typed as the answer to "how many km?" (35000, 3万2, 三万二公里): km, or null. */
export function readMileageAnswer(answer: string): number | null {
  const text = simplifyText(answer).trim();
  const bare = findMileage(text, { bare: true });
  const found = bare.length > 0 ? bare : findMileage(text);
  return found.length === 1 ? found[0]!.value : null;
}

const WEEKDAY_ANSWER = /^(?:周|星期|礼拜)?([一二三四五六日天七1-7])$/;
const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };

/**
 * A day typed as the answer to "which day did it happen?": 今天, 昨天, 上周六, 11月20日, 11-20,
 * 2026-11-20, 20号 …, never after `today`. Within a span asked about (「上周哪一天？」) a weekday
 * alone (周六, 星期六, 六, 6) is that span's day. Null when the answer names no single day.
 */
export function readDayAnswer(
  answer: string,
  options: { today: LocalDate; within?: { from: LocalDate; to: LocalDate } | undefined },
): LocalDate | null {
  const { today, within } = options;
  const text = simplifyText(answer)
    .trim()
    .replace(/[\s。！!？?]+$/u, '');
  const weekday = within ? WEEKDAY_ANSWER.exec(text) : null;
  if (within && weekday) {
    const date = addLocalDays(within.from, (WEEKDAYS[weekday[1]!] ?? Number(weekday[1])) - 1);
    const inSpan = compareLocalDates(date, within.to) <= 0;
    return inSpan && compareLocalDates(date, today) <= 0 ? date : null;
  }
  const days = findDates(text, today);
  if (days.length !== 1 || days[0]!.slot.kind !== 'day') return null;
  const day = inThePast(days[0]!.slot, today);
  return day?.kind === 'day' ? day.date : null;
}
