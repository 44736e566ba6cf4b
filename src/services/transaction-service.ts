import type { Program } from '../config/program-schema';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { LedgerEntryRecord } from '../data/models/ledger-entry-model';
import type { MemberRecord } from '../data/models/member-model';
import type { TransactionRecord } from '../data/models/transaction-model';
import type { CampaignWindow } from '../rules/active-promotion';
import { tierByCode } from '../rules/compute-tier';
import { decideTransaction, earnEntryId } from '../rules/decide-transaction';
import { explainEntry } from '../rules/explain-entry';
import type { LedgerEntry } from '../rules/ledger-entry';
import { bringUpToDate, withEntries } from '../rules/member-standing';
import { availableBalance, pendingBalance } from '../rules/points-account';
import { refundTransaction } from '../rules/refund-transaction';
import { isServiceVisit, recordVehicleVisit, removeServiceVisit } from '../rules/vehicle-service-history';
import { newVehicle } from './new-vehicle';
import type { ServiceContext } from './service-context';

export interface RecordTransactionInput {
  transactionId: string;
  memberId?: string | undefined;
  mobile?: string | undefined;
  category: string;
  amountFen: number;
  occurredAt: Date;
  storeId: string;
  /** The serviced vehicle (normalised plate) and its odometer, when the DMS knows them. */
  vehicle?: { plate: string; mileageKm?: number | undefined } | undefined;
}

/** What staff and the DMS get back for a transaction (and again, unchanged, for a repeat). */
export interface PointsResult {
  transactionId: string;
  memberId: string;
  category: string;
  amountFen: number;
  occurredAt: string;
  storeId: string;
  points: number;
  qualifyingPoints: number;
  status: 'available' | 'pending';
  pendingUntil: string | null;
  expiresAt: string;
  breakdown: unknown;
  explanation: string;
  tier: { code: string; name: string; upgradedFrom: string | null };
  balance: { available: number; pending: number };
}

export interface RefundResult {
  transactionId: string;
  memberId: string;
  pointsReversed: number;
  debtRecorded: number;
  explanation: string;
  balance: { available: number; pending: number; debt: number };
}

export type TransactionOutcome =
  | { ok: true; duplicate: boolean; result: PointsResult }
  | { ok: false; reason: 'member_not_found' }
  | { ok: false; reason: 'unknown_category'; category: string }
  | { ok: false; reason: 'transaction_conflict' };

export type RefundOutcome =
  | { ok: true; duplicate: boolean; result: RefundResult }
  | { ok: false; reason: 'transaction_not_found' | 'not_refundable' | 'store_mismatch' };

/** Called after a transaction's points are applied (referral completion, post-service follow-up). */
export type TransactionListener = (event: {
  member: MemberRecord;
  transaction: TransactionRecord;
  result: PointsResult;
}) => Promise<void>;

const RESULT_WAIT_MS = 5_000;

/**
 * Recording DMS transactions and refunds: idempotent on the transaction id (a unique `_id`),
 * exactly-once on the member's account (the operation key `txn:<id>`), and safe to resume after
 * a crash at any point (`recoverStuck`).
 */
export class TransactionService {
  private readonly listeners: TransactionListener[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly campaigns: () => Promise<readonly CampaignWindow[]> = async () => [],
  ) {}

  onApplied(listener: TransactionListener): void {
    this.listeners.push(listener);
  }

  async record(input: RecordTransactionInput): Promise<TransactionOutcome> {
    const { db } = this.ctx;
    const member = input.memberId
      ? await db.memberStore.findActive({ id: input.memberId })
      : await db.memberStore.findActive({ mobile: input.mobile ?? '' });
    if (!member) return { ok: false, reason: 'member_not_found' };

    const record: TransactionRecord = {
      _id: input.transactionId,
      memberId: member._id,
      category: input.category,
      amountFen: input.amountFen,
      occurredAt: input.occurredAt,
      storeId: input.storeId,
      vehicle: input.vehicle
        ? { plate: input.vehicle.plate, mileageKm: input.vehicle.mileageKm ?? null }
        : null,
      status: 'received',
      result: null,
      refund: null,
      receivedAt: this.ctx.clock(),
      appliedAt: null,
      refundedAt: null,
    };
    try {
      await db.transactionStore.insert(record);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await db.transactionStore.find(input.transactionId);
      if (!existing || !sameFacts(existing, record)) return { ok: false, reason: 'transaction_conflict' };
      if (existing.status === 'rejected')
        return { ok: false, reason: 'unknown_category', category: existing.category };
      if (existing.result)
        return { ok: true, duplicate: true, result: existing.result as unknown as PointsResult };
      // Received but not finished: another request is applying it, or one crashed mid-way.
      const finished = await this.finish(existing);
      return finished.ok ? { ...finished, duplicate: true } : finished;
    }
    return this.finish(record, member);
  }

