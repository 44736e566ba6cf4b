import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { runtimeCopy, signupCopy, welcomeCopy } from '../../../flows/copy/zh-CN';
import type { EffectResult, EffectResults } from '../../../src/conversation/effect';
import { type RunContext, runStep, type StepResult } from '../../../src/conversation/run-step';
import type { Session } from '../../../src/conversation/session';
import type { OfferedReward } from '../../../src/rules/catalogue-offer';
import { referralTerms } from '../../../src/rules/referral-terms';
import { intentModel } from '../../../src/services/intent-examples';
import { programWith } from '../rules/builders';

/** The pure steps of 推荐有礼 and 积分兑换, and the friend's welcome copy, driven through runStep. */
const T0 = new Date('2026-11-25T02:00:00Z');
const ctx: RunContext = {
  member: { id: 'm1', name: '王先生' },
  timeZone: 'Asia/Shanghai',
  today: { year: 2026, month: 11, day: 25 },
  stores: [{ id: 'main', name: '本店' }],
  messageId: 'msg-1',
  flows: allFlows,
  copy: runtimeCopy,
  classify: (text) => intentModel().classify(text),
};
const texts = (result: StepResult) => result.replies.map((reply) => reply.text).join('\n');

function withResult(text: string, result: EffectResult): StepResult {
  const asked = runStep(null, { type: 'text', text }, ctx, T0);
  return runStep(asked.session, { type: 'effect_result', result }, ctx, T0);
}

function say(session: Session, ...lines: string[]): StepResult {
  let result: StepResult | null = null;
  for (const line of lines) {
    result = runStep(result?.session ?? session, { type: 'text', text: line }, ctx, T0);
  }
  return result!;
}

describe('推荐有礼: the amounts come from the program', () => {
  const referral = (overrides: Record<string, unknown>, rewardedThisYear = 0) => {
    const program = programWith({ referral: { ...programWith({}).referral, ...overrides } });
    const value: EffectResults['load_referral'] = {
      code: 'AB12CD',
      scene: 'ref_AB12CD',
      friendsJoined: 0,
      pointsEarned: 0,
      rewardedThisYear,
      terms: referralTerms(program),
    };
    return texts(withResult('推荐', { type: 'load_referral', value }));
  };

  it('promises the welcome gift only when the program has one', () => {
    const withGift = referral({});
    expect(withGift).toContain('· 朋友入会即得 500 积分（入会礼另送）');
    const program = programWith({ welcome: { points: 0, voucher: null } });
    const value: EffectResults['load_referral'] = {
      code: 'AB12CD',
      scene: 'ref_AB12CD',
      friendsJoined: 0,
      pointsEarned: 0,
      rewardedThisYear: 0,
      terms: referralTerms(program),
    };
    const noGift = texts(withResult('推荐', { type: 'load_referral', value }));
    expect(noGift).toContain('· 朋友入会即得 500 积分\n');
    expect(noGift).not.toContain('入会礼');
  });

  it('leaves out a side that gets nothing, and the referrer lines when the yearly cap is 0', () => {
    const noFriendPoints = referral({ newMemberPoints: 0 });
    expect(noFriendPoints).not.toContain('朋友入会即得');
    expect(noFriendPoints).toContain('· 朋友入会当天，您得 500 积分');
    expect(noFriendPoints).toContain('您本会员年已奖励 0 位。');

    const noCap = referral({ maxRewardedPerMembershipYear: 0, newMemberPoints: 1_234 });
    expect(noCap).toContain(
      '朋友扫码关注后 30 天内入会：\n· 朋友入会即得 1,234 积分（入会礼另送）\n还没有朋友',
    );
    expect(noCap).not.toContain('您得');
    expect(noCap).not.toContain('每个会员年');
  });

  it('with no reward at all says so, and a full year without friend points says nothing of them', () => {
    const none = referral({
      newMemberPoints: 0,
      referrerOnSignupPoints: 0,
      referrerOnFirstQualifyingPoints: 0,
    });
    expect(none).toContain('把下面的二维码或链接发给朋友。\n目前推荐朋友入会暂无积分奖励。\n');
    expect(referral({ newMemberPoints: 0, maxRewardedPerMembershipYear: 2 }, 2)).toContain(
      '每个会员年最多奖励 2 位朋友，您本会员年的名额已用完。',
    );
  });

  it('ends with words that lead where they say', () => {
    const reply = referral({});
    expect(reply.endsWith('回复「明细」看奖励到账记录，「查积分」看余额。')).toBe(true);
    expect(runStep(null, { type: 'text', text: '明细' }, ctx, T0).effects).toEqual([
      { type: 'load_history', limit: expect.any(Number) },
    ]);
    expect(runStep(null, { type: 'text', text: '查积分' }, ctx, T0).effects).toEqual([
      { type: 'load_balance' },
    ]);
  });
});

