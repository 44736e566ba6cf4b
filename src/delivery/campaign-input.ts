import { z } from 'zod';
import { decimalToMilli } from '../config/decimal-to-milli';
import {
  campaignGenericTextSchema,
  campaignTextSchema,
  personalPlaceholders,
  placeholdersIn,
} from './render-message';

const instant = z.iso
  .datetime({ offset: true, message: '时间应为带时区的 ISO-8601，例如 2026-11-18T10:30:00+08:00' })
  .transform((value) => new Date(value));

const code = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, '格式不正确')
  .max(40);
const points = z.number().int('积分须为整数').min(0).max(100_000_000);

export const campaignAudienceSchema = z
  .strictObject({
    tiers: z.array(code).min(1).max(20).nullable().default(null),
    tags: z.array(z.string().trim().min(1).max(40)).min(1).max(50).nullable().default(null),
    birthdayMonth: z.number().int().min(1).max(12).nullable().default(null),
    lastVisitBefore: instant.nullable().default(null),
    lastVisitAfter: instant.nullable().default(null),
    vehicleModel: z.string().trim().min(1).max(60).nullable().default(null),
    minPoints: points.nullable().default(null),
    maxPoints: points.nullable().default(null),
    signedUpAfter: instant.nullable().default(null),
    signedUpBefore: instant.nullable().default(null),
  })
  .superRefine((a, ctx) => {
    const ordered = (low: number | null, high: number | null, path: string, message: string) => {
      if (low !== null && high !== null && low > high)
        ctx.addIssue({ code: 'custom', path: [path], message });
    };
    ordered(a.minPoints, a.maxPoints, 'maxPoints', '积分上限不能小于下限');
    ordered(
      a.lastVisitAfter?.getTime() ?? null,
      a.lastVisitBefore?.getTime() ?? null,
      'lastVisitBefore',
      '最近到店的起止时间颠倒了',
    );
    ordered(
      a.signedUpAfter?.getTime() ?? null,
      a.signedUpBefore?.getTime() ?? null,
      'signedUpBefore',
      '入会的起止时间颠倒了',
    );
  });

const windowSchema = z
  .strictObject({
    startsAt: instant,
    endsAt: instant,
    /** As people write it: 2 or 1.5 (exact thousandths, like the program file). */
    multiplier: z.number().min(1.001, '倍数须大于 1').max(10, '倍数最多 10 倍'),
  })
  .transform((w, ctx) => {
    const multiplierMilli = decimalToMilli(w.multiplier);
    if (multiplierMilli === null) {
      ctx.addIssue({ code: 'custom', path: ['multiplier'], message: '倍数最多三位小数' });
      return z.NEVER;
    }
    if (w.endsAt.getTime() <= w.startsAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: '活动结束时间须晚于开始时间' });
      return z.NEVER;
    }
    return { startsAt: w.startsAt, endsAt: w.endsAt, multiplierMilli };
  });

/**
 * A campaign as staff write it (`POST /campaigns`, `POST /campaigns/preview`). `{date}` has no
 * meaning for a campaign (it is the due date of care messages) and is refused; `{expiringPoints}`
 * is each member's points expiring within 30 days; `{bonusPoints}` is the campaign's bonus (a
 * bonus not mentioned in the text is a warning, `campaign-warnings.ts`, not a refusal). The mass-send text defaults to the text when
 * that has no personal placeholders; otherwise it is required.
 */
export const campaignInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, '请填写活动名称').max(60),
    audience: campaignAudienceSchema.default(campaignAudienceSchema.parse({})),
    text: campaignTextSchema,
    genericText: campaignGenericTextSchema.nullable().default(null),
    bonusPoints: z.number().int('积分须为整数').min(0).max(1_000_000).default(0),
    window: windowSchema.nullable().default(null),
    startAt: instant,
  })
  .superRefine((c, ctx) => {
    for (const [path, text] of [
      ['text', c.text],
      ['genericText', c.genericText ?? ''],
    ] as const) {
      if (placeholdersIn(text).includes('date')) {
        ctx.addIssue({ code: 'custom', path: [path], message: '活动消息不能使用 {date}' });
      }
    }
    const personal = placeholdersIn(c.text).some((p) =>
      (personalPlaceholders as readonly string[]).includes(p),
    );
    if (personal && c.genericText === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['genericText'],
        message: '消息含个人占位符时，请另写一条不含个人信息的群发内容（genericText）',
      });
    }
  })
  .transform((c) => ({ ...c, genericText: c.genericText ?? c.text }));

export type CampaignInput = z.output<typeof campaignInputSchema>;
