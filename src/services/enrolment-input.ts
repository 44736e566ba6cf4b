import { z } from 'zod';
import type { LocalDate } from '../rules/local-date';
import { normalizePlate } from '../rules/normalize-plate';
import { type Birthday, parseBirthday } from '../rules/parse-birthday';

/** A mainland mobile number: 11 digits starting 13–19. */
export const mobileField = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, '手机号应为 11 位中国大陆手机号');

/** What people call themselves (称呼): 1–20 characters, no control characters. */
export const nameField = z
  .string()
  .trim()
  .refine((name) => [...name].length >= 1 && [...name].length <= 20, '称呼应为 1–20 个字')
  .refine((name) => !/\p{Cc}/u.test(name), '称呼含有不允许的字符');

export const plateField = z.string().transform((text, ctx) => {
  const plate = normalizePlate(text);
  if (plate) return plate;
  ctx.addIssue({ code: 'custom', message: '车牌号格式不正确，例如 沪A12345 或 粤BD12345' });
  return z.NEVER;
});

export const vehicleModelField = z.string().trim().min(1, '车型不能为空').max(40, '车型最多 40 个字');

export const referralCodeField = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{6,8}$/, '推荐码应为 6–8 位字母或数字');

/** A birthday `YYYY-MM-DD` or `MM-DD`, a real date not after `today`. */
export function birthdayField(today: LocalDate) {
  return z.string().transform((text, ctx): Birthday => {
    const birthday = parseBirthday(text, today);
    if (birthday) return birthday;
    ctx.addIssue({ code: 'custom', message: '生日应为真实日期，格式 YYYY-MM-DD 或 MM-DD，且不能晚于今天' });
    return z.NEVER;
  });
}

/**
 * A sign-up as staff enter it at the counter or the chat flow collects it (RULES.md §5, minus the
 * SMS check, which the chat flow does before calling the service). `today` is the program's local
 * date, for "a birthday is not in the future".
 */
export function enrolmentInputSchema(today: LocalDate) {
  return z.strictObject({
    name: nameField,
    mobile: mobileField,
    birthday: birthdayField(today).optional(),
    plate: plateField.optional(),
    model: vehicleModelField.optional(),
    privacyConsent: z.literal(true, { error: '须同意隐私政策才能入会' }),
    marketingConsent: z.boolean().optional(),
    referralCode: referralCodeField.optional(),
  });
}

export type EnrolmentInput = z.output<ReturnType<typeof enrolmentInputSchema>>;