  /** Applies a received transaction to the member (idempotent) and stores the result. */
  private async finish(txn: TransactionRecord, fresh?: MemberRecord): Promise<TransactionOutcome> {
    const { db, clock } = this.ctx;
    const program = this.ctx.program.current();
    const campaigns = await this.campaigns();
    const now = clock();
    const outcome = await db.memberStore.apply(
      txn.memberId,
      `txn:${txn._id}`,
      {
        storeId: txn.storeId,
        programVersion: program.version,
        // Just inserted under the unique transaction id: nobody can have applied it before.
        ...(fresh ? { snapshot: fresh, fresh: true } : {}),
      },
      (member) => {
        const decision = decideTransaction(member, txnFacts(txn), campaigns, now, program);
        if (!decision.ok) return { ok: false as const, failure: decision };
        const { change } = decision;
        return {
          ok: true as const,
          entries: change.entries,
          result: decision,
          update: {
            account: change.account,
            tier: change.tier,
            tierReviewAt: change.tierReviewAt,
            nextAccountEventAt: change.nextAccountEventAt,
            firstTransactionAt: member.firstTransactionAt ?? txn.occurredAt,
            lastVisitAt:
              member.lastVisitAt && member.lastVisitAt > txn.occurredAt ? member.lastVisitAt : txn.occurredAt,
            ...(txn.vehicle ? { vehicles: vehiclesAfter(member, txn, program) } : {}),
          },
        };
      },
    );
    switch (outcome.status) {
      case 'not_found':
        return { ok: false, reason: 'member_not_found' };
      case 'rejected':
        await db.transactions.updateOne(
          { _id: txn._id, status: 'received' },
          { $set: { status: 'rejected' } },
        );
        return { ok: false, reason: 'unknown_category', category: txn.category };
      case 'applied': {
        const { earned } = outcome.result;
        const earn = outcome.result.change.entries.find((e) => e.entryId === outcome.result.earnEntryId)!;
        const result = buildResult(txn, earn, outcome.member, now, program.timezone, program, {
          points: earned.points,
          qualifyingPoints: earned.qualifyingPoints,
          upgradedFrom: outcome.result.change.upgrade?.from ?? null,
        });
        await this.store(txn, result);
        await this.runFollowUps(outcome.member, txn, result);
        return { ok: true, duplicate: false, result };
      }
      case 'already_applied': {
        const result = await this.awaitResult(txn);
        return { ok: true, duplicate: true, result };
      }
    }
  }

  /** The result a concurrent request is about to store, or — after a crash — rebuilt from the ledger. */
  private async awaitResult(txn: TransactionRecord): Promise<PointsResult> {
    const { db, clock } = this.ctx;
    const deadline = Date.now() + RESULT_WAIT_MS;
    while (Date.now() < deadline) {
      const current = await db.transactionStore.find(txn._id);
      if (current?.result) return current.result as unknown as PointsResult;
      await new Promise((r) => setTimeout(r, 20));
    }
    const program = this.ctx.program.current();
    const [earn] = await this.entries(txn.memberId, [earnEntryId(txn._id)]);
    const member = await db.members.findById(txn.memberId).lean<MemberRecord>();
    if (!earn || !member) throw new Error(`transaction ${txn._id} applied but its earn entry is missing`);
    const result = buildResult(txn, earn, member, clock(), program.timezone, program, {
      points: earn.points,
      qualifyingPoints: earn.qualifyingPoints || earn.pendingAdded?.qualifyingPoints || 0,
      upgradedFrom: null,
    });
    await this.store(txn, result);
    return result;
  }

