import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import type { Services } from '../services/services';
import { storeId, transactionId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore } from './store-scope';
import { handle, parseInput } from './validate';

const flag = z
  .enum(['true', 'false'], { error: '应为 true 或 false' })
  .transform((value) => value === 'true');

/** Post-service ratings: answers and low-rating alerts for staff, and the per-store summary. */
export function feedbackRouter(services: Services): Router {
  const router = Router();

  const listQuery = z.strictObject({
    alert: flag.optional(),
    handled: flag.optional(),
    storeId: storeId.optional(),
  });
  router.get(
    '/feedback',
    requireRole('store'),
    handle(async (req, res) => {
      const query = parseInput(listQuery, req.query);
      const staff = res.locals.staff!;
      const store = listingStore(staff, query.storeId);
      const feedback = await services.feedback.list({
        alert: query.alert,
        handled: query.handled,
        storeId: store,
        revealMobile: staff.role === 'admin',
      });
      res.json({ feedback });
    }),
  );

  const summaryQuery = z.strictObject({ storeId: storeId.optional() });
  router.get(
    '/feedback/summary',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const query = parseInput(summaryQuery, req.query);
      const store = listingStore(res.locals.staff!, query.storeId);
      res.json({ stores: await services.feedback.summary({ storeId: store }) });
    }),
  );

  router.post(
    '/feedback/:id/handled',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(transactionId, req.params.id);
      parseInput(z.strictObject({}), req.body ?? {});
      const staff = res.locals.staff!;
      const outcome = await services.feedback.markHandled(id, staff, staff.role === 'admin');
      if (outcome.ok) {
        res.json({ ...outcome.feedback, duplicate: outcome.duplicate });
        return;
      }
      if (outcome.reason === 'forbidden_store')
        throw new AppError('forbidden_store', '这条评价不属于本门店', 403);
      if (outcome.reason === 'not_an_alert')
        throw new AppError('not_an_alert', '这条评价没有触发提醒，无需处理', 409);
      throw new AppError('not_found', '没有这条评价', 404);
    }),
  );

  return router;
}
