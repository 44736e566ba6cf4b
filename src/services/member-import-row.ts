import { z } from 'zod';
import { type LocalDate, parseIsoDate } from '../rules/local-date';
import { startOfLocalDay } from '../rules/zoned-time';
import { birthdayField, mobileField, nameField, plateField, vehicleModelField } from './enrolment-input';

/** The columns of a member list (CSV header or JSON-lines keys); Chinese headers are accepted too. */
export const importColumns = [
  'name',
  'mobile',
  'birthday',
  'plate',
  'model',
  'openid',
  'openingBalance',
  'openingBalanceEarnedAt',
  'privacyConsentAt',
  'privacyPolicyVersion',
  'marketingConsent',
] as const;

export type ImportColumn = (typeof importColumns)[number];

export const importColumnAliases: Record<string, ImportColumn> = {
  称呼: 'name',
  姓名: 'name',
  手机: 'mobile',
  手机号: 'mobile',
  生日: 'birthday',
  车牌: 'plate',
  车牌号: 'plate',
  车型: 'model',
  期初积分: 'openingBalance',
  积分: 'openingBalance',
  积分获得日期: 'openingBalanceEarnedAt',
  隐私同意时间: 'privacyConsentAt',
  隐私政策版本: 'privacyPolicyVersion',
  营销同意: 'marketingConsent',
};

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', '是', '同意']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', '否', '不同意']);

/**
 * One row of a member list, validated, with reasons in Chinese for the import report. Values are
 * strings from a CSV cell or JSON values from a JSON line; empty cells and nulls mean "not given".
 * Dates are `YYYY-MM-DD` (that local day) or an ISO instant with an offset; none may be after `now`.
 */
export function importRowSchema(now: Date, today: LocalDate, timeZone: string) {
  const instant = (label: string) =>
    z.string().transform((text, ctx): Date => {
      const at = parseDateOrInstant(text.trim(), timeZone);
      if (at && at.getTime() <= now.getTime()) return at;
      ctx.addIssue({ code: 'custom', message: `${label}应为不晚于今天的日期（YYYY-MM-DD）` });
      return z.NEVER;
    });
  return z
    .strictObject({
      name: nameField,
      mobile: mobileField,
      birthday: birthdayField(today).optional(),
      plate: plateField.optional(),
      model: vehicleModelField.optional(),
      openid: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]{6,64}$/, 'openid 格式不正确')
        .optional(),
      openingBalance: z
        .string()
        .trim()
        .regex(/^\d{1,9}$/, '期初积分应为不超过 9 位的非负整数')
        .transform(Number)
        .optional(),
      openingBalanceEarnedAt: instant('积分获得日期').optional(),
      privacyConsentAt: instant('隐私同意时间').optional(),
      privacyPolicyVersion: z.string().trim().min(1).max(40, '隐私政策版本最多 40 个字符').optional(),
      marketingConsent: z
        .string()
        .trim()
        .toLowerCase()
        .refine((v) => TRUE_WORDS.has(v) || FALSE_WORDS.has(v), '营销同意应为 是/否（true/false）')
        .transform((v) => TRUE_WORDS.has(v))
        .optional(),
    })
    .refine((row) => !row.openingBalance || row.openingBalanceEarnedAt, {
      message: '有期初积分时须填写积分获得日期（openingBalanceEarnedAt），以便计算有效期',
      path: ['openingBalanceEarnedAt'],
    });
}

export type ImportRow = z.output<ReturnType<typeof importRowSchema>>;

/** Cell values as the schema reads them: text, or absent. */
export function normaliseImportValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') {
      if (value.trim() !== '') out[key] = value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      out[key] = String(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function parseDateOrInstant(text: string, timeZone: string): Date | null {
  const date = parseIsoDate(text);
  if (date) return startOfLocalDay(date, timeZone);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}
