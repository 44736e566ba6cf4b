import { randomBytes } from 'node:crypto';
import type { RewardPeriod } from '../config/program-schema';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { LedgerEntryRecord } from '../data/models/ledger-entry-model';
import type { MemberRecord } from '../data/models/member-model';
import type { RedemptionRecord, RedemptionStatus } from '../data/models/redemption-model';
import type { RewardRecord } from '../data/models/reward-model';
import type { VoucherRecord } from '../data/models/voucher-model';
import { checkRedemption } from '../rules/check-redemption';
import { decideCancellation } from '../rules/decide-cancellation';
import { decideRedemption } from '../rules/decide-redemption';
import { formatDateZh, formatPoints } from '../rules/format-zh';
import { bringUpToDate } from '../rules/member-standing';
import { availableBalance } from '../rules/points-account';
import { redemptionCountKey } from '../rules/redemption-count-key';
import { voucherExpiresAt } from '../rules/voucher-expiry';
import type { ServiceContext } from './service-context';
import { effectiveState, type VoucherService } from './voucher-service';

export interface RedeemInput {
  memberId: string;
  rewardId: string;
  /** The caller's idempotency key: the same request id always means the same redemption. */
  requestId: string;
  /** The store it is redeemed at; null in chat. */
  storeId: string | null;
}

/** The answer to a completed redemption (and, unchanged, to every repeat of its request). */
export interface RedemptionResult {
  redemptionId: string;
  requestId: string;
  memberId: string;
  rewardId: string;
  rewardName: string;
  cost: number;
  storeId: string | null;
  status: 'completed';
  voucher: { code: string; name: string; status: 'issued'; expiresAt: string; storeIds: string[] | null };
  balance: { available: number };
  redeemedAt: string;
  message: string;
}

export type RedeemFailure =
  | { reason: 'member_not_found' | 'reward_not_found' | 'inactive' | 'out_of_stock' }
  | { reason: 'request_conflict' | 'in_progress' }
  | { reason: 'store_not_allowed'; storeIds: readonly string[] }
  | { reason: 'tier_too_low'; requiredTier: string }
  | { reason: 'limit_reached'; limit: number; period: RewardPeriod }
  | { reason: 'insufficient_points'; missing: number };

export type RedeemOutcome =
  | { ok: true; duplicate: boolean; result: RedemptionResult }
  | ({ ok: false } & RedeemFailure);

export interface CancellationResult {
  code: string;
  status: 'cancelled';
  redemptionId: string | null;
  memberId: string;
  pointsReturned: number;
  /** Returned points whose lot had expired meanwhile: they expired again at once. */
  pointsReExpired: number;
  stockReturned: boolean;
  balance: { available: number } | null;
  cancelledAt: string;
  message: string;
}

export type CancelOutcome =
  | { ok: true; duplicate: boolean; result: CancellationResult }
  | { ok: false; reason: 'unknown' | 'in_progress' }
  | { ok: false; reason: 'used'; usedAt: Date | null; usedStoreId: string | null }
  | { ok: false; reason: 'expired'; expiresAt: Date }
  | { ok: false; reason: 'store_not_allowed'; storeIds: readonly string[] };

/** Test-only crash injection: a hook that throws stops the work right after that step. */
export interface RedemptionFaults {
  afterReserve?: () => void;
  afterDeduct?: () => void;
  afterIssue?: () => void;
  afterCancelVoucher?: () => void;
  afterReturnPoints?: () => void;
}

const SETTLED: readonly RedemptionStatus[] = [
  'completed',
  'failed',
  'compensated',
  'cancelling',
  'cancelled',
];
const IN_FLIGHT: readonly RedemptionStatus[] = [
  'started',
  'stock_reserved',
  'points_deducted',
  'compensating',
  'cancelling',
];
const SETTLE_WAIT_MS = 5_000;

/** The ledger entry id of a redemption's deduction; its cancellation is `<this>:cancel`. */
export function redeemEntryId(redemptionId: string): string {
  return `redemption:${redemptionId}`;
}

/**
 * Redeeming rewards (RULES.md §4) without multi-document transactions: a redemption record with a
 * unique request id, then steps that each take effect once however often they run — reserve a
 * unit of stock (keyed by the request id) → deduct the points FIFO and count the per-member limit
 * in one member update (`redeem:<requestId>`) → issue the voucher (`redemption:<id>`) → complete.
 * The record's status says how far it got, so a repeat, a concurrent request or the recovery sweep
 * continues from there; an expected failure after the reservation is compensated and recorded.
 * Cancelling an unused voucher runs the same way backwards.
 */
