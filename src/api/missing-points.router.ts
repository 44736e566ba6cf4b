import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import { parseIsoDate } from '../rules/local-date';
import { missingPointsQueue } from '../services/missing-points-queue';
import type { DecideOutcome } from '../services/missing-points-service';
import type { Services } from '../services/services';
import { memberId, positiveFen, storeId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore, resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

const reportId = z.string().regex(/^[0-9a-f]{24}$/, '报告编号格式不正确');
const reason = z.string().trim().min(1, '请填写原因').max(200, '原因最多 200 个字');

/**
 * Points-missing reports (积分没到账): open for a member, the staff queue (each report with its
 * member and the points the program proposes), resolve or reject.
 */
export function missingPointsRouter(services: Services): Router {
  const router = Router();

  const openBody = z.strictObject({
    date: z.string().refine((d) => parseIsoDate(d) !== null, '日期应为 YYYY-MM-DD'),
    amountFen: positiveFen,
    storeId: storeId.optional(),
    invoiceUrl: z
      .url({ protocol: /^https?$/, message: '发票照片地址应为 http(s) 链接' })
      .max(500)
      .optional(),
    invoiceMediaId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
    note: z.string().trim().max(500, '备注最多 500 个字').optional(),
  });
  router.post(
    '/members/:id/missing-points',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const body = parseInput(openBody, req.body ?? {});
      const store = resolveStore(res.locals.staff!, body.storeId, services.program.current());
      const outcome = await services.missingPoints.open({
        memberId: id,
        date: body.date,
        amountFen: body.amountFen,
        storeId: store,
        invoiceUrl: body.invoiceUrl ?? null,
        invoiceMediaId: body.invoiceMediaId ?? null,
        note: body.note || null,
        channel: 'counter',
      });
      if (!outcome.ok) throw new AppError('not_found', '没有找到这位会员', 404);
      res.status(201).json(outcome.report);
    }),
  );

  const listQuery = z.strictObject({
    status: z.literal('open').default('open'),
    storeId: storeId.optional(),
  });
  router.get(
    '/missing-points',
    requireRole('store'),
    handle(async (req, res) => {
      const query = parseInput(listQuery, req.query);
      const store = listingStore(res.locals.staff!, query.storeId);
      const reports = await services.missingPoints.listOpen({ storeId: store });
      const full = res.locals.staff?.role === 'admin';
      res.json({
        reports: await missingPointsQueue(services, () => services.campaigns.windows(), reports, full),
      });
    }),
  );

  const resolveBody = z.strictObject({
    points: z.number().int('积分须为整数').min(1, '补录积分须大于 0').max(10_000_000, '补录积分过大'),
    reason,
    qualifying: z.boolean().optional(),
  });
  router.post(
    '/missing-points/:id/resolve',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(reportId, req.params.id);
      const body = parseInput(resolveBody, req.body ?? {});
      const staff = res.locals.staff!;
      const outcome = await services.missingPoints.resolve(id, body, {
        role: staff.role,
        storeId: staff.storeId,
      });
      sendDecision(res, outcome);
    }),
  );

  const rejectBody = z.strictObject({ reason });
  router.post(
    '/missing-points/:id/reject',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(reportId, req.params.id);
      const body = parseInput(rejectBody, req.body ?? {});
      const staff = res.locals.staff!;
      const outcome = await services.missingPoints.reject(id, body, {
        role: staff.role,
        storeId: staff.storeId,
      });
      sendDecision(res, outcome);
    }),
  );

  return router;
}

function sendDecision(res: { json(body: unknown): void }, outcome: DecideOutcome): void {
  if (outcome.ok) {
    res.json({ ...outcome.report, duplicate: outcome.duplicate });
    return;
  }
  if (outcome.reason === 'already_decided') {
    throw new AppError('already_decided', '这份报告已处理过', 409, { report: outcome.report });
  }
  if (outcome.reason === 'forbidden_store')
    throw new AppError('forbidden_store', '这份报告不属于本门店', 403);
  throw new AppError('not_found', '没有这份积分未到账报告', 404);
}
