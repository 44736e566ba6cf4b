import { randomBytes, randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { MemberRecord } from '../data/models/member-model';
import type { VoucherKind, VoucherRecord } from '../data/models/voucher-model';
import { maskMobile } from '../lib/mask';
import { generateVoucherCode, voucherCodeByteCount } from '../rules/voucher-code';
import type { ServiceContext } from './service-context';

export interface IssueVoucherInput {
  /** Unique per thing the voucher is for (`redemption:<id>`, `welcome-voucher:<memberId>`…). */
  sourceKey: string;
  memberId: string;
  name: string;
  kind: VoucherKind;
  expiresAt: Date;
  rewardId?: string | null;
  redemptionId?: string | null;
  storeIds?: readonly string[] | null;
}

/** A voucher as staff see it: what it is for, whose it is (mobile masked), where it stands. */
export interface VoucherView {
  code: string;
  name: string;
  kind: VoucherKind;
  /** `expired` also for an unused voucher past its date that the sweep has not marked yet. */
  status: VoucherRecord['status'];
  rewardId: string | null;
  redemptionId: string | null;
  storeIds: string[] | null;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedStoreId: string | null;
  cancelledAt: string | null;
  member: { id: string; name: string | null; mobile: string | null };
}

export type VerifyOutcome =
  | { ok: true; voucher: VoucherView }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'used'; usedAt: Date; usedStoreId: string | null }
  | { ok: false; reason: 'expired'; expiresAt: Date }
  | { ok: false; reason: 'cancelled'; cancelledAt: Date | null }
  | { ok: false; reason: 'store_not_allowed'; storeIds: string[] };

/** A member's voucher in their list: the look-up view without the member (it is theirs). */
export type MemberVoucherView = Omit<VoucherView, 'member' | 'rewardId' | 'redemptionId'>;

const CODE_ATTEMPTS = 5;
/** A member's list stops here; nobody is given this many vouchers in a membership. */
const MEMBER_HISTORY_LIMIT = 500;

/**
 * Issuing (once per source), looking up and verifying (核销, once) vouchers. Cancelling a reward
 * voucher gives points back and is the redemption service's job; this service only flips statuses
 * with conditional updates.
 */
