import type { Program } from '../config/program-schema';

/** The referral rewards of the program in force, as the chat explains them (RULES.md §6). */
export interface ReferralTerms {
  /** Points the friend gets on signing up (on top of the welcome gift). */
  newMemberPoints: number;
  /** Points the referrer gets when the friend signs up. */
  referrerOnSignupPoints: number;
  /** Points the referrer gets for the friend's first transaction of a qualifying category. */
  referrerOnFirstQualifyingPoints: number;
  /** The qualifying categories' names, in the program's order (购车、保养、维修). */
  qualifyingCategories: string[];
  /** The friend must sign up within this many days of first opening the link. */
  windowDays: number;
  /** Rewarded referrals per referrer per membership year. */
  yearlyCap: number;
  /** Whether joining brings a welcome gift (points or a voucher) besides the referral points. */
  welcomeGift: boolean;
}

export function referralTerms(program: Pick<Program, 'referral' | 'categories' | 'welcome'>): ReferralTerms {
  const { referral } = program;
  return {
    newMemberPoints: referral.newMemberPoints,
    referrerOnSignupPoints: referral.referrerOnSignupPoints,
    referrerOnFirstQualifyingPoints: referral.referrerOnFirstQualifyingPoints,
    qualifyingCategories: Object.values(program.categories)
      .filter((category) => category.referralQualifying)
      .map((category) => category.name),
    windowDays: referral.windowDays,
    yearlyCap: referral.maxRewardedPerMembershipYear,
    welcomeGift: program.welcome.points > 0 || program.welcome.voucher !== null,
  };
}
