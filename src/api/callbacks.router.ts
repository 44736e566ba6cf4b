import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import type { Services } from '../services/services';
import { storeId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore } from './store-scope';
import { handle, parseInput } from './validate';

const callbackId = z.string().regex(/^[0-9a-f]{24}$/, '回电请求编号格式不正确');

/**
 * 人工 callback requests for staff. The member's full mobile is shown to store keys too: calling
 * the member back is the purpose the member asked for.
 */
export function callbacksRouter(services: Services): Router {
  const router = Router();

  const listQuery = z.strictObject({
    status: z.enum(['open', 'done'], { error: 'status 应为 open 或 done' }).default('open'),
    storeId: storeId.optional(),
  });
  router.get(
    '/callbacks',
    requireRole('store'),
    handle(async (req, res) => {
      const query = parseInput(listQuery, req.query);
      const store = listingStore(res.locals.staff!, query.storeId);
      const callbacks = await services.callbacks.list({
        status: query.status,
        storeId: store,
        revealMobile: true,
      });
      res.json({ callbacks });
    }),
  );

  router.post(
    '/callbacks/:id/done',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(callbackId, req.params.id);
      parseInput(z.strictObject({}), req.body ?? {});
      const outcome = await services.callbacks.done(id, res.locals.staff!, true);
      if (outcome.ok) {
        res.json({ ...outcome.callback, duplicate: outcome.duplicate });
        return;
      }
      if (outcome.reason === 'forbidden_store')
        throw new AppError('forbidden_store', '这条回电请求不属于本门店', 403);
      throw new AppError('not_found', '没有这条回电请求', 404);
    }),
  );

  return router;
}