  private async store(txn: TransactionRecord, result: PointsResult): Promise<void> {
    await this.ctx.db.transactionStore.storeResult(
      txn._id,
      result as unknown as Record<string, unknown>,
      this.ctx.clock(),
    );
  }

  async refund(
    transactionId: string,
    options: { storeId?: string | undefined; reason?: string } = {},
  ): Promise<RefundOutcome> {
    const { db, clock } = this.ctx;
    const txn = await db.transactions.findById(transactionId).lean<TransactionRecord>();
    if (!txn) return { ok: false, reason: 'transaction_not_found' };
    if (options.storeId && txn.storeId !== options.storeId) return { ok: false, reason: 'store_mismatch' };
    if (txn.status === 'refunded' && txn.refund) {
      return { ok: true, duplicate: true, result: txn.refund as unknown as RefundResult };
    }
    if (txn.status !== 'applied') return { ok: false, reason: 'not_refundable' };
    const [earn] = await this.entries(txn.memberId, [earnEntryId(txn._id)]);
    if (!earn) throw new Error(`transaction ${txn._id} is applied but has no earn entry`);

    const program = this.ctx.program.current();
    const now = clock();
    const refundEntryId = `txn:${txn._id}:refund`;
    const outcome = await db.memberStore.apply(
      txn.memberId,
      `refund:${txn._id}`,
      { storeId: txn.storeId, programVersion: program.version },
      (member) => {
        const base = bringUpToDate(member, now, program);
        const reversal = refundTransaction(base.account, earn, {
          entryId: refundEntryId,
          now,
          reason: options.reason ?? null,
        });
        const change = withEntries(base, reversal.account, reversal.entries, member, now, program);
        // A refunded service did not stand: the last service and the due date fall back to the
        // visits that do (the vehicle itself stays, as does the member's own mileage reading).
        const vehicles = removeServiceVisit(
          member.vehicles,
          txn._id,
          program.care.maintenanceDue,
          program.timezone,
        );
        return {
          ok: true as const,
          entries: change.entries,
          result: reversal.entries,
          update: {
            account: change.account,
            tier: change.tier,
            tierReviewAt: change.tierReviewAt,
            nextAccountEventAt: change.nextAccountEventAt,
            ...(vehicles ? { vehicles } : {}),
          },
        };
      },
    );
    if (outcome.status === 'not_found') return { ok: false, reason: 'transaction_not_found' };
    if (outcome.status === 'rejected') return { ok: false, reason: 'not_refundable' };
    const [refundEntry] = await this.entries(txn.memberId, [refundEntryId]);
    const member = outcome.member;
    const result: RefundResult = {
      transactionId: txn._id,
      memberId: txn.memberId,
      pointsReversed: -(refundEntry?.points ?? 0),
      debtRecorded: refundEntry?.debtChange ?? 0,
      explanation: refundEntry ? explainEntry(refundEntry, program.timezone) : '',
      balance: {
        available: availableBalance(member.account, now),
        pending: pendingBalance(member.account),
        debt: member.account.debt,
      },
    };
    await db.transactions.updateOne(
      { _id: txn._id, status: 'applied' },
      { $set: { status: 'refunded', refund: result, refundedAt: now } },
    );
    const stored = await db.transactions.findById(txn._id).lean<TransactionRecord>();
    return {
      ok: true,
      duplicate: outcome.status === 'already_applied',
      result: (stored?.refund as unknown as RefundResult | null) ?? result,
    };
  }

  /**
   * Finishes transactions left `received` by a crash (older than `olderThanMs`): the operation key
   * makes re-applying safe, so this only completes what was started. Returns how many it finished.
   */
  async recoverStuck(olderThanMs = 30_000): Promise<number> {
    const { db, clock } = this.ctx;
    const cutoff = new Date(clock().getTime() - olderThanMs);
    const stuck = await db.transactions
      .find({ status: 'received', receivedAt: { $lte: cutoff } })
      .lean<TransactionRecord[]>();
    for (const txn of stuck) await this.finish(txn);
    // Applied, but the follow-ups (e.g. the referrer's first-transaction reward) were cut off.
    const followUps = await db.transactionStore.withFollowUpsPending(cutoff);
    for (const txn of followUps) {
      const member = await db.memberStore.findActive({ id: txn.memberId });
      if (member && txn.result) await this.runFollowUps(member, txn, txn.result as unknown as PointsResult);
      else await db.transactionStore.followUpsDone(txn._id);
    }
    return stuck.length + followUps.length;
  }

