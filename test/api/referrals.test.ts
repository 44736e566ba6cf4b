import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { ReferralRecord } from '../../src/data/models/referral-model';
import type { Services } from '../../src/services/services';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, expectLedgerReplays, memberOf } from '../helpers/member-points';

let h: ApiHarness;
let db: Database;
let services: Services;
let seq = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  services = h.runtime.services;
  db = services.db;
});
afterAll(async () => {
  await h?.stop();
});

const freshMobile = () => `136${String(20_000_000 + ++seq * 104_729).padStart(8, '0')}`;
const freshOpenid = () => `oFriend_${++seq}_abcdef`;

async function counterEnrol(extra: Record<string, unknown> = {}) {
  const res = await h.post(
    '/api/v1/members',
    { name: '会员', mobile: freshMobile(), privacyConsent: true, ...extra },
    'store',
  );
  expect(res.status).toBe(201);
  return res.body as {
    member: { id: string; referralCode: string };
    referral: Record<string, unknown> | null;
  };
}

/** The chat flow's sign-up: the same service, with the WeChat openid. */
async function chatEnrol(openid: string, extra: Record<string, unknown> = {}) {
  const outcome = await services.enrolment.enrol(
    { name: '微信会员', mobile: freshMobile(), privacyConsent: true, ...extra },
    { channel: 'chat', storeId: 'main', openid },
  );
  if (!outcome.ok) throw new Error(`chat enrolment failed: ${outcome.reason}`);
  return outcome;
}

const referralOf = (newcomerId: string) =>
  db.membership.referrals.findOne({ newcomerMemberId: newcomerId }).lean<ReferralRecord>();

const maintenance = (memberId: string, transactionId: string, category = 'maintenance') =>
  h.post(
    '/api/v1/transactions',
    { transactionId, memberId, category, amountFen: 30_000, occurredAt: h.now().toISOString() },
    'store',
  );

describe('referral happy path', () => {
  it('open → join → both +500; the first maintenance pays the referrer +2,000 exactly once', async () => {
    const referrer = await counterEnrol();
    const openid = freshOpenid();
    const open = await services.referrals.recordOpen({ referralCode: referrer.member.referralCode, openid });
    expect(open).toMatchObject({ ok: true, duplicate: false });
    // A later scan keeps the first open.
    h.setNow(new Date(h.now().getTime() + 3_600_000));
    const again = await services.referrals.recordOpen({ referralCode: referrer.member.referralCode, openid });
    expect(again).toMatchObject({ ok: true, duplicate: true, referralId: open.ok ? open.referralId : '' });

    const friend = await chatEnrol(openid);
    expect(friend.result.referral).toMatchObject({ status: 'joined', newcomerPoints: 500 });
    const now = h.now();
    expect(await balanceOf(db, friend.member._id, now)).toBe(1_500);
    expect(await balanceOf(db, referrer.member.id, now)).toBe(1_500);
    expect((await memberOf(db, friend.member._id)).referredBy).toEqual({
      memberId: referrer.member.id,
      referralId: open.ok ? open.referralId : '',
    });

    // A parts purchase does not qualify; ten concurrent posts of one maintenance transaction pay once.
    expect((await maintenance(friend.member._id, `ref-parts-${seq}`, 'parts')).status).toBe(201);
    expect(await balanceOf(db, referrer.member.id, h.now())).toBe(1_500);
    const txnId = `ref-first-${seq}`;
    const posts = await Promise.all(Array.from({ length: 10 }, () => maintenance(friend.member._id, txnId)));
    expect(posts.every((p) => p.status === 201 || p.status === 200)).toBe(true);
    expect(await balanceOf(db, referrer.member.id, h.now())).toBe(3_500);
    // A second qualifying transaction pays nothing more.
    expect((await maintenance(friend.member._id, `ref-second-${seq}`)).status).toBe(201);
    expect(await balanceOf(db, referrer.member.id, h.now())).toBe(3_500);
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({ memberId: referrer.member.id, type: 'referral' })).toBe(2);

    const referral = await referralOf(friend.member._id);
    expect(referral?.status).toBe('rewarded');
    const summary = await h.get(`/api/v1/members/${referrer.member.id}/referrals`, 'store');
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      code: referrer.member.referralCode,
      friendsJoined: 1,
      pointsEarned: 2_500,
      rewardedThisYear: 1,
      yearlyCap: 20,
    });
    expect(summary.body.referrals[0]).toMatchObject({
      status: 'rewarded',
      friend: { memberId: friend.member._id, name: '微信会员' },
      pointsEarned: 2_500,
    });
    expect(await services.referrals.referralSummary(referrer.member.id)).toMatchObject({
      friendsJoined: 1,
      pointsEarned: 2_500,
    });
    await expectLedgerReplays(db, referrer.member.id);
    await expectLedgerReplays(db, friend.member._id);
  });

  it('a referral code given at the counter counts as the open', async () => {
    const referrer = await counterEnrol();
    const friend = await counterEnrol({ referralCode: referrer.member.referralCode.toLowerCase() });
    expect(friend.referral).toMatchObject({ status: 'joined', newcomerPoints: 500 });
    expect(await balanceOf(db, referrer.member.id, h.now())).toBe(1_500);
  });

  it('an open recorded by mobile is attributed at a counter sign-up without a code', async () => {
    const referrer = await counterEnrol();
    const mobile = freshMobile();
    await services.referrals.recordOpen({ referralCode: referrer.member.referralCode, mobile });
    const friend = await counterEnrol({ mobile });
    expect(friend.referral).toMatchObject({ status: 'joined' });
  });
});

