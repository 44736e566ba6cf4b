import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { Database } from '../../src/data/database';
import type { RewardRecord } from '../../src/data/models/reward-model';
import type { VoucherRecord } from '../../src/data/models/voucher-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, expectLedgerReplays, givePoints, memberOf } from '../helpers/member-points';

// Two stores, so that store-limited rewards and store-scoped keys mean something.
const program = parseProgram({
  ...structuredClone(defaultProgramInput),
  stores: [
    { id: 'main', name: '本店' },
    { id: 'east', name: '东区店' },
  ],
});

let h: ApiHarness;
let db: Database;
let seq = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00', program });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

async function memberWith(points: number, earnedAt?: Date): Promise<string> {
  const member = await h.insertMember({ mobile: `138${String(10_000_000 + ++seq).padStart(8, '0')}` });
  await givePoints(db, program, member._id, points, h.now(), earnedAt);
  return member._id;
}

async function newReward(fields: Record<string, unknown> = {}): Promise<string> {
  const id = `voucher-reward-${++seq}`;
  const res = await h.post(
    '/api/v1/rewards',
    { id, name: `礼品${seq}`, cost: 1_000, validityDays: 30, ...fields },
    'marketing',
  );
  expect(res.status).toBe(201);
  return id;
}

async function redeemed(memberId: string, rewardId: string): Promise<string> {
  const res = await h.post(
    `/api/v1/members/${memberId}/redemptions`,
    { rewardId, requestId: `v-${++seq}` },
    'store',
  );
  expect(res.status).toBe(201);
  return res.body.voucher.code as string;
}

describe('vouchers: look-up and verification (核销)', () => {
  it('verifies once; the second attempt is 409 voucher_used with when and where', async () => {
    const memberId = await memberWith(5_000);
    const code = await redeemed(memberId, await newReward());

    const look = await h.get(`/api/v1/vouchers/${code.toLowerCase()}`, 'store');
    expect(look.status).toBe(200);
    expect(look.body).toMatchObject({ code, status: 'issued', kind: 'reward', member: { id: memberId } });
    expect(look.body.member.mobile).toMatch(/^138\*{4}\d{4}$/);

    const first = await h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code, status: 'used', usedStoreId: 'main' });
    expect(first.body.member.mobile).toMatch(/\*{4}/);
    const second = await h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store');
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'voucher_used', details: { usedStoreId: 'main' } });
    expect(second.body.error.details.usedAt).toBe(first.body.usedAt);
  });

  it('verifies exactly once under 30 concurrent attempts', async () => {
    const code = await redeemed(await memberWith(5_000), await newReward());
    const results = await Promise.all(
      Array.from({ length: 30 }, () => h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store')),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'voucher_used')).toHaveLength(29);
  });

  it('refuses expired and unknown codes, and keeps store-limited rewards to their stores', async () => {
    const memberId = await memberWith(10_000);
    const code = await redeemed(memberId, await newReward({ validityDays: 1 }));
    const saved = h.now();
    h.setNow('2026-11-27T00:00:00+08:00');
    try {
      const expired = await h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store');
      expect(expired.status).toBe(409);
      expect(expired.body.error.code).toBe('voucher_expired');
      expect((await h.get(`/api/v1/vouchers/${code}`, 'store')).body.status).toBe('expired');
      expect((await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store')).body.error.code).toBe(
        'voucher_expired',
      );
      expect(await h.runtime.services.vouchers.expireDue()).toBeGreaterThanOrEqual(1);
    } finally {
      h.setNow(saved);
    }
    expect((await h.post('/api/v1/vouchers/ZZZZZZZZ/verify', {}, 'store')).status).toBe(404);
    expect((await h.get('/api/v1/vouchers/ZZZZZZZZ', 'store')).status).toBe(404);

    const eastOnly = await newReward({ storeIds: ['east'] });
    // At the main store's counter the reward is not offered at all.
    const atMain = await h.post(
      `/api/v1/members/${memberId}/redemptions`,
      { rewardId: eastOnly, requestId: 'east-1' },
      'store',
    );
    expect(atMain.body.error.code).toBe('store_not_allowed');
    const bought = await h.post(
      `/api/v1/members/${memberId}/redemptions`,
      { rewardId: eastOnly, requestId: 'east-2', storeId: 'east' },
      'admin',
    );
    expect(bought.status).toBe(201);
    const eastCode = bought.body.voucher.code;
    // The main store's key cannot verify it, nor act for another store.
    const wrongStore = await h.post(`/api/v1/vouchers/${eastCode}/verify`, {}, 'store');
    expect(wrongStore.body.error.code).toBe('store_not_allowed');
    expect((await h.post(`/api/v1/vouchers/${eastCode}/verify`, { storeId: 'east' }, 'store')).status).toBe(
      403,
    );
    const atEast = await h.post(`/api/v1/vouchers/${eastCode}/verify`, { storeId: 'east' }, 'admin');
    expect(atEast.status).toBe(200);
    expect(atEast.body.usedStoreId).toBe('east');
  });

  it('checks roles: marketing cannot verify or cancel; injection is a 400', async () => {
    const code = await redeemed(await memberWith(5_000), await newReward());
    expect((await h.post(`/api/v1/vouchers/${code}/verify`, {}, 'marketing')).status).toBe(403);
    expect((await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'marketing')).status).toBe(403);
    expect((await h.get(`/api/v1/vouchers/${code}`, 'marketing')).status).toBe(200);
    expect((await h.post(`/api/v1/vouchers/${code}/verify`, { storeId: { $ne: 'x' } }, 'store')).status).toBe(
      400,
    );
    expect((await h.post(`/api/v1/vouchers/${code}/verify`, { other: 1 }, 'store')).status).toBe(400);
    expect((await h.post('/api/v1/vouchers/bad$code/verify', {}, 'store')).status).toBe(400);
    expect((await h.get(`/api/v1/vouchers/${code}`, 'store')).body.status).toBe('issued');
  });
});

