import { describe, expect, it } from 'vitest';
import { checkReferralEligibility, type ReferralSignup } from '../../../src/rules/referral-eligibility';
import { referralFirstTransactionReward, referralSignupRewards } from '../../../src/rules/referral-reward';
import { program, programWith, shanghai } from './builders';

function signup(
  overrides: {
    firstOpenedAt?: Date;
    signedUpAt?: Date;
    referrer?: Partial<ReferralSignup['referrer']>;
    newcomer?: Partial<ReferralSignup['newcomer']>;
  } = {},
): ReferralSignup {
  return {
    referralId: 'ref-1',
    firstOpenedAt: overrides.firstOpenedAt ?? shanghai('2026-03-01T10:00'),
    signedUpAt: overrides.signedUpAt ?? shanghai('2026-03-05T10:00'),
    referrer: {
      memberId: 'm-referrer',
      mobile: '13800000001',
      openids: ['o-referrer'],
      referredByMemberId: null,
      rewardedReferralsThisYear: 3,
      ...overrides.referrer,
    },
    newcomer: {
      memberId: 'm-new',
      mobile: '13900000002',
      openid: 'o-new',
      mobileWasMember: false,
      openidWasMember: false,
      ...overrides.newcomer,
    },
  };
}

describe('referral eligibility (RULES.md §6)', () => {
  it('a genuinely new person within 30 days: +500 each, with deterministic keys', () => {
    expect(checkReferralEligibility(signup(), program)).toEqual({
      ok: true,
      referrerRewarded: true,
      rewards: [
        { kind: 'signup:newcomer', memberId: 'm-new', points: 500, key: 'referral:ref-1:signup:newcomer' },
        {
          kind: 'signup:referrer',
          memberId: 'm-referrer',
          points: 500,
          key: 'referral:ref-1:signup:referrer',
        },
      ],
    });
  });

  it.each([
    ['the same member', signup({ newcomer: { memberId: 'm-referrer' } }), 'self_referral'],
    ['the referrer’s mobile', signup({ newcomer: { mobile: '13800000001' } }), 'self_referral'],
    ['one of the referrer’s openids', signup({ newcomer: { openid: 'o-referrer' } }), 'self_referral'],
    [
      'a loop: the newcomer referred the referrer',
      signup({ referrer: { referredByMemberId: 'm-new' } }),
      'referral_loop',
    ],
    ['a mobile that was a member', signup({ newcomer: { mobileWasMember: true } }), 'already_member'],
    ['an openid that was a member', signup({ newcomer: { openidWasMember: true } }), 'already_member'],
    [
      'sign-up 30 days and 1 ms after opening',
      signup({ signedUpAt: new Date(shanghai('2026-03-31T10:00').getTime() + 1) }),
      'window_expired',
    ],
    [
      'sign-up before opening the link',
      signup({ signedUpAt: shanghai('2026-02-28T10:00') }),
      'window_expired',
    ],
  ])('refuses %s', (_name, input, reason) => {
    expect(checkReferralEligibility(input, program)).toEqual({ ok: false, reason });
  });

  it('counts a sign-up exactly 30 days after opening', () => {
    expect(checkReferralEligibility(signup({ signedUpAt: shanghai('2026-03-31T10:00') }), program).ok).toBe(
      true,
    );
  });

  it('a newcomer without an openid (enrolled at the counter) can be referred', () => {
    expect(checkReferralEligibility(signup({ newcomer: { openid: null } }), program).ok).toBe(true);
  });

  it('over the yearly cap (20) the friend is still rewarded, the referrer is not', () => {
    const capped = checkReferralEligibility(signup({ referrer: { rewardedReferralsThisYear: 20 } }), program);
    expect(capped).toEqual({
      ok: true,
      referrerRewarded: false,
      rewards: [
        { kind: 'signup:newcomer', memberId: 'm-new', points: 500, key: 'referral:ref-1:signup:newcomer' },
      ],
    });
    expect(
      checkReferralEligibility(signup({ referrer: { rewardedReferralsThisYear: 19 } }), program),
    ).toMatchObject({
      referrerRewarded: true,
    });
  });

  it('leaves out rewards the program sets to 0', () => {
    const noNewcomerPoints = programWith({
      referral: { ...structuredClone(program.referral), newMemberPoints: 0 },
    });
    expect(
      referralSignupRewards(
        { referralId: 'r', referrerMemberId: 'a', newMemberId: 'b', referrerRewarded: true },
        noNewcomerPoints,
      ),
    ).toEqual([{ kind: 'signup:referrer', memberId: 'a', points: 500, key: 'referral:r:signup:referrer' }]);
  });
});

describe('the referrer’s +2,000 on the friend’s first qualifying transaction', () => {
  const referral = {
    referralId: 'ref-1',
    referrerMemberId: 'm-referrer',
    referrerRewarded: true,
    alreadyRewarded: false,
  };

  it.each([
    ['vehicle', true],
    ['maintenance', true],
    ['repair', true],
    ['parts', false],
    ['accessories', false],
    ['insurance', false],
    ['unknown', false],
  ])('%s qualifies: %s', (category, qualifies) => {
    expect(referralFirstTransactionReward(referral, category, program)).toEqual(
      qualifies
        ? {
            kind: 'first-transaction:referrer',
            memberId: 'm-referrer',
            points: 2_000,
            key: 'referral:ref-1:first-transaction:referrer',
          }
        : null,
    );
  });

  it('is granted once, and not for a referral over the cap', () => {
    expect(
      referralFirstTransactionReward({ ...referral, alreadyRewarded: true }, 'repair', program),
    ).toBeNull();
    expect(
      referralFirstTransactionReward({ ...referral, referrerRewarded: false }, 'repair', program),
    ).toBeNull();
  });
});
