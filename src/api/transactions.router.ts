import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import { plateField } from '../services/enrolment-input';
import type { Services } from '../services/services';
import { isoInstant, mainlandMobile, memberId, positiveFen, storeId, transactionId } from './schemas';
import { requireRole } from './staff-auth';
import { resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

/** `POST /api/v1/transactions` and `POST /api/v1/transactions/{id}/refund` (DMS and store staff). */
export function transactionsRouter(services: Services): Router {
  const router = Router();
  const categories = () => Object.keys(services.program.current().categories);

  const body = z
    .strictObject({
      transactionId,
      mobile: mainlandMobile.optional(),
      memberId: memberId.optional(),
      category: z.string().refine((c) => categories().includes(c), { message: '未知的消费类别' }),
      amountFen: positiveFen,
      occurredAt: isoInstant,
      storeId: storeId.optional(),
      // The serviced car: a maintenance or repair visit moves its maintenance due date.
      vehicle: z
        .strictObject({
          plate: plateField,
          mileageKm: z
            .number()
            .int('里程须为整数公里')
            .min(0, '里程不能为负')
            .max(2_000_000, '里程应为 0–2,000,000 公里')
            .optional(),
        })
        .optional(),
    })
    .refine((b) => (b.mobile ? 1 : 0) + (b.memberId ? 1 : 0) === 1, {
      message: '请提供 mobile 或 memberId（二选一）',
      path: ['mobile'],
    });

  router.post(
    '/transactions',
    requireRole('store'),
    handle(async (req, res) => {
      const input = parseInput(body, req.body);
      const store = resolveStore(res.locals.staff!, input.storeId, services.program.current());
      const outcome = await services.transactions.record({ ...input, storeId: store });
      if (!outcome.ok) {
        if (outcome.reason === 'member_not_found')
          throw new AppError('member_not_found', '没有找到这位会员', 404);
        if (outcome.reason === 'transaction_conflict') {
          throw new AppError('transaction_conflict', '此 transactionId 已用于另一笔不同的消费', 409);
        }
        throw new AppError('unknown_category', '未知的消费类别', 400);
      }
      res.status(outcome.duplicate ? 200 : 201).json({ ...outcome.result, duplicate: outcome.duplicate });
    }),
  );

  const refundBody = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() });
  router.post(
    '/transactions/:transactionId/refund',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(transactionId, req.params.transactionId);
      const input = parseInput(refundBody, req.body ?? {});
      const outcome = await services.transactions.refund(id, {
        storeId: res.locals.staff?.storeId,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      if (!outcome.ok) {
        if (outcome.reason === 'transaction_not_found') throw new AppError('not_found', '没有这笔消费', 404);
        if (outcome.reason === 'store_mismatch')
          throw new AppError('forbidden_store', '这笔消费不属于本门店', 403);
        throw new AppError('not_refundable', '这笔消费当前不能退款', 409);
      }
      res.json({ ...outcome.result, duplicate: outcome.duplicate });
    }),
  );
  return router;
}
