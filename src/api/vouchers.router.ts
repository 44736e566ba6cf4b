import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import { formatDateZh } from '../rules/format-zh';
import type { CancelOutcome } from '../services/redemption-service';
import type { Services } from '../services/services';
import type { VerifyOutcome } from '../services/voucher-service';
import { storeId } from './schemas';
import { requireRole } from './staff-auth';
import { resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

/** Codes are letters and digits; anything else cannot be a voucher (the alphabet is checked by lookup). */
const voucherCode = z.string().regex(/^[A-Za-z0-9]{4,16}$/, '券码格式不正确');

const actionBody = z.strictObject({ storeId: storeId.optional() });

/**
 * Vouchers at the counter: look one up (`GET /vouchers/{code}`), verify it once (核销,
 * `POST /vouchers/{code}/verify`) and cancel an unused one (`POST /vouchers/{code}/cancel`), which
 * gives a reward voucher's points and stock back.
 */
export function vouchersRouter(services: Services): Router {
  const router = Router();
  const timeZone = () => services.program.current().timezone;

  router.get(
    '/vouchers/:code',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const code = parseInput(voucherCode, req.params.code);
      const voucher = await services.vouchers.find(code);
      if (!voucher) throw new AppError('not_found', '没有这张券', 404);
      res.json(await services.vouchers.view(voucher));
    }),
  );

  router.post(
    '/vouchers/:code/verify',
    requireRole('store'),
    handle(async (req, res) => {
      const code = parseInput(voucherCode, req.params.code);
      const input = parseInput(actionBody, req.body ?? {});
      const store = resolveStore(res.locals.staff!, input.storeId, services.program.current());
      const outcome = await services.vouchers.verify(code, store);
      if (!outcome.ok) throw verifyError(outcome, timeZone());
      res.json({ ...outcome.voucher, message: `已核销「${outcome.voucher.name}」` });
    }),
  );

  router.post(
    '/vouchers/:code/cancel',
    requireRole('store'),
    handle(async (req, res) => {
      const code = parseInput(voucherCode, req.params.code);
      const input = parseInput(actionBody, req.body ?? {});
      const store = resolveStore(res.locals.staff!, input.storeId, services.program.current());
      const outcome = await services.redemptions.cancelVoucher(code, store);
      if (!outcome.ok) throw cancelError(outcome, timeZone());
      res.json({ ...outcome.result, duplicate: outcome.duplicate });
    }),
  );

  return router;
}

function verifyError(outcome: Extract<VerifyOutcome, { ok: false }>, timeZone: string): AppError {
  switch (outcome.reason) {
    case 'unknown':
      return new AppError('not_found', '没有这张券', 404);
    case 'used':
      return usedError(outcome.usedAt, outcome.usedStoreId, timeZone);
    case 'expired':
      return expiredError(outcome.expiresAt, timeZone);
    case 'cancelled':
      return new AppError('voucher_cancelled', '这张券已作废', 409, {
        cancelledAt: outcome.cancelledAt ? new Date(outcome.cancelledAt).toISOString() : null,
      });
    case 'store_not_allowed':
      return storeError(outcome.storeIds);
  }
}

function cancelError(outcome: Extract<CancelOutcome, { ok: false }>, timeZone: string): AppError {
  switch (outcome.reason) {
    case 'unknown':
      return new AppError('not_found', '没有这张券', 404);
    case 'used':
      return usedError(outcome.usedAt, outcome.usedStoreId, timeZone);
    case 'expired':
      return expiredError(outcome.expiresAt, timeZone);
    case 'store_not_allowed':
      return storeError(outcome.storeIds);
    case 'in_progress':
      return new AppError('voucher_busy', '这张券正在处理中，请稍后再试', 409);
  }
}

function usedError(usedAt: Date | null, usedStoreId: string | null, timeZone: string): AppError {
  const when = usedAt ? `${formatDateZh(new Date(usedAt), timeZone)}` : '';
  return new AppError(
    'voucher_used',
    `这张券已于${when}${usedStoreId ? `在 ${usedStoreId} ` : ''}核销`,
    409,
    {
      usedAt: usedAt ? new Date(usedAt).toISOString() : null,
      usedStoreId,
    },
  );
}

function expiredError(expiresAt: Date, timeZone: string): AppError {
  return new AppError(
    'voucher_expired',
    `这张券已于${formatDateZh(new Date(expiresAt), timeZone)}过期`,
    409,
    {
      expiresAt: new Date(expiresAt).toISOString(),
    },
  );
}

function storeError(storeIds: readonly string[]): AppError {
  return new AppError('store_not_allowed', '这张券不能在本门店使用', 409, { storeIds });
}
