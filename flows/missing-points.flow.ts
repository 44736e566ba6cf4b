import { z } from 'zod';
import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { formatYuan } from '../src/rules/format-zh';
import {
  addLocalDays,
  compareLocalDates,
  formatIsoDate,
  type LocalDate,
  parseIsoDate,
} from '../src/rules/local-date';
import { isoDateZh, missingPointsCopy } from './copy/zh-CN';

const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 昨天: -1, 前天: -2 };
const SKIP = new Set(['跳过', '没有', '无', '不用', 'skip']);

/**
 * 积分没到账: the date, amount and store of a transaction that earned nothing, with an optional
 * invoice photo; staff resolve or reject the report and the member is told in chat.
 */
export const missingPointsFlow = defineFlow({
  id: 'missing_points',
  version: 1,
  intent: 'missing_points',
  title: '积分没到账',
  audience: 'member',
  start: 'date',
  steps: [
    {
      type: 'ask',
      id: 'date',
      prompt: () => [text(missingPointsCopy.askDate)],
      answer: (_data, ctx) =>
        z.string().transform((answer, issue) => {
          const date = parseDay(answer, ctx.today);
          if (date) return formatIsoDate(date);
          issue.addIssue({ code: 'custom', message: missingPointsCopy.badDate });
          return z.NEVER;
        }),
      save: 'date',
      next: 'amount',
    },
    {
      type: 'ask',
      id: 'amount',
      prompt: () => [text(missingPointsCopy.askAmount)],
      answer: () =>
        z.string().transform((answer, issue) => {
          const fen = parseYuan(answer);
          if (fen) return fen;
          issue.addIssue({ code: 'custom', message: missingPointsCopy.badAmount });
          return z.NEVER;
        }),
      save: 'amountFen',
      // One store: nothing to ask.
      next: (fen, _data, ctx) =>
        ctx.stores.length === 1
          ? { data: { amountFen: fen, storeId: ctx.stores[0]!.id }, next: 'invoice' }
          : { data: { amountFen: fen }, next: 'store' },
    },
    {
      type: 'ask',
      id: 'store',
      prompt: (_data, ctx) => [text(missingPointsCopy.askStore(ctx.stores))],
      answer: (_data, ctx) =>
        z.string().transform((answer, issue) => {
          const store = ctx.stores[Number(normalizeText(answer)) - 1];
          if (store) return store.id;
          issue.addIssue({ code: 'custom', message: missingPointsCopy.badStore });
          return z.NEVER;
        }),
      save: 'storeId',
      next: 'invoice',
    },
    {
      type: 'ask',
      id: 'invoice',
      prompt: () => [text(missingPointsCopy.askInvoice)],
      answer: () =>
        z.union(
          [
            z.strictObject({ mediaId: z.string(), imageUrl: z.string() }),
            z
              .string()
              .refine((answer) => SKIP.has(normalizeText(answer)))
              .transform(() => null),
          ],
          // The union's own issue is what the member is told (zod's default is English).
          { error: missingPointsCopy.badInvoice },
        ),
      save: 'invoice',
      next: 'open',
    },
    effectStep<'open_missing_report'>({
      id: 'open',
      effect: (data) => ({
        type: 'open_missing_report',
        date: String(data.date),
        amountFen: Number(data.amountFen),
        storeId: String(data.storeId),
        invoice: (data.invoice as { mediaId: string; imageUrl: string } | null) ?? null,
      }),
      onResult: (_result, data) => ({
        replies: [
          text(missingPointsCopy.done(isoDateZh(String(data.date)), formatYuan(Number(data.amountFen)))),
        ],
        next: null,
      }),
    }),
  ],
});

/** 今天/昨天/前天, `YYYY-MM-DD` or `MM-DD` (this year), not after today. */
function parseDay(answer: string, today: LocalDate): LocalDate | null {
  const normal = normalizeText(answer);
  const relative = RELATIVE_DAYS[normal];
  if (relative !== undefined) return addLocalDays(today, relative);
  const cleaned = answer
    .trim()
    .replace(/[./年月]/g, '-')
    .replace(/日$/, '');
  const full = /^\d{1,2}-\d{1,2}$/.test(cleaned) ? `${today.year}-${cleaned}` : cleaned;
  const [year, month, day] = full.split('-');
  const date = parseIsoDate(`${year}-${month?.padStart(2, '0')}-${day?.padStart(2, '0')}`);
  return date && compareLocalDates(date, today) <= 0 ? date : null;
}

/** `1280`, `1,280.5`, `¥1280.50`, `1280元` → fen; null unless positive with at most 2 decimals. */
function parseYuan(answer: string): number | null {
  const cleaned = answer.trim().replace(/[¥￥,，\s]|元$/g, '');
  const match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}