describe('积分兑换: what can be redeemed now first, the rest apart', () => {
  const ok = (n: number): OfferedReward => ({ id: `r${n}`, name: `礼品${n}`, cost: n * 100, hold: null });
  const catalogue = (rewards: OfferedReward[]): EffectResult => ({
    type: 'load_catalogue',
    value: { available: 5_000, tierName: '银卡', rewards },
  });
  const held: OfferedReward[] = [
    { id: 'gold', name: '金卡洗车', cost: 200, hold: { kind: 'tier', tierName: '金卡', top: false } },
    { id: 'gone', name: '限量车模', cost: 300, hold: { kind: 'sold_out' } },
    { id: 'monthly', name: '月度香氛', cost: 400, hold: { kind: 'limit', count: 1, period: 'month' } },
    { id: 'dear', name: '四轮定位', cost: 8_000, hold: { kind: 'points', missing: 3_000 } },
  ];

  it('numbers only what can be redeemed, pages it, and puts the held ones on the last page', () => {
    const listed = withResult(
      '兑换',
      catalogue([held[0]!, ok(1), ok(2), held[1]!, ok(3), ok(4), ok(5), ok(6), ...held.slice(2)]),
    );
    const first = texts(listed);
    expect(first).toBe(
      '您有 5,000 积分可用。可兑换的礼品：\n1. 礼品1 — 100 积分\n2. 礼品2 — 200 积分\n3. 礼品3 — 300 积分\n4. 礼品4 — 400 积分\n5. 礼品5 — 500 积分\n回复序号选择，回复「下一页」看更多。',
    );
    expect(texts(say(listed.session, '下一页'))).toBe(
      [
        '您有 5,000 积分可用。可兑换的礼品：',
        '6. 礼品6 — 600 积分',
        '暂时换不了的礼品：',
        '· 金卡洗车 — 200 积分（金卡及以上）',
        '· 限量车模 — 300 积分（已兑完）',
        '· 月度香氛 — 400 积分（每月限兑 1 次，已兑满）',
        '· 四轮定位 — 8,000 积分（还差 3,000 积分）',
        '回复序号选择。',
      ].join('\n'),
    );
    expect(texts(say(listed.session, '下一页', '更多'))).toBe(first);
    expect(say(listed.session, '6', '确认').effects).toEqual([
      { type: 'redeem', rewardId: 'r6', requestId: 'chat:msg-1' },
    ]);
    expect(texts(say(listed.session, '7'))).toContain('请回复礼品前面的序号。请再试一次：');
  });

  it('answers a held reward chosen by name with what it needs, and stays on the list', () => {
    const listed = withResult('兑换', catalogue([ok(1), ...held]));
    expect(texts(say(listed.session, '金卡洗车'))).toMatch(
      /^「金卡洗车」仅限金卡及以上会员兑换，您现在是银卡。换一个试试，或回复「取消」。\n您有 5,000 积分可用。/,
    );
    expect(texts(say(listed.session, '限量 车模！'))).toContain('「限量车模」已经兑完了。');
    expect(texts(say(listed.session, '月度香氛'))).toContain('「月度香氛」每月限兑 1 次，您已兑满。');
    expect(texts(say(listed.session, '四轮定位'))).toContain(
      '兑换「四轮定位」需要 8,000 积分，您还差 3,000 积分。',
    );
    expect(say(listed.session, '礼品1', '好').effects).toEqual([
      { type: 'redeem', rewardId: 'r1', requestId: 'chat:msg-1' },
    ]);
  });

  it('takes any reward id, even one that reads like a paging word', () => {
    const listed = withResult('兑换', catalogue([{ id: 'more', name: '更多好礼', cost: 100, hold: null }]));
    expect(say(listed.session, '1', '确认').effects).toEqual([
      { type: 'redeem', rewardId: 'more', requestId: 'chat:msg-1' },
    ]);
  });

  it('lists at most 8 held rewards, so the page stays one message', () => {
    const many = Array.from(
      { length: 11 },
      (_, i): OfferedReward => ({
        id: `h${i}`,
        name: `高级礼品${i}`,
        cost: 9_000 + i,
        hold: { kind: 'points', missing: 4_000 + i },
      }),
    );
    const page = texts(withResult('兑换', catalogue([ok(1), ...many])));
    expect(page).toContain('· 高级礼品7 — 9,007 积分（还差 4,007 积分）\n· ……另有 3 件\n回复序号选择。');
    expect(page).not.toContain('高级礼品8');
  });

  it('with nothing within reach lists what each needs and ends the flow with what to type', () => {
    const result = withResult('兑换', catalogue(held));
    expect(texts(result)).toMatch(
      /^您有 5,000 积分可用，暂时还没有能兑换的礼品。\n暂时换不了的礼品：\n· 金卡洗车/,
    );
    expect(texts(result)).toMatch(/回复「推荐」看看推荐有礼，「查积分」看您的积分。$/);
    expect(result.session.flow).toBeNull();
    expect(runStep(result.session, { type: 'text', text: '推荐' }, ctx, T0).effects).toEqual([
      { type: 'load_referral' },
    ]);
  });
});

