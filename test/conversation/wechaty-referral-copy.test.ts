import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import {
  randomMobile,
  type SimulatorChat,
  signUpInChat,
  startSimulatorChat,
} from '../helpers/simulator-chat';

/**
 * 推荐有礼 under a program whose referral terms are not RULES.md's defaults, through Wechaty: the
 * answer gives this program's amounts, window, qualifying categories and yearly cap, and the
 * friend's welcome (follow, then sign-up) names the inviter masked and gives this program's points.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    referral: {
      newMemberPoints: 800,
      referrerOnSignupPoints: 300,
      referrerOnFirstQualifyingPoints: 1_500,
      windowDays: 14,
      maxRewardedPerMembershipYear: 1,
    },
    categories: {
      vehicle: { referralQualifying: false },
      repair: { referralQualifying: false },
    },
  }),
);

let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00', program });
});
afterAll(() => chat?.stop());

describe('推荐有礼 with the program’s own terms', () => {
  it('says what each side gets and when, then that the year’s places are used', async () => {
    const key = chat.newKey('referrer');
    const referrer = await chat.insertMember(key, { name: '欧阳娜娜' });
    const code = referrer.referralCode;
    expect(await chat.say(key, '推荐有礼')).toBe(
      [
        `您的推荐码：${code}`,
        '把下面的二维码或链接发给朋友。',
        '朋友扫码关注后 14 天内入会：',
        '· 朋友入会即得 800 积分（入会礼另送）',
        '· 朋友入会当天，您得 300 积分',
        '· 朋友首次到店保养，您再得 1,500 积分',
        '每个会员年最多奖励 1 位朋友，您本会员年已奖励 0 位。',
        '还没有朋友通过您加入，快分享给身边的车主吧。',
        '回复「明细」看奖励到账记录，「查积分」看余额。',
        `chezhu:link/ref_${code}`,
        `chezhu:qr/ref_${code}`,
      ].join('\n'),
    );

    const friend = chat.newKey('friend');
    const welcome = await chat.follow(friend, `ref_${code}`);
    expect(welcome).toContain(
      '欢迎关注！您的朋友欧阳**邀请您加入车主会员俱乐部。2026年12月9日前回复「入会」加入会员，除了入会礼，还能多得 800 积分推荐奖励。',
    );
    expect(welcome).not.toContain('娜娜');
    const joined = await signUpInChat(chat, friend, { name: '何女士', mobile: randomMobile() });
    expect(joined).toContain('已送您入会礼 1,000 积分、推荐奖励 800 积分。感谢朋友欧阳**的邀请！');

    const after = await chat.say(key, '推荐');
    expect(after).toContain(
      '每个会员年最多奖励 1 位朋友，您本会员年的名额已用完，朋友入会照样有奖励。\n已有 1 位朋友通过您加入，您共获得 300 积分。',
    );
    expect(await chat.say(key, '明细')).toContain('+300 积分');
  });

  it('a friend who signs up after the window gets no referral points and no thanks', async () => {
    const referrer = await chat.insertMember(chat.newKey('late-referrer'), { name: '赵先生' });
    const friend = chat.newKey('late-friend');
    expect(await chat.follow(friend, `ref_${referrer.referralCode}`)).toContain('您的朋友赵先生邀请您');
    chat.advance(15 * 86_400_000);
    const joined = await signUpInChat(chat, friend, { name: '钱先生', mobile: randomMobile() });
    expect(joined).toContain('已送您入会礼 1,000 积分。');
    expect(joined).not.toContain('推荐奖励');
    expect(joined).not.toContain('感谢');
  });
});
