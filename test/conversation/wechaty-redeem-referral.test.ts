import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgram } from '../../src/config/default-program';
import { balanceOf, givePoints } from '../helpers/member-points';
import {
  randomMobile,
  type SimulatorChat,
  signUpInChat,
  startSimulatorChat,
} from '../helpers/simulator-chat';

/**
 * 积分兑换 and 推荐有礼 through Wechaty (simulator puppet → bot → conversation): paging, choosing,
 * confirming, every way of saying no, interruptions, timeouts, a race for the last unit, and the
 * referral link with the friends who joined through it.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

const db = () => chat.api.runtime.services.db;
const redemptionsOf = (memberId: string) => db().redemptions.countDocuments({ memberId });

async function memberWithPoints(key: string, points: number, tierCode = 'bronze') {
  const member = await chat.insertMember(key);
  await givePoints(db(), defaultProgram, member._id, points, chat.api.now());
  if (tierCode !== 'bronze')
    await db().members.updateOne({ _id: member._id }, { $set: { 'tier.tierCode': tierCode } });
  return member;
}

/** The number a catalogue page gives a reward (the catalogue is sorted by cost). */
function numberOf(page: string, rewardName: string): string {
  const match = new RegExp(`(\\d+)\\. ${rewardName} — `).exec(page);
  if (!match) throw new Error(`「${rewardName}」 is not on the page:\n${page}`);
  return match[1]!;
}

