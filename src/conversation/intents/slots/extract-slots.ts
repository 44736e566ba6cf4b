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