export class VoucherService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Issues the voucher for `sourceKey`, or returns the one issued for it before. A code collision
   * (about one in a billion with 8 of 31 characters) draws a new code.
   */
  async issue(input: IssueVoucherInput): Promise<VoucherRecord> {
    const { db, clock } = this.ctx;
    const settings = this.ctx.program.current().redemption.voucherCode;
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = generateVoucherCode(randomBytes(voucherCodeByteCount(settings)), settings);
      if (!code) continue;
      const record: VoucherRecord = {
        _id: randomUUID(),
        code,
        sourceKey: input.sourceKey,
        memberId: input.memberId,
        name: input.name,
        kind: input.kind,
        rewardId: input.rewardId ?? null,
        redemptionId: input.redemptionId ?? null,
        storeIds: input.storeIds ? [...input.storeIds] : null,
        status: 'issued',
        issuedAt: clock(),
        expiresAt: input.expiresAt,
        usedAt: null,
        usedStoreId: null,
        cancelledAt: null,
        expiredAt: null,
      };
      try {
        await db.vouchers.create(record);
        return record;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const existing = await db.vouchers.findOne({ sourceKey: input.sourceKey }).lean<VoucherRecord>();
        if (existing) return existing;
        // Otherwise the code was taken: draw again.
      }
    }
    throw new Error(`could not draw a free voucher code for ${input.sourceKey} in ${CODE_ATTEMPTS} attempts`);
  }

  async find(code: string): Promise<VoucherRecord | null> {
    return this.ctx.db.vouchers.findOne({ code: normaliseCode(code) }).lean<VoucherRecord>();
  }

  async findBySource(sourceKey: string): Promise<VoucherRecord | null> {
    return this.ctx.db.vouchers.findOne({ sourceKey }).lean<VoucherRecord>();
  }

  /** A member's vouchers, unused first, soonest to expire first. */
  async listForMember(memberId: string, status?: VoucherRecord['status']): Promise<VoucherRecord[]> {
    return this.ctx.db.vouchers
      .find({ memberId, ...(status ? { status } : {}) })
      .sort({ status: 1, expiresAt: 1 })
      .lean<VoucherRecord[]>();
  }

  /**
   * Every voucher a member was given, newest first, as the staff console lists them: the status
   * that holds now (an unused voucher past its date reads `expired` before the sweep marks it).
   */
  async historyForMember(memberId: string): Promise<MemberVoucherView[]> {
    const now = this.ctx.clock();
    const vouchers = await this.ctx.db.vouchers
      .find({ memberId })
      .sort({ issuedAt: -1, _id: -1 })
      .limit(MEMBER_HISTORY_LIMIT)
      .lean<VoucherRecord[]>();
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return vouchers.map((voucher) => ({
      code: voucher.code,
      name: voucher.name,
      kind: voucher.kind,
      status: effectiveState(voucher, now),
      storeIds: voucher.storeIds,
      issuedAt: new Date(voucher.issuedAt).toISOString(),
      expiresAt: new Date(voucher.expiresAt).toISOString(),
      usedAt: iso(voucher.usedAt),
      usedStoreId: voucher.usedStoreId,
      cancelledAt: iso(voucher.cancelledAt),
    }));
  }

  async view(voucher: VoucherRecord): Promise<VoucherView> {
    const member = await this.ctx.db.members
      .findById(voucher.memberId, { name: 1, mobile: 1 })
      .lean<Pick<MemberRecord, '_id' | 'name' | 'mobile'>>();
    return voucherView(voucher, member, this.ctx.clock());
  }

  /**
   * Uses the voucher at `storeId` — once: a single conditional update from `issued` (unexpired,
   * valid at that store) to `used`. When it does not apply, says why: used (when, where),
   * expired, cancelled, not valid at this store, or unknown.
   */
  async verify(code: string, storeId: string): Promise<VerifyOutcome> {
    const { db, clock } = this.ctx;
    const now = clock();
    const used = await db.vouchers
      .findOneAndUpdate(
        {
          code: normaliseCode(code),
          status: 'issued',
          expiresAt: { $gt: now },
          $or: [{ storeIds: null }, { storeIds: storeId }],
        },
        { $set: { status: 'used', usedAt: now, usedStoreId: storeId } },
        { returnDocument: 'after' },
      )
      .lean<VoucherRecord>();
    if (used) return { ok: true, voucher: await this.view(used) };
    const voucher = await this.find(code);
    if (!voucher) return { ok: false, reason: 'unknown' };
    const state = effectiveState(voucher, now);
    if (state === 'used')
      return { ok: false, reason: 'used', usedAt: voucher.usedAt!, usedStoreId: voucher.usedStoreId };
    if (state === 'cancelled') return { ok: false, reason: 'cancelled', cancelledAt: voucher.cancelledAt };
    if (state === 'expired') return { ok: false, reason: 'expired', expiresAt: voucher.expiresAt };
    if (voucher.storeIds && !voucher.storeIds.includes(storeId)) {
      return { ok: false, reason: 'store_not_allowed', storeIds: voucher.storeIds };
    }
    // Issued, valid and at an allowed store, yet the update missed it: it changed in between.
    return this.verify(code, storeId);
  }

  /**
   * `issued → cancelled` (a conditional update). Returns the voucher as it is afterwards; its
   * status says whether the change applied (or had applied before).
   */
  async markCancelled(code: string): Promise<VoucherRecord | null> {
    const { db, clock } = this.ctx;
    const cancelled = await db.vouchers
      .findOneAndUpdate(
        { code: normaliseCode(code), status: 'issued' },
        { $set: { status: 'cancelled', cancelledAt: clock() } },
        { returnDocument: 'after' },
      )
      .lean<VoucherRecord>();
    return cancelled ?? this.find(code);
  }

  /** Marks unused vouchers past their date as expired (the nightly run; safe to repeat). */
  async expireDue(now: Date = this.ctx.clock()): Promise<number> {
    const result = await this.ctx.db.vouchers.updateMany(
      { status: 'issued', expiresAt: { $lte: now } },
      { $set: { status: 'expired', expiredAt: now } },
    );
    return result.modifiedCount;
  }
}

/** Codes are shown in capitals; staff may type them in lower case. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The status that holds at `now`: an unused voucher past its date is expired even before the sweep. */
export function effectiveState(voucher: VoucherRecord, now: Date): VoucherRecord['status'] {
  if (voucher.status === 'issued' && new Date(voucher.expiresAt).getTime() <= now.getTime()) return 'expired';
  return voucher.status;
}

function voucherView(
  voucher: VoucherRecord,
  member: Pick<MemberRecord, '_id' | 'name' | 'mobile'> | null,
  now: Date,
): VoucherView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    code: voucher.code,
    name: voucher.name,
    kind: voucher.kind,
    status: effectiveState(voucher, now),
    rewardId: voucher.rewardId,
    redemptionId: voucher.redemptionId,
    storeIds: voucher.storeIds,
    issuedAt: new Date(voucher.issuedAt).toISOString(),
    expiresAt: new Date(voucher.expiresAt).toISOString(),
    usedAt: iso(voucher.usedAt),
    usedStoreId: voucher.usedStoreId,
    cancelledAt: iso(voucher.cancelledAt),
    member: {
      id: voucher.memberId,
      name: member?.name ?? null,
      mobile: member?.mobile ? maskMobile(member.mobile) : null,
    },
  };
}
