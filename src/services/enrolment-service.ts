import { randomBytes } from 'node:crypto';
import { duplicateKeyField } from '../data/duplicate-key-field';
import type { EnrolmentChannel, EnrolmentRecord } from '../data/models/enrolment-model';
import type { BindingRecord, ConsentRecord, MemberRecord, VehicleRecord } from '../data/models/member-model';
import { newId } from '../lib/new-id';
import { creditPoints } from '../rules/credit-points';
import { lotExpiresAt } from '../rules/lot-expiry';
import type { Birthday } from '../rules/parse-birthday';
import { generateVoucherCode, voucherCodeByteCount } from '../rules/voucher-code';
import { welcomeGrant } from '../rules/welcome-grant';
import { localDateOf } from '../rules/zoned-time';
import { applyAccountChange } from './apply-account-change';
import { enrolmentInputSchema } from './enrolment-input';
import type { IdentityHasher } from './identity-hasher';
import { newMemberRecord } from './new-member-record';
import { newVehicle } from './new-vehicle';
import type { ReferralService, SignupReferralPlan, SignupReferralResult } from './referral-service';
import type { ServiceContext } from './service-context';
import type { VoucherService } from './voucher-service';

/** A person to make a member of, already validated and normalised. */
export interface PersonFacts {
  name: string;
  mobile: string;
  openid: string | null;
  birthday: Birthday | null;
  vehicles: VehicleRecord[];
  consents: ConsentRecord[];
  marketingConsent: boolean;
}

/** What else a sign-up does besides creating the member. */
export interface EnrolmentPlan {
  channel: EnrolmentChannel;
  at: Date;
  storeId: string;
  welcome: boolean;
  opening: { points: number; earnedAt: Date } | null;
  referral: SignupReferralPlan | null;
}

/** What a sign-up granted: shown to staff, told to the member in chat. */
export interface EnrolmentResult {
  memberId: string;
  welcome: {
    points: number;
    voucher: { code: string; name: string; expiresAt: string } | null;
  } | null;
  opening: { points: number; earnedAt: string; expiresAt: string; credited: boolean } | null;
  referral: SignupReferralResult | null;
}

export type EnrolmentIssue = { path: string; message: string };

export type CreateOutcome =
  | { ok: true; member: MemberRecord; result: EnrolmentResult }
  | { ok: false; reason: 'already_member'; memberId: string }
  | { ok: false; reason: 'openid_linked'; memberId: string };

export type EnrolOutcome =
  | CreateOutcome
  | { ok: false; reason: 'invalid_input'; issues: EnrolmentIssue[] }
  | { ok: false; reason: 'unknown_referral_code' };

export interface EnrolOptions {
  /** `counter` for staff at the store, `chat` for the WeChat flow (after its SMS check). */
  channel: 'counter' | 'chat';
  storeId: string;
  openid?: string | null;
}

const CODE_ATTEMPTS = 10;

/**
 * Sign-up (RULES.md §5): validate, create the member (mobile and openid unique), then — resumably
 * — remember the identities as hashes, grant the welcome points and voucher, credit an imported
 * opening balance, and attribute the referral. A journal written before the member lets the
 * start-up sweep (`recoverStuck`) finish a sign-up a crash interrupted; every step is keyed, so
 * finishing twice grants nothing twice.
 */
