import type { BenefitId } from '../../benefits/benefit-ids';
import { benefitIds, benefitNamesZh } from '../../benefits/benefit-ids';
import { benefitYear } from '../../benefits/benefit-year';
import {
  type BenefitCount,
  type BenefitUseDecision,
  decideBenefitUndo,
  decideBenefitUse,
} from '../../benefits/decide-benefit-use';
import type { Program } from '../../config/program-schema';
import { isDuplicateKeyError } from '../../data/duplicate-key';
import type { MemberDecision } from '../../data/member-store';
import type { BenefitUseRecord } from '../../data/models/benefit-use-model';
import type { BookingRecord } from '../../data/models/booking-model';
import type { MemberRecord } from '../../data/models/member-model';
import { bringUpToDate } from '../../rules/member-standing';
import type { ServiceContext } from '../service-context';

export interface UseBenefitInput {
  memberId: string;
  benefitId: BenefitId;
  requestId: string;
  storeId: string | null;
  source: BenefitUseRecord['source'];
  note?: string | null;
}

/** A use as staff and the API see it. */
export interface BenefitUseView {
  requestId: string;
  benefitId: string;
  status: BenefitUseRecord['status'];
  yearStart: string;
  usedAt: string | null;
  undoneAt: string | null;
  storeId: string | null;
  storeName: string | null;
  source:
    | { kind: 'booking'; bookingId: string; bookingNumber: string | null }
    | { kind: 'staff'; role: string | null };
  note: string | null;
}

export interface MemberBenefits {
  memberId: string;
  tierCode: string;
  tierName: string;
  yearStart: string;
  yearEnd: string;
  benefits: (BenefitCount & { benefitId: BenefitId; name: string; uses: BenefitUseView[] })[];
}

type Failure =
  | {
      ok: false;
      reason: 'member_not_found' | 'not_found' | 'request_reused' | 'forbidden_store';
      message: string;
    }
  | { ok: false; reason: 'none_left' | 'year_ended'; message: string; count: BenefitCount };

export type BenefitUseOutcome =
  | { ok: true; duplicate: boolean; use: BenefitUseView; count: BenefitCount }
  | Failure;

/** Points where a test can make the process "crash" (throw) between the steps of a use. */
export interface BenefitFaults {
  afterRecord?: () => void | Promise<void>;
  afterCount?: () => void | Promise<void>;
}

/** A use or undo is finished by the sweep only after this long (younger ones are in progress). */
const STUCK_AFTER_MS = 60_000;
const USES_LISTED = 50;

/**
 * Counted tier benefits (RULES.md §11): a use of a free maintenance at the counter or at a
 * booking's check-in, exactly once per request, and its undo.
 *
 * Like a transaction or a redemption, a use is a keyed record (`memberId:requestId`, unique) plus
 * one guarded update of the member (`MemberStore.apply` under `benefit:<id>`): the decision
 * brings the member up to date first — the annual review resets the count in the same update —
 * and refuses when nothing is left, so concurrent uses never pass the allowance. A refused use's
 * record is deleted (nothing written); one a crash left `pending` or `undoing` is finished by
 * `recoverStuck`, the member's operation key making the second attempt a no-op.
 */
