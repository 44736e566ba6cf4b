import { z } from 'zod';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import type { LocalDate } from '../src/rules/local-date';
import { normalizePlate } from '../src/rules/normalize-plate';
import { parseBirthday } from '../src/rules/parse-birthday';
import { answerCopy } from './copy/zh-CN';

/** Answer schemas shared by flows: free text in, a clean value (or a reason) out. */

const YES = new Set([
  '是',
  '是的',
  '好',
  '好的',
  '要',
  '需要',
  '同意',
  '确认',
  '确定',
  '可以',
  '行',
  '嗯',
  'ok',
  'y',
  'yes',
  '1',
]);
const NO = new Set(['不', '不要', '不用', '不需要', '否', '不了', '不同意', '算了吧', 'no', 'n', '2']);

/** 要/不要, 是/否, 确认/不了 … → boolean. */
export function yesNo(message: string = answerCopy.yesOrNo) {
  return z.string().transform((text, ctx) => {
    const normal = normalizeText(text);
    if (YES.has(normal)) return true;
    if (NO.has(normal)) return false;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

/** The same mainland-mobile rule the enrolment service applies, tolerant of spaces and dashes. */
export const mobileAnswer = z
  .string()
  .transform((text) => text.replace(/[\s-]/g, '').replace(/^\+?86/, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, answerCopy.mobile));

export const nameAnswer = z
  .string()
  .trim()
  .refine(
    (name) => [...name].length >= 1 && [...name].length <= 20 && !/\p{Cc}/u.test(name),
    answerCopy.name,
  );

const SKIP = new Set(['跳过', '不填', '没有', '无', '不想填', 'skip']);

function isSkip(text: string): boolean {
  return SKIP.has(normalizeText(text));
}

/** A birthday as typed (the enrolment service parses it again); null for 跳过. */
export function birthdayAnswer(today: LocalDate) {
  return z.string().transform((text, ctx) => {
    if (isSkip(text)) return null;
    const trimmed = text
      .trim()
      .replace(/[./年月]/g, '-')
      .replace(/日$/, '');
    if (parseBirthday(trimmed, today)) return trimmed;
    ctx.addIssue({ code: 'custom', message: answerCopy.birthday });
    return z.NEVER;
  });
}

/** A mainland plate, normalised (8-character new-energy plates included); null for 跳过. */
export const plateAnswer = z.string().transform((text, ctx) => {
  if (isSkip(text)) return null;
  const plate = normalizePlate(text);
  if (plate) return plate;
  ctx.addIssue({ code: 'custom', message: answerCopy.plate });
  return z.NEVER;
});
