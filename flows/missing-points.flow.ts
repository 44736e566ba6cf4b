import { z } from 'zod';
import { defineFlow, effectStep, type FlowData, type Prefilled } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import {
  readDayAnswer,
  readMoneyAnswer,
  type ServiceKind,
  type Slots,
  serviceKinds,
} from '../src/conversation/intents/slots';
import { text } from '../src/conversation/reply';
import { formatYuan } from '../src/rules/format-zh';
import { formatIsoDate, parseIsoDate } from '../src/rules/local-date';
import { isoDateZh, isoMonthDayZh, missingPointsCopy } from './copy/zh-CN';

const SKIP = new Set(['跳过', '没有', '无', '不用', 'skip']);

/** A span the starting message named (「上周」), kept as ISO dates in the flow data. */
const weekSchema = z.strictObject({ from: z.iso.date(), to: z.iso.date(), label: z.string() });
type Week = z.infer<typeof weekSchema>;

function weekOf(data: FlowData): Week | null {
  const week = weekSchema.safeParse(data.week);
  return week.success ? week.data : null;
}

function serviceOf(data: FlowData): ServiceKind | null {
  return serviceKinds.find((kind) => kind === data.service) ?? null;
}

/**
 * 积分没到账: the date, amount and store of a transaction that earned nothing, with an optional
 * invoice photo; staff resolve or reject the report and the member is told in chat. Started by
 * words that say some of it (「上周保养的积分没加上」「昨天在店里消费了1200没积分」), it takes the
 * service, the week or the day and the amount from them and asks only for the rest.
 */
export const missingPointsFlow = defineFlow({
  id: 'missing_points',
  version: 2,
  intent: 'missing_points',
  title: '积分没到账',
  audience: 'member',
  start: 'date',
  prefill: { tense: 'past', fill: prefillFromSlots },
  steps: [
    {
      type: 'ask',
      id: 'date',
      prompt: (data) => {
        const week = weekOf(data);
        return [
          text(
            week
              ? missingPointsCopy.askDayIn(week.label, isoMonthDayZh(week.from), isoMonthDayZh(week.to))
              : missingPointsCopy.askDate,
          ),
        ];
      },
      answer: (data, ctx) =>
        z.string().transform((answer, issue) => {
          const week = weekOf(data);
          const within = week ? { from: parseIsoDate(week.from)!, to: parseIsoDate(week.to)! } : undefined;
          const date = readDayAnswer(answer, { today: ctx.today, within });
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
          const fen = readMoneyAnswer(answer);
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
        ...(serviceOf(data) ? { service: serviceOf(data)! } : {}),
      }),
      onResult: (_result, data) => ({
        replies: [
          text(
            missingPointsCopy.done(
              isoDateZh(String(data.date)),
              formatYuan(Number(data.amountFen)),
              serviceOf(data),
            ),
          ),
        ],
        next: null,
      }),
    }),
  ],
});

/**
 * The words that started the report: the service (kept for the staff's proposal and the receipt),
 * a span such as 上周 (the date question then asks which day of it), or a day and an amount as
 * answers, which the questions' own parsers check again before they are taken.
 */
function prefillFromSlots(slots: Slots): Prefilled {
  const data: FlowData = {};
  const answers: Record<string, string> = {};
  if (slots.service) data.service = slots.service;
  if (slots.date?.kind === 'range') {
    data.week = {
      from: formatIsoDate(slots.date.from),
      to: formatIsoDate(slots.date.to),
      label: slots.date.label,
    };
  }
  if (slots.date?.kind === 'day') answers.date = formatIsoDate(slots.date.date);
  if (slots.amountFen !== undefined) answers.amount = (slots.amountFen / 100).toFixed(2);
  return { data, answers };
}
