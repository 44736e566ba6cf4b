import { describe, expect, it } from 'vitest';
import { redeemRefusalText, rewardEligibility } from '../../../src/console/ui/reward-eligibility';
import type { Reward } from '../../../src/console/ui/types';

/** What the counter tells before redeeming, and how each refusal of the API reads. */
const program = {
  tiers: [
    { code: 'bronze', name: '铜卡', threshold: 0 },
    { code: 'silver', name: '银卡', threshold: 10_000 },
    { code: 'gold', name: '金卡', threshold: 30_000 },
  ],
  stores: [
    { id: 'main', name: '本店' },
    { id: 'east', name: '东区店' },
  ],
};

const reward = (overrides: Partial<Reward> = {}): Reward => ({
  id: 'car-wash',
  name: '免费洗车',
  cost: 1_500,
  stock: null,
  reserved: 0,
  perMemberLimit: null,
  minTier: null,
  validityDays: 30,
  storeIds: null,
  active: true,
  ...overrides,
});

const member = (available: number, tier = 'bronze') =>
  ({ balance: { available, pending: 0, expiringIn30Days: 0, debt: 0 }, tier: { code: tier } }) as never;

describe('rewardEligibility', () => {
  it.each([
    ['affordable', reward(), member(1_500), 'main', { ok: true, problems: [], missing: 0 }],
    [
      'short of points',
      reward({ cost: 8_000 }),
      member(1_234),
      'main',
      { ok: false, problems: ['积分不足，还差 6,766 积分'], missing: 6_766 },
    ],
    [
      'tier too low (and short)',
      reward({ minTier: 'gold', cost: 2_000 }),
      member(1_000, 'silver'),
      'main',
      { ok: false, problems: ['需要金卡及以上会员', '积分不足，还差 1,000 积分'], missing: 1_000 },
    ],
    ['tier above the minimum', reward({ minTier: 'silver' }), member(5_000, 'gold'), 'main', { ok: true }],
    ['out of stock', reward({ stock: 0 }), member(5_000), 'main', { ok: false, problems: ['已兑完'] }],
    [
      'another store only',
      reward({ storeIds: ['east'] }),
      member(5_000),
      'main',
      { ok: false, problems: ['本门店不提供（仅限东区店）'] },
    ],
    [
      'another store, admin key (no store)',
      reward({ storeIds: ['east'] }),
      member(5_000),
      null,
      { ok: true },
    ],
  ])('%s', (_name, r, m, store, expected) => {
    expect(rewardEligibility(r, m, program, store)).toMatchObject(expected);
  });
});

describe('redeemRefusalText', () => {
  const refusal = (code: string, details: Record<string, unknown> | null = null, message = '') => ({
    status: 409,
    code,
    message,
    details,
  });

  it.each([
    [refusal('insufficient_points', { missing: 2_500 }), '积分不足，还差 2,500 积分，不能兑换'],
    [refusal('tier_too_low', { requiredTier: 'gold' }), '会员等级不够：需要金卡及以上才能兑换'],
    [
      refusal('limit_reached', { limit: 1, period: 'month' }, '已达兑换上限（每月限 1 次）'),
      '已达兑换上限（每月限 1 次），这次不能再兑换',
    ],
    [refusal('out_of_stock'), '这个礼品已经兑完了，请选择其他礼品'],
    [refusal('reward_inactive'), '这个礼品已下架，请选择其他礼品'],
    [refusal('store_not_allowed', { storeIds: ['east'] }), '这个礼品只在东区店提供，本门店不能兑换'],
    [refusal('request_conflict'), '这次兑换的编号已用于另一次兑换，请关闭后重新选择礼品'],
    [refusal('something_new', null, '服务器的中文说明'), '服务器的中文说明'],
  ])('%o', (error, text) => {
    expect(redeemRefusalText(error, program)).toBe(text);
  });
});