describe('积分兑换', () => {
  it('pages the catalogue, confirms and issues a voucher code (from any of its names)', async () => {
    const key = 'redeem-happy';
    const member = await memberWithPoints(key, 40_000, 'diamond');
    const first =
      '您有 40,000 积分可用。可兑换的礼品：\n1. 免费洗车 — 1,500 积分\n2. 品牌车载香氛 — 3,000 积分';
    for (const words of ['兑换', '积分兑换', 'dh', '积分能换什么', '4']) {
      const page = await chat.say(key, words);
      expect(page, words).toContain(first);
      expect(page, words).toContain('5. 四轮定位 — 8,000 积分\n回复序号选择，回复「下一页」看更多。');
      await chat.say(key, '取消');
    }
    expect(await chat.act(key, { type: 'menu_click', key: 'MENU_REDEEM' })).toContain(first);
    expect(await chat.say(key, '下一页')).toBe(
      '您有 40,000 积分可用。可兑换的礼品：\n6. 钻石专享 机场接送 — 30,000 积分\n回复序号选择。',
    );
    expect(await chat.say(key, '更多')).toContain(first);
    expect(await chat.say(key, '1')).toBe('确认用 1,500 积分兑换「免费洗车」吗？回复「确认」或「不了」。');
    const done = await chat.say(key, '确认');
    expect(done).toMatch(
      /^兑换成功！「免费洗车」券码：[A-Z0-9]{8}\n2026年12月25日前到店出示券码即可使用。剩余 38,500 积分。$/,
    );
    const code = /券码：([A-Z0-9]{8})/.exec(done)![1];
    const vouchers = await chat.api.runtime.services.vouchers.listForMember(member._id, 'issued');
    expect(vouchers.map((voucher) => [voucher.code, voucher.name])).toEqual([[code, '免费洗车']]);
    expect(await balanceOf(db(), member._id, chat.api.now())).toBe(38_500);
    expect(await redemptionsOf(member._id)).toBe(1);
  });

  it('lists what a member can redeem now first, the rest apart with what each is missing', async () => {
    const key = 'redeem-short';
    await memberWithPoints(key, 5_500);
    expect(await chat.say(key, '兑换')).toBe(
      [
        '您有 5,500 积分可用。可兑换的礼品：',
        '1. 免费洗车 — 1,500 积分',
        '2. 品牌车载香氛 — 3,000 积分',
        '3. ¥50 保养抵扣券 — 5,000 积分',
        '暂时换不了的礼品：',
        '· 空调滤芯更换 — 6,000 积分（还差 500 积分）',
        '· 四轮定位 — 8,000 积分（还差 2,500 积分）',
        '· 钻石专享 机场接送 — 30,000 积分（钻石卡专享）',
        '回复序号选择。',
      ].join('\n'),
    );
    // Held rewards have no number; by name they are answered with what they need.
    expect(await chat.say(key, '4')).toContain('请回复礼品前面的序号。请再试一次：');
    expect(await chat.say(key, '四轮定位')).toContain(
      '兑换「四轮定位」需要 8,000 积分，您还差 2,500 积分。换一个试试，或回复「取消」。\n您有 5,500 积分可用。',
    );
    expect(await chat.say(key, '钻石专享 机场接送')).toContain(
      '「钻石专享 机场接送」仅限钻石卡会员兑换，您现在是铜卡。换一个试试，或回复「取消」。',
    );
    expect(await chat.say(key, '品牌车载香氛')).toBe(
      '确认用 3,000 积分兑换「品牌车载香氛」吗？回复「确认」或「不了」。',
    );
    await chat.say(key, '取消');

    // A gold member with the points still lacks the tier of the diamond reward.
    const gold = 'redeem-gold';
    const member = await memberWithPoints(gold, 31_000, 'gold');
    const page = await chat.say(gold, '兑换');
    expect(page).toContain(
      '5. 四轮定位 — 8,000 积分\n暂时换不了的礼品：\n· 钻石专享 机场接送 — 30,000 积分（钻石卡专享）\n回复序号选择。',
    );
    expect(await chat.say(gold, '钻石专享机场接送')).toContain('仅限钻石卡会员兑换，您现在是金卡。');
    expect(await redemptionsOf(member._id)).toBe(0);

    // Nothing within reach: the list says what each needs and the flow ends with what to do.
    const poor = 'redeem-poor';
    await memberWithPoints(poor, 800);
    const nothing = await chat.say(poor, '兑换');
    expect(nothing).toMatch(
      /^您有 800 积分可用，暂时还没有能兑换的礼品。\n暂时换不了的礼品：\n· 免费洗车 — 1,500 积分（还差 700 积分）\n/,
    );
    expect(nothing).toMatch(
      /\n到店消费、推荐朋友都能攒积分。回复「推荐」看看推荐有礼，「查积分」看您的积分。$/,
    );
    expect(await chat.say(poor, '推荐')).toContain('您的推荐码：');
    expect(await chat.say(poor, '查积分')).toContain('您现在有 800 积分可用。');
  });

  it('re-asks a bad choice, says how many points are missing, and takes 不了 for no', async () => {
    const key = 'redeem-bad';
    const member = await memberWithPoints(key, 2_000);
    await chat.say(key, '兑换');
    // 「兑换」 again restarts the list (test/conversation/wechaty-edges.test.ts).
    for (const bad of ['0', '2', '99', '第一个']) {
      expect(await chat.say(key, bad), bad).toContain(
        '请回复礼品前面的序号。请再试一次：\n您有 2,000 积分可用。',
      );
    }
    expect(await chat.say(key, '品牌车载香氛')).toContain(
      '兑换「品牌车载香氛」需要 3,000 积分，您还差 1,000 积分。换一个试试，或回复「取消」。\n您有 2,000 积分可用。',
    );
    await chat.say(key, '1');
    expect(await chat.say(key, '再想想')).toContain('请回复「确认」或「不了」。请再试一次：');
    expect(await chat.say(key, '不了')).toBe('好的，这次先不兑换。回复「兑换」可以再看看。');
    expect(await redemptionsOf(member._id)).toBe(0);
    expect(await balanceOf(db(), member._id, chat.api.now())).toBe(2_000);
  });

  it('a tier raised by staff meanwhile, and points spent meanwhile, are refused after 确认', async () => {
    const rich = 'redeem-tier';
    const richMember = await memberWithPoints(rich, 40_000);
    const rewardId = `tiered-${randomBytes(3).toString('hex')}`;
    const created = await chat.api.post(
      '/api/v1/rewards',
      { id: rewardId, name: '会员定制车模', cost: 1_000, validityDays: 30 },
      'marketing',
    );
    expect(created.status).toBe(201);
    const page = await chat.say(rich, '兑换');
    await chat.say(rich, numberOf(page, '会员定制车模'));
    const patched = await chat.api.patch(`/api/v1/rewards/${rewardId}`, { minTier: 'gold' }, 'marketing');
    expect(patched.status).toBe(200);
    expect(await chat.say(rich, '确认')).toBe(
      '这次没有兑换成功：这个礼品需要更高的会员等级。回复「兑换」换一个试试。',
    );
    expect(await redemptionsOf(richMember._id)).toBe(0);
    expect(await chat.say(rich, '兑换')).toContain('· 会员定制车模 — 1,000 积分（金卡及以上）');
    await chat.say(rich, '取消');
    // Withdrawn for everyone else's tests.
    await chat.api.patch(`/api/v1/rewards/${rewardId}`, { active: false }, 'marketing');

    const key = 'redeem-spent';
    const member = await memberWithPoints(key, 2_000);
    await chat.say(key, '兑换');
    await chat.say(key, '1');
    // At the counter, meanwhile, staff redeem the same points for them.
    const counter = await chat.api.post(
      `/api/v1/members/${member._id}/redemptions`,
      { rewardId: 'car-wash', requestId: `counter-${randomBytes(4).toString('hex')}` },
      'store',
    );
    expect(counter.status).toBe(201);
    expect(await chat.say(key, '确认')).toBe('积分不够，还差 1,000 积分。回复「兑换」换一个试试。');
    expect(await redemptionsOf(member._id)).toBe(1);
  });

  it('算了 at the confirmation redeems nothing; a late 确认 after a timeout neither', async () => {
    const key = 'redeem-cancel';
    const member = await memberWithPoints(key, 5_000);
    await chat.say(key, '兑换');
    await chat.say(key, '1');
    expect(await chat.say(key, '算了')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    // Not an answer any more: a numbered choice of what they might mean, nothing redeemed.
    expect(await chat.say(key, '确认')).toContain('回复数字即可');

    await chat.say(key, '兑换');
    await chat.say(key, '1');
    chat.advance(11 * 60_000);
    const late = await chat.say(key, '确认');
    expect(late).toContain('上次的操作已超时，已为您取消。');
    expect(late).not.toContain('兑换成功');
    expect(await redemptionsOf(member._id)).toBe(0);
    expect(await balanceOf(db(), member._id, chat.api.now())).toBe(5_000);
  });

  it('查积分 interrupts the confirmation and 继续 comes back to it', async () => {
    const key = 'redeem-resume';
    const member = await memberWithPoints(key, 5_000);
    await chat.say(key, '兑换');
    await chat.say(key, '2');
    const interrupted = await chat.say(key, '查积分');
    expect(interrupted).toContain('您现在有 5,000 积分可用。');
    expect(interrupted).toContain('刚才的「积分兑换」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toBe(
      '确认用 3,000 积分兑换「品牌车载香氛」吗？回复「确认」或「不了」。',
    );
    expect(await chat.say(key, '好')).toContain('兑换成功！「品牌车载香氛」');
    expect(await balanceOf(db(), member._id, chat.api.now())).toBe(2_000);
  });

  it('two members confirming the last unit at once: one voucher, the other told it is gone', async () => {
    const rewardId = `last-${randomBytes(3).toString('hex')}`;
    const created = await chat.api.post(
      '/api/v1/rewards',
      { id: rewardId, name: '限量车模', cost: 100, validityDays: 30, stock: 1 },
      'marketing',
    );
    expect(created.status).toBe(201);
    const keys = ['redeem-race-a', 'redeem-race-b'];
    const members = await Promise.all(keys.map((key) => memberWithPoints(key, 1_000)));
    for (const key of keys) {
      const page = await chat.say(key, '兑换');
      await chat.say(key, numberOf(page, '限量车模'));
    }
    const answers = await Promise.all(keys.map((key) => chat.say(key, '确认')));
    expect(answers.filter((answer) => answer.startsWith('兑换成功！「限量车模」'))).toHaveLength(1);
    expect(answers.filter((answer) => answer.includes('这个礼品已经兑完了'))).toHaveLength(1);
    const counts = await Promise.all(
      members.map((member) => db().vouchers.countDocuments({ memberId: member._id, rewardId })),
    );
    expect(counts.sort()).toEqual([0, 1]);
    expect((await chat.api.runtime.services.rewards.get(rewardId))?.stock).toBe(0);
    // Out of stock: listed apart, not selectable; by name it says so.
    const other = 'redeem-race-c';
    await memberWithPoints(other, 2_000);
    const after = await chat.say(other, '兑换');
    expect(after).toMatch(
      /^您有 2,000 积分可用。可兑换的礼品：\n1\. 免费洗车 — 1,500 积分\n暂时换不了的礼品：\n/,
    );
    expect(after).toContain('\n· 限量车模 — 100 积分（已兑完）\n');
    expect(after).not.toMatch(/\d+\. 限量车模/);
    expect(await chat.say(other, '限量车模')).toContain(
      '「限量车模」已经兑完了。换一个试试，或回复「取消」。',
    );
  });
});

describe('推荐有礼', () => {
  it('gives the code, link and QR from any of its names, then counts the friend who joined', async () => {
    const key = 'referrer';
    const member = await chat.insertMember(key, { name: '周先生' });
    const code = member.referralCode;
    expect(await chat.say(key, '推荐')).toBe(
      [
        `您的推荐码：${code}`,
        '把下面的二维码或链接发给朋友。',
        '朋友扫码关注后 30 天内入会：',
        '· 朋友入会即得 500 积分（入会礼另送）',
        '· 朋友入会当天，您得 500 积分',
        '· 朋友首次到店购车、保养或维修，您再得 2,000 积分',
        '每个会员年最多奖励 20 位朋友，您本会员年已奖励 0 位。',
        '还没有朋友通过您加入，快分享给身边的车主吧。',
        '回复「明细」看奖励到账记录，「查积分」看余额。',
        `chezhu:link/ref_${code}`,
        `chezhu:qr/ref_${code}`,
      ].join('\n'),
    );
    for (const words of ['推荐有礼', '邀请好友', 'tj', '我的二维码', '5']) {
      const reply = await chat.say(key, words);
      expect(reply, words).toContain(`您的推荐码：${code}\n把下面的二维码或链接发给朋友`);
      expect(reply, words).toContain('还没有朋友通过您加入，快分享给身边的车主吧。');
      expect(reply, words).toContain(`\nchezhu:link/ref_${code}\nchezhu:qr/ref_${code}`);
    }
    expect(await chat.act(key, { type: 'menu_click', key: 'MENU_REFERRAL' })).toContain(
      `您的推荐码：${code}`,
    );

    const friend = 'referred-friend';
    expect(await chat.follow(friend, `ref_${code}`)).toContain(
      '欢迎关注！您的朋友周先生邀请您加入车主会员俱乐部。2026年12月25日前回复「入会」加入会员，除了入会礼，还能多得 500 积分推荐奖励。\n1 查积分',
    );
    expect(await signUpInChat(chat, friend, { name: '何先生', mobile: randomMobile() })).toContain(
      '已送您入会礼 1,000 积分、推荐奖励 500 积分。感谢朋友周先生的邀请！',
    );
    const after = await chat.say(key, '推荐');
    expect(after).toContain('您本会员年已奖励 1 位。\n已有 1 位朋友通过您加入，您共获得 500 积分。');
    // The words the answer gives lead where it says.
    expect(await chat.say(key, '明细')).toContain('最近的积分变化：');
    expect(await chat.say(key, '查积分')).toContain('您现在有 500 积分可用。');
    expect(await chat.say(chat.newKey('guest'), '推荐有礼')).toBe(
      '这项服务需要先入会。回复「入会」，一分钟就能加入。',
    );
  });

  it('two members asking at once each get their own code', async () => {
    const keys = ['referrer-a', 'referrer-b'];
    const members = await Promise.all(keys.map((key) => chat.insertMember(key)));
    const replies = await Promise.all(keys.map((key) => chat.say(key, '邀请')));
    replies.forEach((reply, i) => {
      expect(reply).toContain(`您的推荐码：${members[i]!.referralCode}`);
      expect(reply).not.toContain(members[1 - i]!.referralCode);
    });
  });
});