describe('the friend’s welcome', () => {
  const deadline = new Date('2026-12-25T02:00:00Z');
  it('names the inviter as given (already masked), or just 朋友, and leaves out points that are 0', () => {
    const scan = (inviter: string | null, newMemberPoints: number, welcomeGift: boolean) =>
      welcomeCopy.referredScan({ inviter, newMemberPoints, welcomeGift, deadline }, 'Asia/Shanghai');
    expect(scan('李女士', 1_500, true)).toBe(
      '收到！您的朋友李女士邀请您加入会员。2026年12月25日前回复「入会」加入会员，除了入会礼，还能多得 1,500 积分推荐奖励。',
    );
    // No welcome gift in the program: none is promised.
    expect(scan('李女士', 1_500, false)).toBe(
      '收到！您的朋友李女士邀请您加入会员。2026年12月25日前回复「入会」加入会员，可得 1,500 积分推荐奖励。',
    );
    expect(scan(null, 0, true)).toBe('收到！您的朋友邀请您加入会员。回复「入会」即可加入会员，领取入会礼。');
    expect(scan(null, 0, false)).toBe('收到！您的朋友邀请您加入会员。回复「入会」即可加入会员。');
    const joined = signupCopy.welcome(
      { ok: true, welcomePoints: 1_000, referralPoints: 500, inviter: '138****5678', voucher: null },
      '何先生',
      'Asia/Shanghai',
    );
    expect(joined).toContain('已送您入会礼 1,000 积分、推荐奖励 500 积分。感谢朋友 138****5678 的邀请！');
    expect(
      runStep(null, { type: 'text', text: '入会' }, { ...ctx, member: null }, T0).session.flow?.flowId,
    ).toBe('signup');
  });
});
