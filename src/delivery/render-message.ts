import { z } from 'zod';
import { formatPoints } from '../rules/format-zh';
import { parseIsoDate } from '../rules/local-date';

/**
 * Message templates with placeholders, rendered in natural Chinese for one member:
 * `{name}` → 张伟 (会员 when unknown), `{tier}` → 金卡, `{points}` / `{expiringPoints}` →
 * 1,234 积分, `{date}` → 2026年12月1日. Texts are validated when they are written (zod), so an
 * unknown placeholder is a clear error for staff, never a `{typo}` in a member's chat.
 */
export function renderMessage(text: string, values: RenderValues): string {
  return text.replace(placeholderPattern, (whole, name: string) => {
    switch (name as Placeholder) {
      case 'name':
        return values.name?.trim() || '会员';
      case 'tier':
        return values.tierName ?? '会员';
      case 'points':
        return formatPoints(values.points ?? 0);
      case 'expiringPoints':
        return formatPoints(values.expiringPoints ?? 0);
      case 'date':
        return values.date ? formatLocalDateZh(values.date) : '';
      default:
        return whole;
    }
  });
}

export const placeholders = ['name', 'tier', 'points', 'expiringPoints', 'date'] as const;
export type Placeholder = (typeof placeholders)[number];
/** Placeholders that differ from member to member: not allowed in mass-send (generic) texts. */
export const personalPlaceholders: readonly Placeholder[] = ['name', 'tier', 'points', 'expiringPoints'];

export interface RenderValues {
  name: string | null;
  tierName: string | null;
  points: number | null;
  expiringPoints: number | null;
  /** A local date `YYYY-MM-DD` (the due date, the expiry date). */
  date: string | null;
}

const placeholderPattern = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholders a text uses, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(placeholderPattern)].map((match) => match[1] ?? ''))];
}

/** A message text that may use only the `allowed` placeholders. */
function textSchemaFor(allowed: readonly string[]) {
  const listed = allowed.map((p) => `{${p}}`).join('、');
  return z
    .string()
    .trim()
    .min(1, '消息内容不能为空')
    .max(600, '消息内容最多 600 个字')
    .superRefine((text, ctx) => {
      const unknown = placeholdersIn(text).filter((p) => !allowed.includes(p));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `未知的占位符 ${unknown.map((p) => `{${p}}`).join('、')}；可用的占位符：${listed}`,
        });
      }
    });
}

/** The generic variant for mass sends: one text for everyone, so no personal placeholders. */
function genericOf(schema: ReturnType<typeof textSchemaFor>) {
  return schema.superRefine((text, ctx) => {
    const personal = placeholdersIn(text).filter((p) =>
      (personalPlaceholders as readonly string[]).includes(p),
    );
    if (personal.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `群发内容对所有会员相同，不能使用个人占位符 ${personal.map((p) => `{${p}}`).join('、')}`,
      });
    }
  });
}

/** A personalised message text: known placeholders only. */
export const messageTextSchema = textSchemaFor(placeholders);

/** The generic variant for mass sends: one text for everyone, so no personal placeholders. */
export const genericTextSchema = genericOf(messageTextSchema);

/**
 * A campaign's own placeholder, the same for every recipient: `{bonusPoints}` → 188 积分 (the
 * campaign's bonus). Filled in by `fillCampaignValues` before the text is handed to delivery.
 */
export const campaignPlaceholders = ['bonusPoints'] as const;

/** A campaign's message text: the member placeholders and the campaign's. */
export const campaignTextSchema = textSchemaFor([...placeholders, ...campaignPlaceholders]);
export const campaignGenericTextSchema = genericOf(campaignTextSchema);

/** A campaign text with its campaign placeholders filled: `{bonusPoints}` → `1,234 积分`. */
export function fillCampaignValues(text: string, campaign: { bonusPoints: number }): string {
  return text.replace(placeholderPattern, (whole, name: string) =>
    name === 'bonusPoints' ? formatPoints(campaign.bonusPoints) : whole,
  );
}

/** `2026-12-01` → `2026年12月1日` (the text unchanged when it is not a date). */
function formatLocalDateZh(text: string): string {
  const date = parseIsoDate(text);
  return date ? `${date.year}年${date.month}月${date.day}日` : text;
}
