import { Router } from 'express';
import { z } from 'zod';
import { identifierPatterns } from '../config/identifier-patterns';
import { AppError } from '../lib/app-error';
import { formatPoints } from '../rules/format-zh';
import type { RedeemFailure } from '../services/redemption-service';
import type { Services } from '../services/services';
import { memberId, storeId } from './schemas';
import { requireRole } from './staff-auth';
import { resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

const rewardId = z
  .string({ error: '请填写礼品编号' })
  .regex(identifierPatterns.code, 'rewardId 须为小写字母、数字和 - 组成')
  .max(64, '礼品编号最多 64 个字符');

/** Same shape as the DMS transaction ids: whatever the caller's system uses as a request key. */
const requestId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'requestId 只能包含字母、数字和 . _ : -');

// Messages in Chinese: the staff console shows them next to the field they are about.
const rewardFields = {
  name: z.string().trim().min(1, '请填写礼品名称').max(60, '礼品名称最多 60 个字'),
  cost: z
    .number({ error: '所需积分须为整数' })
    .int('积分须为整数')
    .min(1, '所需积分至少为 1')
    .max(1_000_000_000, '所需积分不能超过 10 亿'),
  stock: z
    .number({ error: '库存须为整数' })
    .int('库存须为整数')
    .min(0, '库存不能为负数')
    .max(1_000_000_000, '库存不能超过 10 亿')
    .nullable(),
  perMemberLimit: z
    .strictObject({
      count: z
        .number({ error: '限兑次数须为整数' })
        .int('限兑次数须为整数')
        .min(1, '限兑次数至少为 1')
        .max(1000, '限兑次数不能超过 1000'),
      period: z.enum(['month', 'year', 'membershipYear', 'lifetime'], {
        error: '限兑周期应为 month、year、membershipYear 或 lifetime',
      }),
    })
    .nullable(),
  minTier: z.string().regex(identifierPatterns.code, '等级代码格式不正确').nullable(),
  validityDays: z
    .number({ error: '有效期须为整数天数' })
    .int('有效期须为整数天数')
    .min(1, '有效期至少 1 天')
    .max(3650, '有效期最长 3650 天（10 年）'),
  storeIds: z
    .array(storeId)
    .min(1, '留空（null）表示所有门店')
    .refine((ids) => new Set(ids).size === ids.length, '门店不能重复')
    .nullable(),
  active: z.boolean(),
};

const createBody = z.strictObject({
  id: rewardId,
  name: rewardFields.name,
  cost: rewardFields.cost,
  stock: rewardFields.stock.default(null),
  perMemberLimit: rewardFields.perMemberLimit.default(null),
  minTier: rewardFields.minTier.default(null),
  validityDays: rewardFields.validityDays,
  storeIds: rewardFields.storeIds.default(null),
  active: rewardFields.active.default(true),
});

const patchBody = z
  .strictObject(rewardFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: '请至少修改一个字段' });

const listQuery = z.strictObject({ active: z.enum(['true', 'false']).optional() });

const redeemBody = z.strictObject({ rewardId, requestId, storeId: storeId.optional() });

/**
 * The reward catalogue (`GET|POST /rewards`, `PATCH /rewards/{id}`) and staff-assisted redemption
 * (`POST /members/{id}/redemptions`, idempotent on `requestId`).
 */
export function rewardsRouter(services: Services): Router {
  const router = Router();

  router.get(
    '/rewards',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const { active } = parseInput(listQuery, req.query);
      const rewards = await services.rewards.list({ activeOnly: active === 'true' });
      res.json({ rewards: active === 'false' ? rewards.filter((r) => !r.active) : rewards });
    }),
  );

  router.post(
    '/rewards',
    requireRole('marketing'),
    handle(async (req, res) => {
      const { id, ...fields } = parseInput(createBody, req.body);
      const outcome = await services.rewards.create(id, fields);
      if (!outcome.ok) {
        if (outcome.reason === 'exists') throw new AppError('reward_exists', `已有编号为 ${id} 的礼品`, 409);
        throw new AppError('invalid_request', outcome.message ?? '礼品设置不正确', 400);
      }
      res.status(201).json(outcome.reward);
    }),
  );

  router.patch(
    '/rewards/:id',
    requireRole('marketing'),
    handle(async (req, res) => {
      const id = parseInput(rewardId, req.params.id);
      const changes = parseInput(patchBody, req.body);
      const outcome = await services.rewards.patch(id, changes);
      if (!outcome.ok) {
        if (outcome.reason === 'not_found') throw new AppError('not_found', '没有这个礼品', 404);
        throw new AppError('invalid_request', outcome.message ?? '礼品设置不正确', 400);
      }
      res.json(outcome.reward);
    }),
  );

  router.post(
    '/members/:id/redemptions',
    requireRole('store'),
    handle(async (req, res) => {
      const member = parseInput(memberId, req.params.id);
      const input = parseInput(redeemBody, req.body);
      const store = resolveStore(res.locals.staff!, input.storeId, services.program.current());
      const outcome = await services.redemptions.redeem({
        memberId: member,
        rewardId: input.rewardId,
        requestId: input.requestId,
        storeId: store,
      });
      if (!outcome.ok) throw redeemError(outcome);
      res.status(outcome.duplicate ? 200 : 201).json({ ...outcome.result, duplicate: outcome.duplicate });
    }),
  );

  return router;
}

const periodNames = {
  month: '每月',
  year: '每年',
  membershipYear: '每个会员年度',
  lifetime: '每人',
} as const;

/** An expected redemption failure as the staff API answers it (404 or 409, with the useful detail). */
function redeemError(failure: RedeemFailure): AppError {
  switch (failure.reason) {
    case 'member_not_found':
      return new AppError('member_not_found', '没有找到这位会员', 404);
    case 'reward_not_found':
      return new AppError('reward_not_found', '没有这个礼品', 404);
    case 'inactive':
      return new AppError('reward_inactive', '这个礼品已下架', 409);
    case 'out_of_stock':
      return new AppError('out_of_stock', '这个礼品已兑完', 409);
    case 'store_not_allowed':
      return new AppError('store_not_allowed', '这个礼品不在本门店提供', 409, { storeIds: failure.storeIds });
    case 'tier_too_low':
      return new AppError('tier_too_low', '会员等级未达到兑换要求', 409, {
        requiredTier: failure.requiredTier,
      });
    case 'limit_reached':
      return new AppError(
        'limit_reached',
        `已达兑换上限（${periodNames[failure.period]}限 ${failure.limit} 次）`,
        409,
        { limit: failure.limit, period: failure.period },
      );
    case 'insufficient_points':
      return new AppError('insufficient_points', `积分不足，还差 ${formatPoints(failure.missing)}`, 409, {
        missing: failure.missing,
      });
    case 'request_conflict':
      return new AppError('request_conflict', '此 requestId 已用于另一次兑换', 409);
    case 'in_progress':
      return new AppError('redemption_in_progress', '这次兑换正在处理中，请稍后再试', 409);
  }
}
