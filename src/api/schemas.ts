import { z } from 'zod';

/** Shared field schemas of the staff API (every body and query is a strict object of these). */
export const mainlandMobile = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, '手机号应为 11 位中国大陆手机号');

export const memberId = z.string().regex(/^[0-9a-f]{24}$/, 'memberId 格式不正确');

export const transactionId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'transactionId 只能包含字母、数字和 . _ : -');

export const storeId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'storeId 格式不正确');

/** An ISO-8601 instant with an explicit offset or Z (a bare local time would be ambiguous). */
export const isoInstant = z.iso
  .datetime({ offset: true, message: '时间应为带时区的 ISO-8601，例如 2026-11-18T10:30:00+08:00' })
  .transform((value) => new Date(value));

export const positiveFen = z
  .number()
  .int('金额以分为单位，须为整数')
  .positive('金额须大于 0')
  .max(100_000_000_000, '金额过大');
