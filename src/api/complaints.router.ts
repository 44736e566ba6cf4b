import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import type { Services } from '../services/services';
import { storeId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore } from './store-scope';
import { handle, parseInput } from './validate';

const complaintId = z.string().regex(/^[0-9a-f]{24}$/, '投诉编号格式不正确');
const flag = z
  .enum(['true', 'false'], { error: '应为 true 或 false' })
  .transform((value) => value === 'true');

/**
 * 投诉: members' complaints from the chat, a staff alert for the member's store (listed beside the
 * low-rating alerts) until marked handled. A store key sees and handles its own store's only; the
 * mobile is masked except for admins, as with ratings.
 */
export function complaintsRouter(services: Services): Router {
  const router = Router();

  const listQuery = z.strictObject({ handled: flag.optional(), storeId: storeId.optional() });
  router.get(
    '/complaints',
    requireRole('store'),
    handle(async (req, res) => {
      const query = parseInput(listQuery, req.query);
      const staff = res.locals.staff!;
      const complaints = await services.complaints.list({
        handled: query.handled,
        storeId: listingStore(staff, query.storeId),
        revealMobile: staff.role === 'admin',
      });
      res.json({ complaints });
    }),
  );

  router.post(
    '/complaints/:id/handled',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(complaintId, req.params.id);
      parseInput(z.strictObject({}), req.body ?? {});
      const staff = res.locals.staff!;
      const outcome = await services.complaints.markHandled(id, staff, staff.role === 'admin');
      if (outcome.ok) {
        res.json({ ...outcome.complaint, duplicate: outcome.duplicate });
        return;
      }
      if (outcome.reason === 'forbidden_store')
        throw new AppError('forbidden_store', '这条投诉不属于本门店', 403);
      throw new AppError('not_found', '没有这条投诉', 404);
    }),
  );

  return router;
}