  /**
   * Runs the listeners of an applied transaction; they are idempotent (their effects are keyed),
   * so a crash before `followUpsDone` only means the recovery sweep runs them again. A listener
   * that fails leaves the flag set, to be retried by the sweep.
   */
  private async runFollowUps(
    member: MemberRecord,
    txn: TransactionRecord,
    result: PointsResult,
  ): Promise<void> {
    let failed = false;
    for (const listener of this.listeners) {
      await listener({ member, transaction: txn, result }).catch((err) => {
        failed = true;
        this.ctx.logger.error({ err, transactionId: txn._id }, 'transaction follow-up failed; will retry');
      });
    }
    if (!failed) await this.ctx.db.transactionStore.followUpsDone(txn._id);
  }

  private entries(memberId: string, entryIds: string[]): Promise<LedgerEntryRecord[]> {
    return this.ctx.db.memberStore.entriesById(memberId, entryIds);
  }
}

function txnFacts(txn: TransactionRecord) {
  return {
    transactionId: txn._id,
    category: txn.category,
    amountFen: txn.amountFen,
    occurredAt: txn.occurredAt,
  };
}

function sameFacts(a: TransactionRecord, b: TransactionRecord): boolean {
  return (
    a.memberId === b.memberId &&
    a.category === b.category &&
    a.amountFen === b.amountFen &&
    new Date(a.occurredAt).getTime() === new Date(b.occurredAt).getTime() &&
    (a.vehicle?.plate ?? null) === (b.vehicle?.plate ?? null) &&
    (a.vehicle?.mileageKm ?? null) === (b.vehicle?.mileageKm ?? null)
  );
}

/**
 * The member's vehicles once a transaction naming one is applied (in the same guarded update as
 * the points, so the operation key makes it exactly-once): the vehicle is added when new, and a
 * service visit (maintenance, repair) moves its last service and maintenance due date.
 */
function vehiclesAfter(
  member: MemberRecord,
  txn: TransactionRecord,
  program: Pick<Program, 'categories' | 'care' | 'timezone'>,
): MemberRecord['vehicles'] {
  const vehicle = txn.vehicle!;
  const service = isServiceVisit(txn.category, program)
    ? { transactionId: txn._id, at: new Date(txn.occurredAt), mileageKm: vehicle.mileageKm }
    : null;
  return recordVehicleVisit(
    member.vehicles,
    { plate: vehicle.plate, service },
    (plate) => newVehicle(plate, null),
    program.care.maintenanceDue,
    program.timezone,
  );
}

function buildResult(
  txn: TransactionRecord,
  earn: LedgerEntry,
  member: MemberRecord,
  now: Date,
  timeZone: string,
  program: Parameters<typeof tierByCode>[1],
  facts: { points: number; qualifyingPoints: number; upgradedFrom: string | null },
): PointsResult {
  const pending = earn.pendingAdded;
  const tier = tierByCode(member.tier.tierCode, program);
  return {
    transactionId: txn._id,
    memberId: member._id,
    category: txn.category,
    amountFen: txn.amountFen,
    occurredAt: new Date(txn.occurredAt).toISOString(),
    storeId: txn.storeId,
    points: facts.points,
    qualifyingPoints: facts.qualifyingPoints,
    status: pending ? 'pending' : 'available',
    pendingUntil: pending ? new Date(pending.availableAt).toISOString() : null,
    expiresAt: new Date(pending?.expiresAt ?? earn.lot?.expiresAt ?? now).toISOString(),
    breakdown: earn.breakdown,
    explanation: explainEntry(earn, timeZone),
    tier: { code: tier.code, name: tier.name, upgradedFrom: facts.upgradedFrom },
    balance: { available: availableBalance(member.account, now), pending: pendingBalance(member.account) },
  };
}
