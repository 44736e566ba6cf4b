import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { RedemptionRecord } from '../../src/data/models/redemption-model';
import type { RewardRecord } from '../../src/data/models/reward-model';
import { type RedemptionFaults, RedemptionService } from '../../src/services/redemption-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, expectLedgerReplays, givePoints } from '../helpers/member-points';

let h: ApiHarness;
let db: Database;
let seq = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

const crash = () => {
  throw new Error('injected crash');
};

/** A second service on the same database whose work stops (throws) right after one step. */
function crashingService(faults: RedemptionFaults): RedemptionService {
  const { db, program, clock, logger } = h.runtime.services;
  return new RedemptionService({ db, program, clock, logger }, h.runtime.services.vouchers, { faults });
}

async function setup(points: number, stock: number | null = 5) {
  const member = await h.insertMember();
  await givePoints(db, h.runtime.services.program.current(), member._id, points, h.now());
  const rewardId = `crash-reward-${++seq}`;
  const res = await h.post(
    '/api/v1/rewards',
    { id: rewardId, name: '崩溃测试', cost: 1_000, stock, validityDays: 30 },
    'marketing',
  );
  expect(res.status).toBe(201);
  return { memberId: member._id, rewardId, requestId: `crash-${seq}` };
}

async function state(memberId: string, rewardId: string, requestId: string) {
  return {
    redemption: await db.redemptions.findOne({ requestId }).lean<RedemptionRecord>(),
    reward: await db.rewards.findById(rewardId).lean<RewardRecord>(),
    vouchers: await db.vouchers.countDocuments({ memberId }),
    balance: await balanceOf(db, memberId, h.now()),
  };
}

/** After recovery: one voucher, points deducted once, one unit gone, no hold left. */
async function expectConsistentAfterRecovery(memberId: string, rewardId: string, requestId: string) {
  const resumed = await h.runtime.services.redemptions.recoverStuck(0);
  expect(resumed).toBeGreaterThanOrEqual(1);
  const after = await state(memberId, rewardId, requestId);
  expect(after.redemption?.status).toBe('completed');
  expect(after.vouchers).toBe(1);
  expect(after.balance).toBe(1_500);
  expect(after.reward).toMatchObject({ stock: 4, reservations: [] });
  await expectLedgerReplays(db, memberId);
  // The caller's retry gets the recovered outcome, with the voucher that was issued.
  const retry = await h.post(`/api/v1/members/${memberId}/redemptions`, { rewardId, requestId }, 'store');
  expect(retry.status).toBe(200);
  expect(retry.body.voucher.code).toBe(after.redemption?.voucherCode);
  expect(await db.vouchers.countDocuments({ memberId })).toBe(1);
  expect(await h.runtime.services.redemptions.recoverStuck(0)).toBe(0);
}

