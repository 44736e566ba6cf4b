import { type Response, Router } from 'express';
import { z } from 'zod';
import { benefitIds } from '../benefits/benefit-ids';
import { AppError } from '../lib/app-error';
import { addLocalDays, compareLocalDates, formatIsoDate, parseIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import type { BenefitUseOutcome } from '../services/benefits/benefit-service';
import type { Services } from '../services/services';
import { memberId, storeId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore, resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

const benefit = z.enum(benefitIds, { error: `没有这项可计次的权益（可用：${benefitIds.join('、')}）` });
const requestId = z
  .string()
  .min(1, 'requestId 不能为空')
  .max(64, 'requestId 最长 64 个字符')
  .regex(/^[A-Za-z0-9._:-]+$/, 'requestId 只能包含字母、数字和 . _ : -')
  .refine((id) => !id.startsWith('booking:'), 'requestId 不能以 booking: 开头（到店核销专用）');
const useBody = z.strictObject({
  requestId,
  storeId: storeId.optional(),
  note: z.string().trim().max(200, '备注最多 200 字').optional(),
});

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD')
  .transform((text, ctx) => {
    const date = parseIsoDate(text);
    if (!date) {
      ctx.addIssue({ code: 'custom', message: '没有这一天，请核对日期' });
      return z.NEVER;
    }
    return date;
  });
const reportQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  storeId: storeId.optional(),
});
/** The longest period the benefits report covers at once. */
const REPORT_MAX_DAYS = 366;

const statusOf: Record<Extract<BenefitUseOutcome, { ok: false }>['reason'], number> = {
  member_not_found: 404,
  not_found: 404,
  request_reused: 409,
  forbidden_store: 403,
  none_left: 409,
  year_ended: 409,
};

/**
 * Counted tier benefits for staff (RULES.md §11): what a member has and used this membership year,
 * a use at the counter (exactly once per `requestId`), and its undo. Store keys act for their store.
 */
export function benefitsRouter(services: Services): Router {
  const router = Router();

  router.get(
    '/members/:id/benefits',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      parseInput(z.strictObject({}), req.query);
      const standing = await services.benefits.standing(id);
      if (!standing) throw new AppError('not_found', '没有找到这位会员', 404);
      res.json(standing);
    }),
  );

  router.post(
    '/members/:id/benefits/:benefit/use',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const benefitId = parseInput(benefit, req.params.benefit);
      const body = parseInput(useBody, req.body);
      const staff = res.locals.staff!;
      const outcome = await services.benefits.use({
        memberId: id,
        benefitId,
        requestId: body.requestId,
        storeId: resolveStore(staff, body.storeId, services.program.current()),
        source: { kind: 'staff', role: staff.role },
        note: body.note ?? null,
      });
      answer(outcome, res);
    }),
  );

  router.post(
    '/members/:id/benefits/:benefit/use/:requestId/undo',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const benefitId = parseInput(benefit, req.params.benefit);
      const useRequest = parseInput(z.string().min(1).max(80), req.params.requestId);
      const outcome = await services.benefits.undo(
        id,
        benefitId,
        useRequest,
        res.locals.staff!.storeId ?? null,
      );
      answer(outcome, res);
    }),
  );

  router.get(
    '/reports/benefits',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const query = parseInput(reportQuery, req.query);
      const timeZone = services.program.current().timezone;
      const to = query.to ?? localDateOf(services.clock(), timeZone);
      const from = query.from ?? addLocalDays(to, -29);
      if (compareLocalDates(from, to) > 0) {
        throw new AppError('invalid_period', 'from 不能晚于 to', 400);
      }
      if (compareLocalDates(addLocalDays(from, REPORT_MAX_DAYS), to) <= 0) {
        throw new AppError('invalid_period', `一次最多统计 ${REPORT_MAX_DAYS} 天`, 400);
      }
      const store = listingStore(res.locals.staff!, query.storeId);
      const report = await services.reports.benefits(from, to, store);
      res.json({ ...report, from: formatIsoDate(from), to: formatIsoDate(to), storeId: store ?? null });
    }),
  );

  return router;
}

function answer(outcome: BenefitUseOutcome, res: Response): void {
  if (!outcome.ok) {
    const details = 'count' in outcome ? outcome.count : undefined;
    throw new AppError(outcome.reason, outcome.message, statusOf[outcome.reason], details);
  }
  res.status(200).json({ duplicate: outcome.duplicate, use: outcome.use, ...outcome.count });
}
