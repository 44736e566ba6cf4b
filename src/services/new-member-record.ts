import type { Program } from '../config/program-schema';
import type { BindingRecord, ConsentRecord, MemberRecord, VehicleRecord } from '../data/models/member-model';
import { membershipYearAt } from '../rules/membership-year';
import { emptyAccount } from '../rules/points-account';
import { initialTierState } from '../rules/tier-state';

export interface NewMemberFacts {
  id: string;
  name: string;
  mobile: string;
  openid?: string | null;
  referralCode: string;
  signedUpAt: Date;
  homeStoreId: string;
  birthday?: { month: number; day: number; year: number | null } | null;
  vehicles?: VehicleRecord[];
  consents: ConsentRecord[];
  marketingConsent?: boolean;
  referredBy?: { memberId: string; referralId: string } | null;
  /** The WeChat binding made at sign-up, if any. */
  bindings?: BindingRecord[];
}

/** A member as first stored: first tier, empty account, the membership year from sign-up. */
export function newMemberRecord(
  facts: NewMemberFacts,
  program: Program,
): Omit<MemberRecord, 'createdAt' | 'updatedAt'> {
  return {
    _id: facts.id,
    status: 'active',
    name: facts.name,
    mobile: facts.mobile,
    openid: facts.openid ?? null,
    referralCode: facts.referralCode,
    signedUpAt: facts.signedUpAt,
    homeStoreId: facts.homeStoreId,
    birthday: facts.birthday ?? null,
    vehicles: facts.vehicles ?? [],
    consents: facts.consents,
    marketingConsent: facts.marketingConsent ?? false,
    marketingOptOut: false,
    tags: [],
    tier: initialTierState(facts.signedUpAt, program),
    account: emptyAccount,
    firstTransactionAt: null,
    lastVisitAt: null,
    referredBy: facts.referredBy ?? null,
    nextAccountEventAt: null,
    tierReviewAt: membershipYearAt(facts.signedUpAt, facts.signedUpAt, program.timezone).endsAt,
    redemptionCounts: {},
    rev: 0,
    recentOps: [],
    outbox: [],
    erasedAt: null,
    ...(facts.bindings?.length ? { bindings: facts.bindings } : {}),
  };
}
