import { z } from 'zod';

/**
 * `GET /members?q=`: what staff type to find a member — a whole mainland mobile number, its last
 * 4 to 10 digits, or a part of the name (at least one character that is not a digit, up to 20).
 */
export type MemberSearch = { mobile: string } | { mobileEnding: string } | { nameContains: string };

export const memberSearchText = z
  .string()
  .transform((text) => text.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, '请输入手机号、手机尾号或姓名').max(20, '最多 20 个字'))
  .transform((text, ctx): MemberSearch => {
    const digits = text.replace(/[\s-]/g, '');
    if (/^\d+$/.test(digits)) {
      if (/^1[3-9]\d{9}$/.test(digits)) return { mobile: digits };
      if (digits.length >= 4 && digits.length <= 10) return { mobileEnding: digits };
      ctx.addIssue({ code: 'custom', message: '手机号请输入完整 11 位或至少后 4 位' });
      return z.NEVER;
    }
    return { nameContains: text };
  });