describe('ineligible referrals', () => {
  it('self-referral: a member scanning their own code', async () => {
    const openid = freshOpenid();
    const member = await chatEnrol(openid);
    expect(await services.referrals.recordOpen({ referralCode: member.member.referralCode, openid })).toEqual(
      { ok: false, reason: 'self_referral' },
    );
    // At the counter, one's own code with one's own mobile is simply an existing member.
    const own = await h.post(
      '/api/v1/members',
      {
        name: '自己',
        mobile: member.member.mobile,
        privacyConsent: true,
        referralCode: member.member.referralCode,
      },
      'store',
    );
    expect(own.status).toBe(409);
  });

  it('loop: the referrer opening the link of the friend they referred', async () => {
    const aOpenid = freshOpenid();
    const a = await chatEnrol(aOpenid);
    const b = await counterEnrol({ referralCode: a.member.referralCode });
    expect(b.referral).toMatchObject({ status: 'joined' });
    expect(
      await services.referrals.recordOpen({ referralCode: b.member.referralCode, openid: aOpenid }),
    ).toEqual({
      ok: false,
      reason: 'referral_loop',
    });
  });

  it('expired window: signing up 31 days after the first open', async () => {
    const referrer = await counterEnrol();
    const openid = freshOpenid();
    await services.referrals.recordOpen({ referralCode: referrer.member.referralCode, openid });
    const before = await balanceOf(db, referrer.member.id, h.now());
    h.setNow(new Date(h.now().getTime() + 31 * 86_400_000));
    const friend = await chatEnrol(openid);
    expect(friend.result.referral).toMatchObject({
      status: 'rejected',
      reason: 'window_expired',
      newcomerPoints: 0,
    });
    expect(await balanceOf(db, friend.member._id, h.now())).toBe(1_000);
    expect(await balanceOf(db, referrer.member.id, h.now())).toBe(before);
  });

  it('a mobile that was once a member, even after erasure, is not new', async () => {
    const referrer = await counterEnrol();
    const mobile = freshMobile();
    const old = await counterEnrol({ mobile });
    expect((await h.post(`/api/v1/members/${old.member.id}/erase`, {})).status).toBe(200);
    const rejoin = await counterEnrol({ mobile, referralCode: referrer.member.referralCode });
    expect(rejoin.referral).toMatchObject({ status: 'rejected', reason: 'already_member' });
    expect(await balanceOf(db, rejoin.member.id, h.now())).toBe(1_000);
    expect(await balanceOf(db, referrer.member.id, h.now())).toBe(1_000);
  });

  it('yearly cap: concurrent sign-ups never reward the referrer past it; friends still get theirs', async () => {
    const published = await h.post('/api/v1/program', { referral: { maxRewardedPerMembershipYear: 2 } });
    expect(published.status).toBe(201);
    try {
      const referrer = await counterEnrol();
      const friends = await Promise.all(
        Array.from({ length: 5 }, () =>
          h.post(
            '/api/v1/members',
            {
              name: '朋友',
              mobile: freshMobile(),
              privacyConsent: true,
              referralCode: referrer.member.referralCode,
            },
            'store',
          ),
        ),
      );
      expect(friends.every((f) => f.status === 201)).toBe(true);
      for (const f of friends)
        expect(f.body.referral).toMatchObject({ status: 'joined', newcomerPoints: 500 });
      expect(await balanceOf(db, referrer.member.id, h.now())).toBe(1_000 + 2 * 500);
      const referrals = await db.membership.referrals
        .find({ referrerMemberId: referrer.member.id })
        .lean<ReferralRecord[]>();
      expect(referrals.filter((r) => r.referrerRewarded)).toHaveLength(2);

      // An unrewarded referral pays no first-transaction bonus either.
      const unrewarded = referrals.find((r) => !r.referrerRewarded)!;
      expect((await maintenance(unrewarded.newcomerMemberId!, `cap-first-${seq}`)).status).toBe(201);
      expect(await balanceOf(db, referrer.member.id, h.now())).toBe(2_000);
    } finally {
      expect(
        (await h.post('/api/v1/program', { referral: { maxRewardedPerMembershipYear: 20 } })).status,
      ).toBe(201);
    }
  });
});