export class RedemptionService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly vouchers: VoucherService,
    private readonly options: { faults?: RedemptionFaults } = {},
  ) {}

  async redeem(input: RedeemInput): Promise<RedeemOutcome> {
    const { db, clock } = this.ctx;
    const existing = await db.redemptions.findOne({ requestId: input.requestId }).lean<RedemptionRecord>();
    if (existing) return this.repeat(existing, input);

    const member = await db.members.findOne({ _id: input.memberId, status: 'active' }).lean<MemberRecord>();
    if (!member) return { ok: false, reason: 'member_not_found' };
    const reward = await db.rewards.findById(input.rewardId).lean<RewardRecord>();
    if (!reward) return { ok: false, reason: 'reward_not_found' };

    const program = this.ctx.program.current();
    const now = clock();
    const limitKey = reward.perMemberLimit
      ? redemptionCountKey(reward._id, reward.perMemberLimit.period, now, {
          signedUpAt: member.signedUpAt,
          timeZone: program.timezone,
        })
      : null;
    // The check before any write gives the most useful answer cheaply; the writes guard again.
    const standing = bringUpToDate(member, now, program);
    const check = checkRedemption(
      {
        reward: { ...reward, id: reward._id },
        member: {
          tierCode: standing.tier.tierCode,
          availablePoints: availableBalance(standing.account, now),
          redemptionsInPeriod: limitKey ? (member.redemptionCounts[limitKey] ?? 0) : 0,
        },
        stockLeft: reward.stock,
        storeId: input.storeId,
      },
      program,
    );
    if (!check.ok) return check;

    const record: RedemptionRecord = {
      _id: randomBytes(12).toString('hex'),
      requestId: input.requestId,
      memberId: member._id,
      rewardId: reward._id,
      terms: {
        name: reward.name,
        cost: reward.cost,
        minTier: reward.minTier,
        perMemberLimit: reward.perMemberLimit,
        validityDays: reward.validityDays,
        storeIds: reward.storeIds,
      },
      storeId: input.storeId,
      // Nothing to reserve for a reward without stock: the record starts at the deduction.
      status: reward.stock === null ? 'stock_reserved' : 'started',
      stockReserved: false,
      limitKey,
      voucherCode: null,
      balanceAfter: null,
      failure: null,
      result: null,
      cancellation: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      cancelledAt: null,
    };
    try {
      await db.redemptions.create(record);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const original = await db.redemptions.findOne({ requestId: input.requestId }).lean<RedemptionRecord>();
      if (!original) throw err;
      return this.repeat(original, input);
    }
    return this.run(record, false);
  }

  /** A request id seen before: the original outcome, once the original request has settled. */
  private async repeat(existing: RedemptionRecord, input: RedeemInput): Promise<RedeemOutcome> {
    if (existing.memberId !== input.memberId || existing.rewardId !== input.rewardId) {
      return { ok: false, reason: 'request_conflict' };
    }
    const settled = await this.awaitStatus(existing, SETTLED);
    if (!settled) return { ok: false, reason: 'in_progress' };
    return this.outcomeOf(settled, true);
  }

  /** Runs the steps from wherever the redemption is until it settles. */
  private async run(start: RedemptionRecord, duplicate: boolean): Promise<RedeemOutcome> {
    let r = start;
    for (;;) {
      switch (r.status) {
        case 'started':
          r = await this.reserve(r);
          break;
        case 'stock_reserved':
          r = await this.deduct(r);
          break;
        case 'points_deducted':
          r = await this.issue(r);
          break;
        case 'compensating':
          r = await this.compensate(r);
          break;
        default:
          return this.outcomeOf(r, duplicate);
      }
    }
  }

  private async reserve(r: RedemptionRecord): Promise<RedemptionRecord> {
    const reserved = await this.ctx.db.rewardStore.reserve(r.rewardId, r.requestId, this.ctx.clock());
    this.options.faults?.afterReserve?.();
    switch (reserved) {
      case 'reserved':
      case 'already_reserved':
        return this.move(r, 'stock_reserved', { stockReserved: true });
      case 'unlimited':
        return this.move(r, 'stock_reserved', { stockReserved: false });
      case 'out_of_stock':
        return this.move(r, 'failed', { failure: { reason: 'out_of_stock' } });
      case 'not_found':
        return this.move(r, 'failed', { failure: { reason: 'reward_not_found' } });
    }
  }

  private async deduct(r: RedemptionRecord): Promise<RedemptionRecord> {
    const { db, clock } = this.ctx;
    const program = this.ctx.program.current();
    const now = clock();
    const outcome = await db.memberStore.apply(
      r.memberId,
      `redeem:${r.requestId}`,
      { storeId: r.storeId, programVersion: program.version },
      (member) => {
        const decision = decideRedemption(
          member,
          {
            rewardId: r.rewardId,
            cost: r.terms.cost,
            minTier: r.terms.minTier,
            perMemberLimit: r.terms.perMemberLimit,
            limitKey: r.limitKey,
            entryId: redeemEntryId(r._id),
            reference: r._id,
          },
          now,
          program,
        );
        if (!decision.ok) return { ok: false as const, failure: decision };
        const { change } = decision;
        return {
          ok: true as const,
          entries: change.entries,
          result: null,
          update: {
            account: change.account,
            tier: change.tier,
            tierReviewAt: change.tierReviewAt,
            nextAccountEventAt: change.nextAccountEventAt,
            redemptionCounts: decision.redemptionCounts,
          },
        };
      },
    );
    if (outcome.status === 'applied' || outcome.status === 'already_applied') {
      this.options.faults?.afterDeduct?.();
      return this.move(r, 'points_deducted', { balanceAfter: availableBalance(outcome.member.account, now) });
    }
    const { ok: _ok, ...failure } =
      outcome.status === 'rejected' ? outcome.failure : { ok: false, reason: 'member_not_found' };
    return this.move(r, 'compensating', { failure });
  }

  private async issue(r: RedemptionRecord): Promise<RedemptionRecord> {
    const { clock } = this.ctx;
    const program = this.ctx.program.current();
    const now = clock();
    const voucher = await this.vouchers.issue({
      sourceKey: `redemption:${r._id}`,
      memberId: r.memberId,
      name: r.terms.name,
      kind: 'reward',
      rewardId: r.rewardId,
      redemptionId: r._id,
      storeIds: r.terms.storeIds,
      expiresAt: voucherExpiresAt(now, r.terms.validityDays, program.timezone),
    });
    this.options.faults?.afterIssue?.();
    const balance = r.balanceAfter ?? 0;
    const expiresAt = new Date(voucher.expiresAt);
    const result: RedemptionResult = {
      redemptionId: r._id,
      requestId: r.requestId,
      memberId: r.memberId,
      rewardId: r.rewardId,
      rewardName: r.terms.name,
      cost: r.terms.cost,
      storeId: r.storeId,
      status: 'completed',
      voucher: {
        code: voucher.code,
        name: voucher.name,
        status: 'issued',
        expiresAt: expiresAt.toISOString(),
        storeIds: voucher.storeIds,
      },
      balance: { available: balance },
      redeemedAt: new Date(voucher.issuedAt).toISOString(),
      message:
        `已兑换「${r.terms.name}」，扣除 ${formatPoints(r.terms.cost)}，券码 ${voucher.code}，` +
        `${formatDateZh(expiresAt, program.timezone)}前有效；剩余可用 ${formatPoints(balance)}。`,
    };
    const completed = await this.move(r, 'completed', {
      voucherCode: voucher.code,
      result: result as unknown as Record<string, unknown>,
      completedAt: now,
    });
    // The unit is spent: drop the hold (after `completed`, so a resumed run never re-reserves it).
    if (r.stockReserved) await this.ctx.db.rewardStore.consume(r.rewardId, r.requestId);
    return completed;
  }

  /** Gives the held unit back, then records the redemption as compensated (reason kept). */
  private async compensate(r: RedemptionRecord): Promise<RedemptionRecord> {
    if (r.stockReserved) await this.ctx.db.rewardStore.release(r.rewardId, r.requestId, this.ctx.clock());
    return this.move(r, 'compensated', {});
  }

  private outcomeOf(r: RedemptionRecord, duplicate: boolean): RedeemOutcome {
    if (r.result) return { ok: true, duplicate, result: r.result as unknown as RedemptionResult };
    if (r.failure) return { ok: false, ...(r.failure as RedeemFailure) };
    throw new Error(`redemption ${r._id} settled as ${r.status} without a result or a failure`);
  }

  /**
   * Cancels an unused voucher (RULES.md §4). A reward voucher goes `completed → cancelling`, then:
   * voucher `issued → cancelled` (a voucher verified first wins, and the redemption stands) →
   * points back to their original lots (`cancel-redemption:<id>`) → the unit back to stock (once,
   * by a return marker) → `cancelled`. Vouchers not bought with points are only marked cancelled.
   */
  async cancelVoucher(code: string, storeId: string | null): Promise<CancelOutcome> {
    const { db, clock } = this.ctx;
    const voucher = await this.vouchers.find(code);
    if (!voucher) return { ok: false, reason: 'unknown' };
    if (storeId && voucher.storeIds && !voucher.storeIds.includes(storeId)) {
      return { ok: false, reason: 'store_not_allowed', storeIds: voucher.storeIds };
    }
    if (!voucher.redemptionId) return this.cancelPlain(voucher);

    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await db.redemptions.findById(voucher.redemptionId).lean<RedemptionRecord>();
      if (!r)
        throw new Error(
          `voucher ${voucher.code} names redemption ${voucher.redemptionId}, which does not exist`,
        );
      if (r.status === 'cancelled') return this.cancelledOutcome(r, true);
      if (r.status === 'cancelling') {
        const settled = await this.awaitStatus(r, ['completed', 'cancelled']);
        if (!settled) return { ok: false, reason: 'in_progress' };
        if (settled.status === 'cancelled') return this.cancelledOutcome(settled, true);
        continue;
      }
      if (r.status !== 'completed') return { ok: false, reason: 'in_progress' };
      const current = (await this.vouchers.find(voucher.code)) ?? voucher;
      const refused = refusal(current, clock());
      if (refused) return refused;
      const started = await this.tryMove(r, 'cancelling', {
        cancellation: { requestedAt: clock(), storeId, result: null },
      });
      // Another request changed it first: look again (and wait for it if it is cancelling).
      if (!started) continue;
      return this.runCancel(started);
    }
    return { ok: false, reason: 'in_progress' };
  }

  private async runCancel(r: RedemptionRecord): Promise<CancelOutcome> {
    const { db, clock } = this.ctx;
    const program = this.ctx.program.current();
    const voucher = await this.vouchers.markCancelled(r.voucherCode!);
    if (voucher?.status !== 'cancelled') {
      // Used (or expired) before the cancellation reached the voucher: the redemption stands.
      await this.move(r, 'completed', { cancellation: null });
      return voucher
        ? (refusal(voucher, clock()) ?? { ok: false, reason: 'in_progress' })
        : { ok: false, reason: 'unknown' };
    }
    this.options.faults?.afterCancelVoucher?.();

    const now = clock();
    const entryId = redeemEntryId(r._id);
    const redeem = await this.entry(r.memberId, entryId);
    if (!redeem)
      throw new Error(`redemption ${r._id} is completed but its ledger entry ${entryId} is missing`);
    let pointsReturned = 0;
    let balance: { available: number } | null = null;
    const applied = await db.memberStore.apply(
      r.memberId,
      `cancel-redemption:${r._id}`,
      { storeId: r.cancellation?.storeId ?? null, programVersion: program.version },
      (member) => {
        const decision = decideCancellation(
          member,
          redeem,
          { entryId: `${entryId}:cancel`, limitKey: r.limitKey, now },
          program,
        );
        return {
          ok: true as const,
          entries: decision.change.entries,
          result: decision,
          update: {
            account: decision.change.account,
            tier: decision.change.tier,
            tierReviewAt: decision.change.tierReviewAt,
            nextAccountEventAt: decision.change.nextAccountEventAt,
            redemptionCounts: decision.redemptionCounts,
          },
        };
      },
    );
    if (applied.status === 'applied' || applied.status === 'already_applied') {
      pointsReturned = -redeem.points;
      balance = { available: availableBalance(applied.member.account, now) };
    }
    const reExpired = await this.entry(r.memberId, `${entryId}:cancel:expire`);
    this.options.faults?.afterReturnPoints?.();

    if (r.stockReserved) await db.rewardStore.giveBack(r.rewardId, r._id, now);
    const result: CancellationResult = {
      code: voucher.code,
      status: 'cancelled',
      redemptionId: r._id,
      memberId: r.memberId,
      pointsReturned,
      pointsReExpired: reExpired ? -reExpired.points : 0,
      stockReturned: r.stockReserved,
      balance,
      cancelledAt: new Date(voucher.cancelledAt ?? now).toISOString(),
      message: `券码 ${voucher.code}（${voucher.name}）已作废，${formatPoints(pointsReturned)}已退回。`,
    };
    const done = await this.move(r, 'cancelled', {
      cancelledAt: now,
      cancellation: {
        requestedAt: r.cancellation?.requestedAt ?? now,
        storeId: r.cancellation?.storeId ?? null,
        result: result as unknown as Record<string, unknown>,
      },
    });
    if (r.stockReserved) await db.rewardStore.forgetReturn(r.rewardId, r._id);
    return this.cancelledOutcome(done, false);
  }

  /**
   * 注销: the member's unused reward voucher is void and its unit goes back to stock, but no points
   * return (the erased account is frozen). Voucher `issued → cancelled` (a voucher verified first
   * wins) → the unit back to stock (once, by the return marker) → redemption `completed →
   * cancelled`. Safe to repeat after a crash at any step: a cancelled voucher whose redemption is
   * still `completed` is finished by the next call.
   */
  async closeForErasure(voucher: VoucherRecord): Promise<void> {
    const { db, clock } = this.ctx;
    if (!voucher.redemptionId) {
      await this.vouchers.markCancelled(voucher.code);
      return;
    }
    const r = await db.redemptions.findById(voucher.redemptionId).lean<RedemptionRecord>();
    if (r?.status !== 'completed') return;
    const after = await this.vouchers.markCancelled(voucher.code);
    if (after?.status !== 'cancelled') return;
    const now = clock();
    if (r.stockReserved) await db.rewardStore.giveBack(r.rewardId, r._id, now);
    const result: CancellationResult = {
      code: after.code,
      status: 'cancelled',
      redemptionId: r._id,
      memberId: r.memberId,
      pointsReturned: 0,
      pointsReExpired: 0,
      stockReturned: r.stockReserved,
      balance: null,
      cancelledAt: new Date(after.cancelledAt ?? now).toISOString(),
      message: `券码 ${after.code}（${after.name}）已随会员注销作废。`,
    };
    const done = await this.tryMove(r, 'cancelled', {
      cancelledAt: now,
      cancellation: { requestedAt: now, storeId: null, result: result as unknown as Record<string, unknown> },
    });
    if (done && r.stockReserved) await db.rewardStore.forgetReturn(r.rewardId, r._id);
  }

  private cancelledOutcome(r: RedemptionRecord, duplicate: boolean): CancelOutcome {
    const result = r.cancellation?.result as unknown as CancellationResult | undefined;
    if (!result) throw new Error(`redemption ${r._id} is ${r.status} without a cancellation result`);
    return { ok: true, duplicate, result };
  }

  /** A voucher not bought with points (welcome, birthday…): only its status changes. */
  private async cancelPlain(voucher: VoucherRecord): Promise<CancelOutcome> {
    const now = this.ctx.clock();
    const wasCancelled = voucher.status === 'cancelled';
    if (!wasCancelled) {
      const refused = refusal(voucher, now);
      if (refused) return refused;
    }
    const after = wasCancelled ? voucher : await this.vouchers.markCancelled(voucher.code);
    if (!after) return { ok: false, reason: 'unknown' };
    if (after.status !== 'cancelled') return refusal(after, now) ?? { ok: false, reason: 'in_progress' };
    return {
      ok: true,
      duplicate: wasCancelled,
      result: {
        code: after.code,
        status: 'cancelled',
        redemptionId: null,
        memberId: after.memberId,
        pointsReturned: 0,
        pointsReExpired: 0,
        stockReturned: false,
        balance: null,
        cancelledAt: new Date(after.cancelledAt ?? now).toISOString(),
        message: `券码 ${after.code}（${after.name}）已作废。`,
      },
    };
  }

  /**
   * Resumes redemptions and cancellations left in an intermediate status by a crash (untouched
   * for `olderThanMs`), from the step they reached, and drops stock holds and return markers a
   * crash left behind after the redemption settled. Every step is idempotent, and each stuck
   * record is claimed with a conditional update first, so several processes may run this.
   * Returns how many redemptions it resumed.
   */
  async recoverStuck(olderThanMs = 30_000): Promise<number> {
    const { db, clock } = this.ctx;
    const cutoff = new Date(clock().getTime() - olderThanMs);
    const stuck = await db.redemptions
      .find({ status: { $in: [...IN_FLIGHT] }, updatedAt: { $lte: cutoff } })
      .lean<RedemptionRecord[]>();
    let resumed = 0;
    for (const found of stuck) {
      const claimed = await db.redemptions
        .findOneAndUpdate(
          { _id: found._id, status: found.status, updatedAt: found.updatedAt },
          { $set: { updatedAt: clock() } },
          { returnDocument: 'after' },
        )
        .lean<RedemptionRecord>();
      if (!claimed) continue;
      resumed++;
      try {
        if (claimed.status === 'cancelling') await this.runCancel(claimed);
        else await this.run(claimed, true);
      } catch (err) {
        this.ctx.logger.error({ err, redemptionId: claimed._id }, 'could not resume a redemption');
      }
    }
    await this.dropSettledMarkers();
    return resumed;
  }

  private async dropSettledMarkers(): Promise<void> {
    const { db, clock } = this.ctx;
    for (const reward of await db.rewardStore.withMarkers()) {
      for (const requestId of reward.reservations) {
        const r = await db.redemptions
          .findOne({ requestId }, { status: 1 })
          .lean<Pick<RedemptionRecord, 'status'>>();
        if (!r) continue;
        if (r.status === 'completed' || r.status === 'cancelling' || r.status === 'cancelled') {
          await db.rewardStore.consume(reward._id, requestId);
        } else if (r.status === 'failed' || r.status === 'compensated') {
          await db.rewardStore.release(reward._id, requestId, clock());
        }
      }
      for (const redemptionId of reward.returns) {
        const r = await db.redemptions
          .findById(redemptionId, { status: 1 })
          .lean<Pick<RedemptionRecord, 'status'>>();
        if (r?.status === 'cancelled') await db.rewardStore.forgetReturn(reward._id, redemptionId);
      }
    }
  }

  /** Conditional status change; when another run moved it first, the record as that run left it. */
  private async move(
    r: RedemptionRecord,
    to: RedemptionStatus,
    set: Partial<RedemptionRecord>,
  ): Promise<RedemptionRecord> {
    const moved = await this.tryMove(r, to, set);
    if (moved) return moved;
    const current = await this.ctx.db.redemptions.findById(r._id).lean<RedemptionRecord>();
    if (!current) throw new Error(`redemption ${r._id} disappeared`);
    return current;
  }

  /** `r.status → to` if nothing moved it meanwhile; null otherwise. */
  private async tryMove(
    r: RedemptionRecord,
    to: RedemptionStatus,
    set: Partial<RedemptionRecord>,
  ): Promise<RedemptionRecord | null> {
    const { db, clock } = this.ctx;
    return db.redemptions
      .findOneAndUpdate(
        { _id: r._id, status: r.status },
        { $set: { ...set, status: to, updatedAt: clock() } },
        { returnDocument: 'after' },
      )
      .lean<RedemptionRecord>();
  }

  /** Waits (briefly) for another request working on the same redemption to reach one of `statuses`. */
  private async awaitStatus(
    r: RedemptionRecord,
    statuses: readonly RedemptionStatus[],
  ): Promise<RedemptionRecord | null> {
    const deadline = Date.now() + SETTLE_WAIT_MS;
    let current: RedemptionRecord | null = r;
    while (current && !statuses.includes(current.status)) {
      if (Date.now() > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 10));
      current = await this.ctx.db.redemptions.findById(r._id).lean<RedemptionRecord>();
    }
    return current;
  }

  /** A ledger entry by id, from the ledger or (before the copy) the member's outbox. */
  private async entry(memberId: string, entryId: string): Promise<LedgerEntryRecord | null> {
    const [found] = await this.ctx.db.memberStore.entriesById(memberId, [entryId]);
    return found ?? null;
  }
}

/** Why an unused-looking voucher cannot be cancelled now; null when it can. */
function refusal(voucher: VoucherRecord, now: Date): CancelOutcome | null {
  switch (effectiveState(voucher, now)) {
    case 'used':
      return { ok: false, reason: 'used', usedAt: voucher.usedAt, usedStoreId: voucher.usedStoreId };
    case 'expired':
      return { ok: false, reason: 'expired', expiresAt: voucher.expiresAt };
    default:
      return null;
  }
}