export class EnrolmentService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly hasher: IdentityHasher,
    private readonly referrals: ReferralService,
    private readonly vouchers: VoucherService,
  ) {}

  /** Staff at the counter or the chat flow: the sign-up form as received (validated here). */
  async enrol(input: unknown, options: EnrolOptions): Promise<EnrolOutcome> {
    const program = this.ctx.program.current();
    const now = this.ctx.clock();
    const parsed = enrolmentInputSchema(localDateOf(now, program.timezone)).safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        reason: 'invalid_input',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      };
    }
    const form = parsed.data;
    const openid = options.openid ?? null;
    const referral = await this.referrals.planForSignup({
      code: form.referralCode ?? null,
      mobile: form.mobile,
      openid,
      at: now,
    });
    if (referral === 'unknown_code') return { ok: false, reason: 'unknown_referral_code' };
    const channel = options.channel;
    const consents: ConsentRecord[] = [
      { kind: 'privacy', granted: true, version: program.signup.privacyPolicyVersion, at: now, channel },
      { kind: 'marketing', granted: form.marketingConsent ?? false, version: null, at: now, channel },
    ];
    return this.create(
      {
        name: form.name,
        mobile: form.mobile,
        openid,
        birthday: form.birthday ?? null,
        vehicles: form.plate || form.model ? [newVehicle(form.plate ?? null, form.model ?? null)] : [],
        consents,
        marketingConsent: form.marketingConsent ?? false,
      },
      { channel, at: now, storeId: options.storeId, welcome: true, opening: null, referral },
    );
  }

  /** Creates a member and finishes the sign-up (also used by the bulk import). */
  async create(person: PersonFacts, plan: EnrolmentPlan): Promise<CreateOutcome> {
    const { db } = this.ctx;
    const program = this.ctx.program.current();
    const taken = await this.existing(person);
    if (taken) return taken;

    const id = newId();
    const journal: EnrolmentRecord = {
      _id: id,
      status: 'pending',
      channel: plan.channel,
      at: plan.at,
      storeId: plan.storeId,
      welcome: plan.welcome,
      opening: plan.opening,
      referral: plan.referral,
      identity: {
        mobileWasMember: await this.hasher.wasMember('mobile', person.mobile),
        openidWasMember: await this.hasher.wasMember('openid', person.openid),
      },
      outcome: null,
      finishedAt: null,
    };
    await db.membership.enrolments.create(journal);
    const bindings: BindingRecord[] = person.openid
      ? [
          {
            id: newId(),
            at: plan.at,
            action: 'bind',
            reason: 'signup',
            channel: plan.channel,
            oldOpenidHash: null,
            newOpenidHash: await this.hasher.hash('openid', person.openid),
          },
        ]
      : [];

    for (let attempt = 0; ; attempt++) {
      const record = newMemberRecord(
        {
          id,
          name: person.name,
          mobile: person.mobile,
          openid: person.openid,
          referralCode: this.drawReferralCode(attempt),
          signedUpAt: plan.at,
          homeStoreId: plan.storeId,
          birthday: person.birthday,
          vehicles: person.vehicles,
          consents: person.consents,
          marketingConsent: person.marketingConsent,
          bindings,
        },
        program,
      );
      try {
        await db.members.create(record);
        break;
      } catch (err) {
        const field = duplicateKeyField(err);
        if (field === 'referralCode' && attempt < CODE_ATTEMPTS) continue;
        if (field !== 'mobile' && field !== 'openid') throw err;
        // Someone else with this mobile (or openid) was created in between: not a new member.
        await db.membership.enrolments.updateOne(
          { _id: id, status: 'pending' },
          { $set: { status: 'abandoned' } },
        );
        const other = await this.existing(person);
        if (other) return other;
        throw err;
      }
    }
    const result = await this.finish({ ...journal });
    const member = await db.members.findById(id).lean<MemberRecord>();
    if (!result || !member) throw new Error(`member ${id} vanished during sign-up`);
    return { ok: true, member, result };
  }

  /**
   * Finishes sign-ups left pending by a crash (older than `olderThanMs`, so sign-ups in flight in
   * another process are left to it). Every step is idempotent. Returns how many it finished.
   */
  async recoverStuck(olderThanMs = 30_000): Promise<number> {
    await this.hasher.loadSalt();
    const cutoff = new Date(this.ctx.clock().getTime() - olderThanMs);
    const stuck = await this.ctx.db.membership.enrolments
      .find({ status: 'pending', at: { $lte: cutoff } })
      .lean<EnrolmentRecord[]>();
    for (const journal of stuck) await this.finish(journal);
    return stuck.length;
  }

  /** Runs the steps after the member exists; returns the stored result when already done. */
  private async finish(journal: EnrolmentRecord): Promise<EnrolmentResult | null> {
    const { db } = this.ctx;
    const enrolments = db.membership.enrolments;
    if (journal.status === 'done' && journal.outcome) return journal.outcome as unknown as EnrolmentResult;
    const member = await db.members.findById(journal._id).lean<MemberRecord>();
    if (!member) {
      // The crash came before the member was created (or creation lost a race): nothing to finish.
      await enrolments.updateOne({ _id: journal._id, status: 'pending' }, { $set: { status: 'abandoned' } });
      return null;
    }
    const program = this.ctx.program.current();
    const result: EnrolmentResult = { memberId: member._id, welcome: null, opening: null, referral: null };
    if (member.status === 'active') {
      await this.hasher.remember('mobile', member.mobile, journal.at);
      await this.hasher.remember('openid', member.openid, journal.at);

      if (journal.welcome) {
        const grant = welcomeGrant(member._id, journal.at, program);
        result.welcome = { points: 0, voucher: null };
        if (grant.points) {
          const points = grant.points;
          await applyAccountChange(this.ctx, member._id, points.key, journal.storeId, (account, now) =>
            creditPoints(account, {
              entryId: points.key,
              type: 'welcome',
              now,
              points: points.amount,
              earnedAt: journal.at,
              expiresAt: points.expiresAt,
              reason: '入会礼',
            }),
          );
          result.welcome.points = points.amount;
        }
        if (grant.voucher) {
          const voucher = await this.vouchers.issue({
            sourceKey: grant.voucher.key,
            memberId: member._id,
            name: grant.voucher.name,
            kind: 'welcome',
            expiresAt: grant.voucher.expiresAt,
          });
          result.welcome.voucher = {
            code: voucher.code,
            name: voucher.name,
            expiresAt: new Date(voucher.expiresAt).toISOString(),
          };
        }
      }

      if (journal.opening) {
        const { points } = journal.opening;
        const earnedAt = new Date(journal.opening.earnedAt);
        const expiresAt = lotExpiresAt(earnedAt, program);
        // Points already past their expiry are not credited (the import report says so).
        const credited = expiresAt.getTime() > this.ctx.clock().getTime();
        if (credited) {
          const key = `import-opening:${member._id}`;
          await applyAccountChange(this.ctx, member._id, key, journal.storeId, (account, now) =>
            creditPoints(account, {
              entryId: key,
              type: 'adjust',
              now,
              points,
              earnedAt,
              expiresAt,
              reason: '导入原有积分',
              reference: 'import',
            }),
          );
        }
        result.opening = {
          points,
          earnedAt: earnedAt.toISOString(),
          expiresAt: expiresAt.toISOString(),
          credited,
        };
      }

      result.referral = await this.referrals.attributeSignup(journal, member);
    }
    await enrolments.updateOne(
      { _id: journal._id, status: 'pending' },
      { $set: { status: 'done', outcome: result, finishedAt: this.ctx.clock() } },
    );
    const stored = await enrolments.findById(journal._id).lean<EnrolmentRecord>();
    return (stored?.outcome as unknown as EnrolmentResult | null) ?? result;
  }

  private async existing(person: PersonFacts): Promise<CreateOutcome | null> {
    const { db } = this.ctx;
    const byMobile = await db.members
      .findOne({ mobile: person.mobile }, { _id: 1 })
      .lean<Pick<MemberRecord, '_id'>>();
    if (byMobile) return { ok: false, reason: 'already_member', memberId: byMobile._id };
    if (person.openid) {
      const byOpenid = await db.members
        .findOne({ openid: person.openid }, { _id: 1 })
        .lean<Pick<MemberRecord, '_id'>>();
      if (byOpenid) return { ok: false, reason: 'openid_linked', memberId: byOpenid._id };
    }
    return null;
  }

  /** 6 characters of the voucher alphabet; longer after collisions (31^6 ≈ 887 million codes). */
  private drawReferralCode(attempt: number): string {
    const { alphabet } = this.ctx.program.current().redemption.voucherCode;
    const settings = { alphabet, length: attempt < 3 ? 6 : attempt < 6 ? 7 : 8 };
    for (;;) {
      const code = generateVoucherCode(randomBytes(voucherCodeByteCount(settings)), settings);
      if (code) return code;
    }
  }
}