export class BenefitService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly faults: BenefitFaults = {},
  ) {}

  async use(input: UseBenefitInput): Promise<BenefitUseOutcome> {
    const { db, clock } = this.ctx;
    const member = await db.memberStore.findActive({ id: input.memberId });
    if (!member) return memberNotFound();
    const now = clock();
    const program = this.ctx.program.current();
    const id = `${input.memberId}:${input.requestId}`;
    const earlier = await db.benefitUses.findById(id).lean<BenefitUseRecord>();
    if (earlier) return this.repeated(earlier, input.benefitId);
    const year = benefitYear(member, now, program);
    // Obviously nothing left: answered without writing anything.
    if (year.freeMaintenance.left === 0) return noneLeft(year.freeMaintenance);
    const record: BenefitUseRecord = {
      _id: id,
      memberId: input.memberId,
      benefitId: input.benefitId,
      requestId: input.requestId,
      yearStart: year.yearStart,
      tierCode: year.tier.tierCode,
      storeId: input.storeId,
      source: input.source,
      note: input.note ?? null,
      status: 'pending',
      createdAt: now,
      usedAt: null,
      undoneAt: null,
      updatedAt: now,
    };
    try {
      await db.benefitUses.create(record);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const winner = await db.benefitUses.findById(id).lean<BenefitUseRecord>();
      if (winner) return this.repeated(winner, input.benefitId);
      return this.use(input);
    }
    await this.faults.afterRecord?.();
    return this.finishUse(record, member, false);
  }

  /**
   * Gives a use back (idempotent): only within the membership year it counted in. A store-scoped
   * caller (`actorStoreId`) may undo only its own store's uses.
   */
  async undo(
    memberId: string,
    benefitId: BenefitId,
    requestId: string,
    actorStoreId: string | null = null,
  ): Promise<BenefitUseOutcome> {
    const { db } = this.ctx;
    const id = `${memberId}:${requestId}`;
    let record = await db.benefitUses.findById(id).lean<BenefitUseRecord>();
    if (!record || record.benefitId !== benefitId) return useNotFound();
    if (actorStoreId && record.storeId !== actorStoreId) {
      return { ok: false, reason: 'forbidden_store', message: '这次使用不是本门店记录的，不能撤销' };
    }
    if (record.status === 'pending') {
      const finished = await this.finishUse(record, undefined, true);
      if (!finished.ok) return useNotFound();
      record = await db.benefitUses.findById(id).lean<BenefitUseRecord>();
      if (!record) return useNotFound();
    }
    if (record.status === 'undone') {
      return {
        ok: true,
        duplicate: true,
        use: await this.viewOf(record),
        count: await this.countOf(memberId),
      };
    }
    if (record.status === 'used') {
      const now = this.ctx.clock();
      const marked = await db.benefitUses
        .findOneAndUpdate(
          { _id: id, status: 'used' },
          { $set: { status: 'undoing', updatedAt: now } },
          { returnDocument: 'after' },
        )
        .lean<BenefitUseRecord>();
      if (!marked) return this.undo(memberId, benefitId, requestId, actorStoreId);
      record = marked;
    }
    return this.finishUndo(record);
  }

  /** A booking checked in with `useFreeMaintenance`: its use, keyed by the booking id. */
  async useForBooking(booking: BookingRecord): Promise<BenefitUseOutcome> {
    const outcome = await this.use({
      memberId: booking.memberId,
      benefitId: 'free_maintenance',
      requestId: `booking:${booking._id}`,
      storeId: booking.storeId,
      source: { kind: 'booking', bookingId: booking._id },
    });
    const result = outcome.ok ? 'used' : outcome.reason === 'none_left' ? 'none_left' : null;
    if (result) {
      await this.ctx.db.bookings.bookings.updateOne(
        { _id: booking._id, freeMaintenanceUse: 'pending' },
        { $set: { freeMaintenanceUse: result } },
      );
    }
    return outcome;
  }

  /** What a member has and has used this membership year, with the latest uses. */
  async standing(memberId: string): Promise<MemberBenefits | null> {
    const member = await this.ctx.db.memberStore.findActive({ id: memberId });
    if (!member) return null;
    const program = this.ctx.program.current();
    const year = benefitYear(member, this.ctx.clock(), program);
    const records = await this.ctx.db.benefitUses
      .find({ memberId, status: { $ne: 'pending' } })
      .sort({ createdAt: -1 })
      .limit(USES_LISTED)
      .lean<BenefitUseRecord[]>();
    const uses = await this.viewsOf(records);
    return {
      memberId,
      tierCode: year.tier.tierCode,
      tierName: program.tiers.find((t) => t.code === year.tier.tierCode)?.name ?? year.tier.tierCode,
      yearStart: year.yearStart,
      yearEnd: year.yearEnd,
      benefits: benefitIds.map((benefitId) => ({
        benefitId,
        name: benefitNamesZh[benefitId],
        ...year.freeMaintenance,
        uses: uses.filter((use) => use.benefitId === benefitId),
      })),
    };
  }

  /** Finishes uses and undos a crash left half-way, and check-ins whose use never ran. */
  async recoverStuck(): Promise<number> {
    const { db, clock } = this.ctx;
    const before = new Date(clock().getTime() - STUCK_AFTER_MS);
    let finished = 0;
    const stuck = await db.benefitUses
      .find({ status: { $in: ['pending', 'undoing'] }, updatedAt: { $lte: before } })
      .lean<BenefitUseRecord[]>();
    for (const record of stuck) {
      if (record.status === 'pending') await this.finishUse(record, undefined, true);
      else await this.finishUndo(record);
      finished++;
    }
    const checkedIn = await db.bookings.bookings
      .find({ status: 'checked_in', freeMaintenanceUse: 'pending', updatedAt: { $lte: before } })
      .lean<BookingRecord[]>();
    for (const booking of checkedIn) {
      await this.useForBooking(booking);
      finished++;
    }
    return finished;
  }

  private async repeated(earlier: BenefitUseRecord, benefitId: BenefitId): Promise<BenefitUseOutcome> {
    if (earlier.benefitId !== benefitId) {
      return {
        ok: false,
        reason: 'request_reused',
        message: '这个 requestId 已用于另一项权益，请换一个新的 requestId。',
      };
    }
    if (earlier.status === 'pending') return this.finishUse(earlier, undefined, true);
    return {
      ok: true,
      duplicate: true,
      use: await this.viewOf(earlier),
      count: await this.countOf(earlier.memberId),
    };
  }

  private async finishUse(
    record: BenefitUseRecord,
    snapshot: MemberRecord | undefined,
    duplicate: boolean,
  ): Promise<BenefitUseOutcome> {
    const { db, clock } = this.ctx;
    const program = this.ctx.program.current();
    const now = clock();
    const outcome = await db.memberStore.apply(
      record.memberId,
      `benefit:${record._id}`,
      {
        storeId: record.storeId,
        programVersion: program.version,
        // Just recorded under its unique id: nobody can have applied it before.
        ...(snapshot ? { snapshot, fresh: true } : {}),
      },
      (member) => countChange(member, now, program, (tier) => decideBenefitUse(tier, record.yearStart)),
    );
    if (outcome.status === 'not_found' || outcome.status === 'rejected') {
      // Refused: the record goes, so a refusal leaves nothing written.
      await db.benefitUses.deleteOne({ _id: record._id, status: 'pending' });
      if (outcome.status === 'not_found') return memberNotFound();
      return outcome.failure.reason === 'none_left'
        ? noneLeft(outcome.failure.count)
        : yearEnded(outcome.failure.count);
    }
    await this.faults.afterCount?.();
    const used: BenefitUseRecord = { ...record, status: 'used', usedAt: now, updatedAt: now };
    try {
      // Upsert: a concurrent refusal of the same request may have deleted the pending record.
      await db.benefitUses.updateOne(
        { _id: record._id, status: 'pending' },
        { $set: { status: 'used', usedAt: now, updatedAt: now }, $setOnInsert: withoutStatus(used) },
        { upsert: true },
      );
    } catch (err) {
      // Already past `pending` (another request finished it): nothing to do.
      if (!isDuplicateKeyError(err)) throw err;
    }
    const current = (await db.benefitUses.findById(record._id).lean<BenefitUseRecord>()) ?? used;
    const count =
      outcome.status === 'applied'
        ? outcome.result.count
        : benefitYear(outcome.member, now, program).freeMaintenance;
    return {
      ok: true,
      duplicate: duplicate || outcome.status === 'already_applied',
      use: await this.viewOf(current),
      count,
    };
  }

  private async finishUndo(record: BenefitUseRecord): Promise<BenefitUseOutcome> {
    const { db, clock } = this.ctx;
    const program = this.ctx.program.current();
    const now = clock();
    const outcome = await db.memberStore.apply(
      record.memberId,
      `benefit-undo:${record._id}`,
      { storeId: record.storeId, programVersion: program.version },
      (member) => countChange(member, now, program, (tier) => decideBenefitUndo(tier, record.yearStart)),
    );
    if (outcome.status === 'not_found') return memberNotFound();
    if (outcome.status === 'rejected') {
      await db.benefitUses.updateOne(
        { _id: record._id, status: 'undoing' },
        { $set: { status: 'used', updatedAt: now } },
      );
      return yearEnded(outcome.failure.count);
    }
    const undone = await db.benefitUses
      .findOneAndUpdate(
        { _id: record._id, status: 'undoing' },
        { $set: { status: 'undone', undoneAt: now, updatedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<BenefitUseRecord>();
    const current = undone ?? (await db.benefitUses.findById(record._id).lean<BenefitUseRecord>()) ?? record;
    return {
      ok: true,
      duplicate: outcome.status === 'already_applied',
      use: await this.viewOf(current),
      count:
        outcome.status === 'applied'
          ? outcome.result.count
          : benefitYear(outcome.member, now, program).freeMaintenance,
    };
  }

  private async countOf(memberId: string): Promise<BenefitCount> {
    const member = await this.ctx.db.memberStore.findActive({ id: memberId });
    if (!member) return { allowance: 0, used: 0, left: 0 };
    return benefitYear(member, this.ctx.clock(), this.ctx.program.current()).freeMaintenance;
  }

  private async viewOf(record: BenefitUseRecord): Promise<BenefitUseView> {
    return (await this.viewsOf([record]))[0]!;
  }

  private async viewsOf(records: readonly BenefitUseRecord[]): Promise<BenefitUseView[]> {
    const program = this.ctx.program.current();
    const bookingIds = records.flatMap((r) => (r.source.kind === 'booking' ? [r.source.bookingId] : []));
    const numbers = new Map<string, string>();
    if (bookingIds.length > 0) {
      const bookings = await this.ctx.db.bookings.bookings
        .find({ _id: { $in: bookingIds } }, { number: 1 })
        .lean<Pick<BookingRecord, '_id' | 'number'>[]>();
      for (const booking of bookings) numbers.set(booking._id, booking.number);
    }
    return records.map((record) => ({
      requestId: record.requestId,
      benefitId: record.benefitId,
      status: record.status,
      yearStart: record.yearStart,
      usedAt: record.usedAt ? new Date(record.usedAt).toISOString() : null,
      undoneAt: record.undoneAt ? new Date(record.undoneAt).toISOString() : null,
      storeId: record.storeId,
      storeName: program.stores.find((store) => store.id === record.storeId)?.name ?? null,
      source:
        record.source.kind === 'booking'
          ? {
              kind: 'booking',
              bookingId: record.source.bookingId,
              bookingNumber: numbers.get(record.source.bookingId) ?? null,
            }
          : { kind: 'staff', role: record.source.role },
      note: record.note,
    }));
  }
}

/** The member brought up to date (the review resets the count), then the count moved by `decide`. */
function countChange(
  member: MemberRecord,
  now: Date,
  program: Program,
  decide: (tier: MemberRecord['tier']) => BenefitUseDecision,
): MemberDecision<Extract<BenefitUseDecision, { ok: true }>, Extract<BenefitUseDecision, { ok: false }>> {
  const base = bringUpToDate(member, now, program);
  const decision = decide(base.tier);
  if (!decision.ok) return { ok: false, failure: decision };
  return {
    ok: true,
    entries: base.entries,
    result: decision,
    update: {
      account: base.account,
      tier: decision.tier,
      tierReviewAt: base.tierReviewAt,
      nextAccountEventAt: base.nextAccountEventAt,
    },
  };
}

function withoutStatus(record: BenefitUseRecord): Omit<BenefitUseRecord, 'status' | 'usedAt' | 'updatedAt'> {
  const { status: _status, usedAt: _usedAt, updatedAt: _updatedAt, ...rest } = record;
  return rest;
}

function memberNotFound(): Failure {
  return { ok: false, reason: 'member_not_found', message: '没有找到这位会员' };
}

function useNotFound(): Failure {
  return { ok: false, reason: 'not_found', message: '没有这次权益使用记录' };
}

function noneLeft(count: BenefitCount): Failure {
  return {
    ok: false,
    reason: 'none_left',
    message: `本会员年的免费基础保养已用完（共 ${count.allowance} 次，已用 ${count.used} 次），无法再使用。`,
    count: { ...count, left: 0 },
  };
}

function yearEnded(count: BenefitCount): Failure {
  return {
    ok: false,
    reason: 'year_ended',
    message: '这次使用属于已结束的会员年，不能再撤销或补记；新会员年的次数已重新计算。',
    count,
  };
}