describe('vouchers: cancellation', () => {
  it('gives points back to their original lots and the unit back to stock; once', async () => {
    const memberId = await memberWith(2_000);
    await givePoints(db, program, memberId, 3_000, h.now());
    const before = await memberOf(db, memberId);
    const rewardId = await newReward({ cost: 4_000, stock: 3 });
    const code = await redeemed(memberId, rewardId);
    expect(await balanceOf(db, memberId, h.now())).toBe(1_000);
    expect((await db.rewards.findById(rewardId).lean<RewardRecord>())?.stock).toBe(2);

    const cancelled = await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      pointsReturned: 4_000,
      pointsReExpired: 0,
      stockReturned: true,
      balance: { available: 5_000 },
      duplicate: false,
    });
    const after = await memberOf(db, memberId);
    const remaining = (m: typeof after) => m.account.lots.map((l) => [l.lotId, l.remaining]);
    expect(remaining(after)).toEqual(remaining(before));
    expect(await db.rewards.findById(rewardId).lean<RewardRecord>()).toMatchObject({
      stock: 3,
      reservations: [],
      returns: [],
    });
    expect((await db.vouchers.findOne({ code }).lean<VoucherRecord>())?.status).toBe('cancelled');
    await expectLedgerReplays(db, memberId);

    const again = await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store');
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(await balanceOf(db, memberId, h.now())).toBe(5_000);
    expect((await db.rewards.findById(rewardId).lean<RewardRecord>())?.stock).toBe(3);
    const verify = await h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store');
    expect(verify.status).toBe(409);
    expect(verify.body.error.code).toBe('voucher_cancelled');
  });

  it('expires returned points at once when their lot expired meanwhile', async () => {
    // Earned in November 2023, the lot expires at the end of November 2026 (36 months).
    const memberId = await memberWith(1_000, new Date('2023-11-10T10:00:00+08:00'));
    await givePoints(db, program, memberId, 2_000, h.now());
    const code = await redeemed(memberId, await newReward({ cost: 1_500, validityDays: 60 }));
    expect(await balanceOf(db, memberId, h.now())).toBe(1_500);
    const saved = h.now();
    h.setNow('2026-12-02T10:00:00+08:00');
    try {
      const cancelled = await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store');
      expect(cancelled.status).toBe(200);
      // 1,000 came from the old lot (first to expire), which is gone now; 500 from the new one.
      expect(cancelled.body).toMatchObject({ pointsReturned: 1_500, pointsReExpired: 1_000 });
      expect(await balanceOf(db, memberId, h.now())).toBe(2_000);
      await expectLedgerReplays(db, memberId);
    } finally {
      h.setNow(saved);
    }
  });

  it('lets a cancelled redemption no longer count towards the monthly limit', async () => {
    const memberId = await memberWith(5_000);
    const rewardId = await newReward({ cost: 100, perMemberLimit: { count: 1, period: 'month' } });
    const code = await redeemed(memberId, rewardId);
    const blocked = await h.post(
      `/api/v1/members/${memberId}/redemptions`,
      { rewardId, requestId: 'lim-2' },
      'store',
    );
    expect(blocked.body.error.code).toBe('limit_reached');
    expect((await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store')).status).toBe(200);
    expect(
      (await h.post(`/api/v1/members/${memberId}/redemptions`, { rewardId, requestId: 'lim-3' }, 'store'))
        .status,
    ).toBe(201);
  });

  it('lets exactly one of a concurrent verify and cancel win, with the points matching the winner', async () => {
    for (let round = 0; round < 8; round++) {
      const memberId = await memberWith(3_000);
      const code = await redeemed(memberId, await newReward({ cost: 1_000, stock: 2 }));
      const [verify, cancel] = await Promise.all([
        h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store'),
        h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store'),
      ]);
      expect([verify.status, cancel.status].filter((s) => s === 200)).toHaveLength(1);
      const voucher = await db.vouchers.findOne({ code }).lean<VoucherRecord>();
      if (verify.status === 200) {
        expect(cancel.body.error.code).toBe('voucher_used');
        expect(voucher?.status).toBe('used');
        expect(await balanceOf(db, memberId, h.now())).toBe(2_000);
      } else {
        expect(verify.body.error.code).toBe('voucher_cancelled');
        expect(voucher?.status).toBe('cancelled');
        expect(await balanceOf(db, memberId, h.now())).toBe(3_000);
      }
      await expectLedgerReplays(db, memberId);
    }
  });

  it('cannot cancel a used voucher; a welcome voucher is only marked cancelled', async () => {
    const memberId = await memberWith(5_000);
    const code = await redeemed(memberId, await newReward());
    await h.post(`/api/v1/vouchers/${code}/verify`, {}, 'store');
    const refused = await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('voucher_used');
    expect(await balanceOf(db, memberId, h.now())).toBe(4_000);

    const welcome = await h.runtime.services.vouchers.issue({
      sourceKey: `welcome-voucher:${memberId}`,
      memberId,
      name: '免费基础保养券',
      kind: 'welcome',
      expiresAt: new Date('2026-12-25T23:59:59.999+08:00'),
    });
    const again = await h.runtime.services.vouchers.issue({
      sourceKey: `welcome-voucher:${memberId}`,
      memberId,
      name: '免费基础保养券',
      kind: 'welcome',
      expiresAt: new Date('2026-12-25T23:59:59.999+08:00'),
    });
    expect(again.code).toBe(welcome.code);
    const cancelled = await h.post(`/api/v1/vouchers/${welcome.code}/cancel`, {}, 'store');
    expect(cancelled.body).toMatchObject({ status: 'cancelled', pointsReturned: 0, redemptionId: null });
    expect(await balanceOf(db, memberId, h.now())).toBe(4_000);
  });
});
