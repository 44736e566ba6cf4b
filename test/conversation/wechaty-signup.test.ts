import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { ReferralRecord } from '../../src/data/models/referral-model';
import { balanceOf } from '../helpers/member-points';
import {
  randomMobile,
  type SimulatorChat,
  signUpInChat,
  startSimulatorChat,
} from '../helpers/simulator-chat';

/**
 * 入会 and the welcome on follow, as a member types them through Wechaty (simulator puppet → bot →
 * conversation plugin → conversation service): happy path with a referral scene, synonyms and
 * typos, every invalid answer, cancelling, interrupting and resuming, timing out, two at once, and
 * no taking over someone else's mobile without its code.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

const db = () => chat.api.runtime.services.db;
const referralsOf = (referrerMemberId: string) =>
  db().membership.referrals.find({ referrerMemberId }).lean<ReferralRecord[]>();
const sessionExists = async (key: string) =>
  (await chat.api.runtime.redis.exists(chat.sessionKey(key))) === 1;

describe('welcome on follow', () => {
  it('a friend follows through a referral QR, is welcomed, joins (rh) and both get their points', async () => {
    const referrer = await chat.insertMember(chat.newKey('ref'), { name: '王小明' });
    const friend = chat.newKey('friend');
    const welcome = await chat.follow(friend, `ref_${referrer.referralCode}`);
    // Who invited them, masked (the surname only), the window's end and the points.
    expect(welcome).toContain(
      '欢迎关注！您的朋友王**邀请您加入车主会员俱乐部。2026年12月25日前回复「入会」加入会员，除了入会礼，还能多得 500 积分推荐奖励。',
    );
    expect(welcome).not.toContain('小明');
    expect(welcome).not.toContain(referrer.mobile!.slice(3, 7));
    expect(welcome).toContain('1 查积分');
    const [opened] = await referralsOf(referrer._id);
    expect(opened).toMatchObject({ status: 'opened', code: referrer.referralCode });

    const mobile = randomMobile();
    expect(await chat.say(friend, 'rh')).toContain('先告诉我怎么称呼您');
    expect(await chat.say(friend, '  张先生 ')).toContain('张先生您好！请输入您的手机号');
    expect(await chat.say(friend, `+86 ${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`)).toBe(
      `验证码已发送到 ${mobile.slice(0, 3)}****${mobile.slice(7)}，5 分钟内有效。\n请回复短信里的验证码。没收到的话，稍等一会儿回复「重发」。`,
    );
    expect(await chat.say(friend, await chat.smsCode(mobile))).toContain('《会员隐私政策》');
    expect(await chat.say(friend, '同意')).toContain('要不要接收节日活动和会员优惠消息');
    expect(await chat.say(friend, '好的')).toContain('您的生日是哪天');
    expect(await chat.say(friend, '1990年5月20日')).toContain('您的车牌号是');
    const joined = await chat.say(friend, '粤B D12345');
    expect(joined).toContain('入会成功，欢迎您，张先生！');
    expect(joined).toContain('已送您入会礼 1,000 积分、推荐奖励 500 积分。感谢朋友王**的邀请！');
    expect(joined).toContain('还有一张「免费基础保养券」，2026年12月25日前到店使用。');

    const member = (await chat.member(friend))!;
    expect(member).toMatchObject({
      name: '张先生',
      mobile,
      birthday: { month: 5, day: 20 },
      marketingConsent: true,
    });
    expect(member.vehicles[0]?.plate).toBe('粤BD12345');
    expect(await balanceOf(db(), member._id, chat.api.now())).toBe(1_500);
    expect(await balanceOf(db(), referrer._id, chat.api.now())).toBe(500);
    const [referral] = await referralsOf(referrer._id);
    expect(referral).toMatchObject({ status: 'joined', newcomerMemberId: member._id });
    // Joined: the welcome is for members now, and 入会 says so.
    expect(await chat.follow(friend, null)).toContain('张先生，欢迎回来！');
    expect(await chat.say(friend, '入会')).toBe('您已经是会员了。回复「查积分」看看您的积分吧。');
  });

  it('follows without a scene or with an unknown one record no referral; a scan by a follower does', async () => {
    const referrer = await chat.insertMember(chat.newKey('ref'));
    expect(await chat.follow(chat.newKey('plain'), null)).toContain('回复「入会」即可加入会员');
    expect(await chat.follow(chat.newKey('odd'), 'ref_NOSUCHCODE')).toContain('回复「入会」即可加入会员');
    expect(await chat.follow(chat.newKey('odd'), 'spring_poster')).toContain('回复「入会」即可加入会员');
    expect(await referralsOf(referrer._id)).toEqual([]);

    const follower = chat.newKey('follower');
    await chat.follow(follower, null);
    chat.advance(3 * 86_400_000);
    // The referrer's name is no person's name (会员N): the masked mobile stands for them.
    const masked = `${referrer.mobile!.slice(0, 3)}****${referrer.mobile!.slice(7)}`;
    expect(await chat.act(follower, { type: 'scan', scene: `ref_${referrer.referralCode}` })).toBe(
      `收到！您的朋友 ${masked} 邀请您加入会员。2026年12月28日前回复「入会」加入会员，除了入会礼，还能多得 500 积分推荐奖励。`,
    );
    expect(await referralsOf(referrer._id)).toHaveLength(1);
    // A later scan keeps the first open's window.
    chat.advance(2 * 86_400_000);
    expect(await chat.act(follower, { type: 'scan', scene: `ref_${referrer.referralCode}` })).toContain(
      '2026年12月28日前回复「入会」',
    );
    expect(await referralsOf(referrer._id)).toHaveLength(1);
  });

  it('a member scanning their own code is welcomed back, and no referral is opened', async () => {
    const key = chat.newKey('self');
    const member = await chat.insertMember(key, { name: '陈女士' });
    expect(await chat.act(key, { type: 'scan', scene: `ref_${member.referralCode}` })).toContain(
      '陈女士，欢迎回来！',
    );
    expect(await referralsOf(member._id)).toEqual([]);
  });
});

describe('入会', () => {
  it('starts from synonyms, sentences, a typo and the menu number; a guest asking for points is sent here', async () => {
    for (const words of ['注册', '我想办会员', '加入会员', '入回', '6', 'ZC']) {
      const key = chat.newKey('syn');
      expect(await chat.say(key, words), words).toContain('先告诉我怎么称呼您');
    }
    const guest = chat.newKey('guest');
    expect(await chat.say(guest, '查积分')).toBe('这项服务需要先入会。回复「入会」，一分钟就能加入。');
    expect(await chat.act(guest, { type: 'menu_click', key: 'MENU_SIGNUP' })).toContain('先告诉我怎么称呼您');
  });

  it('re-asks every invalid answer with its reason, and creates nothing until the end', async () => {
    const key = chat.newKey('typo');
    const mobile = randomMobile();
    await chat.say(key, '入会');
    expect(await chat.say(key, '王'.repeat(21))).toBe(
      '称呼应为 1–20 个字。请再试一次：\n欢迎加入车主会员！先告诉我怎么称呼您？（例如：王先生、李女士）',
    );
    await chat.say(key, '王女士');
    for (const wrong of ['12812345678', '1381234567', '138123456789', '手机号']) {
      expect(await chat.say(key, wrong), wrong).toContain(
        '手机号应为 11 位中国大陆手机号，例如 13812345678。请再试一次：\n王女士您好！请输入您的手机号',
      );
    }
    await chat.say(key, mobile);
    expect(await chat.say(key, 'abc')).toContain('验证码是短信里的几位数字。请再试一次');
    const code = await chat.smsCode(mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      expect(await chat.say(key, wrong)).toContain(`验证码不对，还可以再试 ${left} 次。`);
    }
    // The fifth wrong guess ends the code: even the right one no longer works.
    expect(await chat.say(key, wrong)).toContain(
      '错误次数太多，这个验证码已作废。请回复「重发」获取新的验证码。',
    );
    expect(await chat.say(key, code)).toContain('验证码已失效');
    expect(await chat.say(key, '重发')).toContain('验证码刚发过，请');
    chat.advance(61_000);
    expect(await chat.say(key, '重新发送')).toContain('验证码已发送到');
    const fresh = await chat.smsCode(mobile);
    // A code past its 5 minutes.
    chat.advance(5 * 60_000 + 1_000);
    expect(await chat.say(key, fresh)).toContain('验证码已失效，请回复「重发」获取新的验证码。');
    await chat.say(key, '重发');
    expect(await chat.say(key, await chat.smsCode(mobile))).toContain('《会员隐私政策》');

    expect(await chat.say(key, '不同意')).toContain(
      '须同意隐私政策才能入会。回复「同意」继续，或回复「取消」放弃。',
    );
    await chat.say(key, '同意');
    expect(await chat.say(key, '看情况')).toContain('请回复「要」或「不要」。请再试一次');
    await chat.say(key, '不要');
    for (const bad of ['2030-01-01', '02-30', '明年']) {
      expect(await chat.say(key, bad), bad).toContain('生日应为真实日期，例如 1990-05-20 或 05-20。');
    }
    await chat.say(key, '跳过');
    for (const bad of ['沪A1234', 'ABC12345', '沪']) {
      expect(await chat.say(key, bad), bad).toContain('车牌号格式不正确，例如 沪A12345 或 粤BD12345。');
    }
    expect(await chat.member(key)).toBeNull();
    expect(await chat.say(key, '不填')).toContain('入会成功，欢迎您，王女士！');
    const member = (await chat.member(key))!;
    expect(member).toMatchObject({ mobile, birthday: null, marketingConsent: false, vehicles: [] });
    expect(await sessionExists(key)).toBe(false);
  });

  it('取消 / 算了 / 退出 end it at any step and leave nothing behind', async () => {
    const steps = [
      ['入会', '取消'],
      ['入会', '刘先生', '算了'],
      ['入会', '刘先生', randomMobile(), '退出'],
    ];
    for (const lines of steps) {
      const key = chat.newKey('cancel');
      let last = '';
      for (const line of lines) last = await chat.say(key, line);
      expect(last).toBe('好的，已取消。回复「菜单」看看还能做什么。');
      expect(await sessionExists(key)).toBe(false);
      expect(await chat.member(key)).toBeNull();
      expect(await chat.say(key, '取消')).toBe('现在没有进行中的操作。回复「菜单」看看我能做什么。');
    }
    // A code typed after cancelling is not an answer to anything any more.
    const key = chat.newKey('cancel');
    const mobile = randomMobile();
    for (const line of ['入会', '刘先生', mobile, '算了']) await chat.say(key, line);
    expect(await chat.say(key, await chat.smsCode(mobile))).toContain('回复数字即可');
    expect(await chat.member(key)).toBeNull();
  });

  it('帮助 and 人工 interrupt, 继续 resumes where it was, 返回 goes back a step', async () => {
    const key = chat.newKey('resume');
    await chat.say(key, '入会');
    await chat.say(key, '赵女士');
    const help = await chat.say(key, '帮助');
    expect(help).toContain('您好！您还不是会员，回复「入会」即可加入');
    expect(help).toContain('刚才的「入会」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toBe(
      '赵女士您好！请输入您的手机号，我们会发一条短信验证码确认是您本人。',
    );
    const human = await chat.say(key, '人工');
    expect(human).toContain('需要人工服务的话，可以直接联系本店：\n电话：400-800-1234');
    expect(human).toContain('刚才的「入会」还没完成');
    await chat.say(key, '继续');
    const mobile = randomMobile();
    expect(await chat.say(key, mobile)).toContain('验证码已发送到');
    expect(await chat.say(key, '返回')).toBe(
      '赵女士您好！请输入您的手机号，我们会发一条短信验证码确认是您本人。',
    );
    await chat.say(key, '返回');
    expect(await chat.say(key, '赵小姐')).toContain('赵小姐您好');
    chat.advance(61_000);
    await chat.say(key, mobile);
    expect(await chat.say(key, await chat.smsCode(mobile))).toContain('《会员隐私政策》');
    for (const line of ['同意', '不要', '跳过']) await chat.say(key, line);
    expect(await chat.say(key, '跳过')).toContain('入会成功，欢迎您，赵小姐！');
  });

  it('times out after 10 idle minutes politely, without taking the late answer; an expired session forgets it', async () => {
    const key = chat.newKey('late');
    const mobile = randomMobile();
    await chat.say(key, '入会');
    await chat.say(key, '孙先生');
    chat.advance(10 * 60_000 + 1_000);
    const late = await chat.say(key, mobile);
    expect(late).toContain('上次的操作已超时，已为您取消。需要的话可以重新开始。');
    expect(late).not.toContain('验证码已发送');
    await expect(chat.smsCode(mobile)).rejects.toThrow(/no dev SMS code/);

    // Redis dropped the session (its key outlived the 10 minutes by 20, then expired).
    const other = chat.newKey('late');
    await chat.say(other, '入会');
    await chat.api.runtime.redis.pexpire(chat.sessionKey(other), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await chat.say(other, '周先生')).toContain('回复数字即可');
    // Only the offered choices are kept; the expired sign-up is gone.
    const kept = JSON.parse((await chat.api.runtime.redis.get(chat.sessionKey(other)))!) as { flow: unknown };
    expect(kept.flow).toBeNull();
  });

  it('two people sign up at once, each with their own code and record', async () => {
    const people = [
      { key: chat.newKey('pair'), name: '吴先生', mobile: randomMobile() },
      { key: chat.newKey('pair'), name: '郑女士', mobile: randomMobile() },
    ];
    const welcomes = await Promise.all(people.map((person) => signUpInChat(chat, person.key, person)));
    expect(welcomes[0]).toContain('入会成功，欢迎您，吴先生！');
    expect(welcomes[1]).toContain('入会成功，欢迎您，郑女士！');
    const members = await Promise.all(people.map((person) => chat.member(person.key)));
    expect(members.map((member) => member?.mobile)).toEqual(people.map((person) => person.mobile));
  });

  it('nobody takes over a member’s mobile without its code; with it, the new WeChat user is re-linked', async () => {
    const ownerKey = chat.newKey('owner');
    const owner = await chat.insertMember(ownerKey, { name: '林先生' });
    const intruder = chat.newKey('intruder');
    for (const line of ['入会', '冒充者', owner.mobile!]) await chat.say(intruder, line);
    const code = await chat.smsCode(owner.mobile!);
    const guesses = ['000001', '000002', '000003', '000004', '000005', '000006'].filter(
      (guess) => guess !== code,
    );
    for (const guess of guesses.slice(0, 5)) await chat.say(intruder, guess);
    expect(await chat.say(intruder, code)).toContain('验证码已失效');
    expect(await chat.member(intruder)).toBeNull();
    const kept = await db().members.findById(owner._id).lean<MemberRecord>();
    expect(kept?.openid).toBe(chat.userId(ownerKey));

    // The owner on a new WeChat account, with the code of their own phone.
    const newPhone = chat.newKey('owner-new');
    chat.advance(61_000);
    for (const line of ['入会', '林先生', owner.mobile!]) await chat.say(newPhone, line);
    // Right after the code: nothing an existing member gave before is asked again.
    const relinked = await chat.say(newPhone, await chat.smsCode(owner.mobile!));
    expect(relinked).toContain('林先生，欢迎回来！您的会员已绑定到这个微信。');
    expect(relinked).not.toContain('隐私政策');
    expect((await chat.member(newPhone))?._id).toBe(owner._id);
  });
});
