import { z } from 'zod';
import { parseIsoDate } from '../rules/local-date';
import { genericTextSchema, messageTextSchema, placeholdersIn } from './render-message';

/**
 * A message to deliver to one member, as producers (care scans, campaigns, follow-ups) hand it to
 * `DeliveryService.enqueue`. The key is deterministic (`care:birthday:<member>:<year>`,
 * `campaign:<id>:<member>`): the same key is delivered at most once, whoever enqueues it and however
 * often.
 */
export const deliveryRequestSchema = z
  .strictObject({
    key: z
      .string()
      .min(3)
      .max(200)
      .regex(/^[A-Za-z0-9:_\-.]+$/, 'must be letters, digits and : _ - . only'),
    memberId: z.string().min(1).max(64),
    category: z.enum(['service', 'marketing']),
    /** What it is (`birthday`, `maintenance_due`, `campaign`…), for counts and logs. */
    kind: z.string().min(1).max(64),
    text: messageTextSchema,
    /** Marketing outside the customer-service window goes as a mass send with this text. */
    genericText: genericTextSchema.nullable().default(null),
    /** Service messages outside the window go as this template; field values may use placeholders. */
    template: z
      .strictObject({
        id: z.string().min(1).max(128),
        fields: z.record(z.string().min(1).max(32), messageTextSchema),
      })
      .nullable()
      .default(null),
    values: z
      .strictObject({
        expiringPoints: z.number().int().nonnegative().nullable().default(null),
        date: z
          .string()
          .refine((text) => parseIsoDate(text) !== null, 'must be a date YYYY-MM-DD')
          .nullable()
          .default(null),
      })
      .default({ expiringPoints: null, date: null }),
    /** After this the message is pointless (skipped rather than deferred past it). */
    expiresAt: z.date().nullable().default(null),
    /**
     * A service notice about the member for a WeChat account that is no longer theirs (the old
     * account after a re-bind): sent there instead of to the member's current account.
     */
    recipientOpenid: z.string().min(1).max(128).nullable().default(null),
    /** A staff test of a campaign: sent now, outside quiet hours and caps, counted nowhere. */
    test: z.boolean().default(false),
    /**
     * Points the message announces (a campaign's bonus): credited under `opKey` once the message has
     * gone out, never when it is finally skipped or fails (see `DeliveryBonus`).
     */
    bonus: z
      .strictObject({
        points: z.number().int().positive(),
        opKey: z.string().min(3).max(200),
        reason: z.string().min(1).max(200),
        reference: z.string().min(1).max(200),
      })
      .nullable()
      .default(null),
  })
  .superRefine((request, ctx) => {
    const texts = [request.text, request.genericText ?? '', ...Object.values(request.template?.fields ?? {})];
    const used = new Set(texts.flatMap(placeholdersIn));
    if (used.has('expiringPoints') && request.values.expiringPoints === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['values', 'expiringPoints'],
        message: '使用了 {expiringPoints}，需提供其数值',
      });
    }
    if (used.has('date') && request.values.date === null) {
      ctx.addIssue({ code: 'custom', path: ['values', 'date'], message: '使用了 {date}，需提供日期' });
    }
  });

export type DeliveryRequestInput = z.input<typeof deliveryRequestSchema>;
export type DeliveryRequest = z.output<typeof deliveryRequestSchema>;