describe('redemption crash recovery', () => {
  it('resumes after a crash between "reserve stock" and "deduct points"', async () => {
    const { memberId, rewardId, requestId } = await setup(2_500);
    const service = crashingService({ afterReserve: crash });
    await expect(service.redeem({ memberId, rewardId, requestId, storeId: 'main' })).rejects.toThrow(
      'injected crash',
    );
    const crashed = await state(memberId, rewardId, requestId);
    expect(crashed.redemption?.status).toBe('started');
    expect(crashed.reward).toMatchObject({ stock: 4, reservations: [requestId] });
    expect(crashed.balance).toBe(2_500);
    expect(crashed.vouchers).toBe(0);
    await expectConsistentAfterRecovery(memberId, rewardId, requestId);
  });

  it('resumes after a crash between "deduct points" and "issue voucher"', async () => {
    const { memberId, rewardId, requestId } = await setup(2_500);
    const service = crashingService({ afterDeduct: crash });
    await expect(service.redeem({ memberId, rewardId, requestId, storeId: 'main' })).rejects.toThrow(
      'injected crash',
    );
    const crashed = await state(memberId, rewardId, requestId);
    expect(crashed.redemption?.status).toBe('stock_reserved');
    expect(crashed.balance).toBe(1_500);
    expect(crashed.vouchers).toBe(0);
    await expectConsistentAfterRecovery(memberId, rewardId, requestId);
  });

  it('resumes after a crash between "issue voucher" and "completed" without a second voucher', async () => {
    const { memberId, rewardId, requestId } = await setup(2_500);
    const service = crashingService({ afterIssue: crash });
    await expect(service.redeem({ memberId, rewardId, requestId, storeId: 'main' })).rejects.toThrow(
      'injected crash',
    );
    const crashed = await state(memberId, rewardId, requestId);
    expect(crashed.redemption?.status).toBe('points_deducted');
    expect(crashed.vouchers).toBe(1);
    await expectConsistentAfterRecovery(memberId, rewardId, requestId);
  });

  it('compensates on recovery when the points are gone by then: the unit goes back, the reason is kept', async () => {
    const { memberId, rewardId, requestId } = await setup(1_200);
    await expect(
      crashingService({ afterReserve: crash }).redeem({ memberId, rewardId, requestId, storeId: 'main' }),
    ).rejects.toThrow('injected crash');
    // Meanwhile the member spends the points elsewhere.
    const spent = await h.post(
      `/api/v1/members/${memberId}/redemptions`,
      { rewardId, requestId: `${requestId}-b` },
      'store',
    );
    expect(spent.status).toBe(201);
    expect(await h.runtime.services.redemptions.recoverStuck(0)).toBe(1);
    const after = await state(memberId, rewardId, requestId);
    expect(after.redemption).toMatchObject({
      status: 'compensated',
      failure: { reason: 'insufficient_points', missing: 800 },
    });
    expect(after.reward).toMatchObject({ stock: 4, reservations: [] });
    expect(after.balance).toBe(200);
    const retry = await h.post(`/api/v1/members/${memberId}/redemptions`, { rewardId, requestId }, 'store');
    expect(retry.status).toBe(409);
    expect(retry.body.error).toMatchObject({ code: 'insufficient_points', details: { missing: 800 } });
  });

  it('does not touch a redemption still in progress (younger than the threshold)', async () => {
    const { memberId, rewardId, requestId } = await setup(2_500);
    await expect(
      crashingService({ afterDeduct: crash }).redeem({ memberId, rewardId, requestId, storeId: 'main' }),
    ).rejects.toThrow('injected crash');
    expect(await h.runtime.services.redemptions.recoverStuck(30_000)).toBe(0);
    h.setNow(new Date(h.now().getTime() + 60_000));
    expect(await h.runtime.services.redemptions.recoverStuck(30_000)).toBe(1);
    expect((await state(memberId, rewardId, requestId)).redemption?.status).toBe('completed');
  });

  it('finishes a cancellation interrupted after the voucher or after the points: points and stock back once', async () => {
    for (const faults of [
      { afterCancelVoucher: crash },
      { afterReturnPoints: crash },
    ] as RedemptionFaults[]) {
      const { memberId, rewardId, requestId } = await setup(2_500);
      const made = await h.post(`/api/v1/members/${memberId}/redemptions`, { rewardId, requestId }, 'store');
      const code = made.body.voucher.code as string;
      await expect(crashingService(faults).cancelVoucher(code, 'main')).rejects.toThrow('injected crash');
      expect((await state(memberId, rewardId, requestId)).redemption?.status).toBe('cancelling');
      expect(await h.runtime.services.redemptions.recoverStuck(0)).toBe(1);
      const after = await state(memberId, rewardId, requestId);
      expect(after.redemption?.status).toBe('cancelled');
      expect(after.balance).toBe(2_500);
      expect(after.reward).toMatchObject({ stock: 5, reservations: [], returns: [] });
      await expectLedgerReplays(db, memberId);
      const again = await h.post(`/api/v1/vouchers/${code}/cancel`, {}, 'store');
      expect(again.body).toMatchObject({ duplicate: true, pointsReturned: 1_000 });
      expect((await state(memberId, rewardId, requestId)).reward?.stock).toBe(5);
    }
  });
});
