import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundContent } from '../../src/channels/inbound-message';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { ReferralRecord } from '../../src/data/models/referral-model';
import { createLogger } from '../../src/lib/logger';
import { ConversationService } from '../../src/services/conversation-service';
import { DevSmsSender, readDevSmsCode } from '../../src/services/sms/dev-sms-sender';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

let api: ApiHarness;
let redis: Redis;
let conversations: ConversationService;
/** A second instance over the same Redis and database: another process, as far as locks go. */
let otherProcess: ConversationService;
let sequence = 0;

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  redis = new Redis(api.runtime.redisUrl);
  const logger = createLogger('silent');
  const smsSender = new DevSmsSender(redis, logger);
  conversations = new ConversationService({ services: api.runtime.services, redis, smsSender });
  otherProcess = new ConversationService({ services: api.runtime.services, redis, smsSender });
});

afterAll(async () => {
  redis?.disconnect();
  await api?.stop();
});

function inbound(userId: string, content: InboundContent, id = `msg:${++sequence}`) {
  return {
    id,
    channel: 'simulator' as const,
    accountId: 'gh_test',
    userId,
    channelMessageId: null,
    sentAt: api.now().toISOString(),
    content,
  };
}

/** The member says a line; the replies come back as one text. */
async function say(userId: string, text: string, service = conversations): Promise<string> {
  const replies = await service.handle(inbound(userId, { type: 'text', text }));
  return replies.map((reply) => reply.text).join('\n');
}

const newUser = () => `o_${randomBytes(8).toString('hex')}`;
const memberByOpenid = (openid: string) =>
  api.runtime.services.db.members.findOne({ openid }).lean<MemberRecord>();

describe('conversation transcripts (real Redis, embedded MongoDB)', () => {
  const friend = newUser();
  const mobile = '13912340001';
  let referrer: MemberRecord;

  it('a new WeChat user follows through a referral scene and is welcomed', async () => {
    referrer = await api.insertMember();
    const replies = await conversations.handle(
      inbound(friend, { type: 'follow', scene: `ref_${referrer.referralCode}` }),
    );
    expect(replies[0]?.text).toContain('邀请您加入车主会员俱乐部。2026年12月25日前回复「入会」加入会员');
    const open = await api.runtime.services.db.membership.referrals
      .findOne({ referrerMemberId: referrer._id })
      .lean<ReferralRecord>();
    expect(open?.status).toBe('opened');
  });

  it('signs up with the dev SMS code (a wrong code first, typos and skips on the way)', async () => {
    expect(await say(friend, '我想入会')).toContain('怎么称呼您');
    expect(await say(friend, '王先生')).toContain('王先生您好！请输入您的手机号');
    expect(await say(friend, '1391234')).toContain('手机号应为 11 位中国大陆手机号');
    expect(await say(friend, mobile)).toContain('验证码已发送到 139****0001');
    const code = await readDevSmsCode(redis, mobile);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await say(friend, wrong)).toContain('验证码不对，还可以再试 4 次');
    expect(await say(friend, '重发')).toContain('验证码刚发过，请 60 秒后再回复「重发」');
    expect(await say(friend, code!)).toContain('《会员隐私政策》');
    expect(await say(friend, '好')).toContain('节日活动和会员优惠消息');
    expect(await say(friend, '不要')).toContain('您的生日是哪天');
    expect(await say(friend, '13月40日')).toContain('生日应为真实日期');
    expect(await say(friend, '跳过')).toContain('车牌号');
    const welcome = await say(friend, '沪a12345');
    expect(welcome).toContain('入会成功，欢迎您，王先生！');
    expect(welcome).toContain('入会礼 1,000 积分、推荐奖励 500 积分');
    expect(welcome).toContain('免费基础保养券');
    expect(welcome).toContain('2026年12月25日前到店使用');

    const member = await memberByOpenid(friend);
    expect(member?.mobile).toBe(mobile);
    expect(member?.vehicles[0]?.plate).toBe('沪A12345');
    expect(member?.marketingConsent).toBe(false);
    expect(member?.consents.find((consent) => consent.kind === 'privacy')?.channel).toBe('chat');
  });

  it('asks 查积分 (with a typo), 明细 and 为什么', async () => {
    const balance = await say(friend, '积份');
    expect(balance).toContain('您现在有 1,500 积分可用');
    expect(balance).toContain('会员等级：');
    expect(balance).toContain('可用券：免费基础保养券');
    const history = await say(friend, '明细');
    expect(history).toContain('入会礼 +1,000 积分');
    expect(history).toContain('推荐有礼 +500 积分');
    expect(history).toContain('2026年11月25日');
    expect(await say(friend, '为什么')).toMatch(/最近一笔是 2026年11月25日 \+(1,000|500) 积分/);
  });

  it('opts out of marketing with 退订, recorded as a consent withdrawal', async () => {
    expect(await say(friend, '退订')).toContain('已为您退订活动和优惠消息');
    const member = await memberByOpenid(friend);
    expect(member?.marketingOptOut).toBe(true);
    expect(member?.consents.at(-1)).toMatchObject({ kind: 'marketing', granted: false, channel: 'chat' });
    expect(await say(friend, 'TD')).toContain('您已经退订过活动消息了');
  });

  it('redeems a reward for a voucher code; a re-delivered confirmation redeems once', async () => {
    const page = await say(friend, '兑换');
    expect(page).toContain('您有 1,500 积分可用');
    expect(page).toContain(
      '1. 免费洗车 — 1,500 积分\n暂时换不了的礼品：\n· 品牌车载香氛 — 3,000 积分（还差 1,500 积分）',
    );
    expect(await say(friend, '品牌车载香氛')).toContain('您还差 1,500 积分');
    expect(await say(friend, '1')).toContain('确认用 1,500 积分兑换「免费洗车」吗');
    const confirm = inbound(friend, { type: 'text', text: '确认' });
    const [done] = await conversations.handle(confirm);
    expect(done?.text).toMatch(/兑换成功！「免费洗车」券码：[A-Z0-9]+/);
    expect(done?.text).toContain('剩余 0 积分');
    expect(await conversations.handle(confirm)).toEqual([done]);
    const member = await memberByOpenid(friend);
    const redemptions = await api.runtime.services.db.redemptions.countDocuments({ memberId: member!._id });
    expect(redemptions).toBe(1);
  });

  it('shares the referral code with a QR placeholder', async () => {
    const replies = await conversations.handle(inbound(friend, { type: 'menu_click', key: 'MENU_REFERRAL' }));
    const member = await memberByOpenid(friend);
    expect(replies[0]?.text).toContain(`您的推荐码：${member!.referralCode}`);
    expect(replies[0]?.imageUrl).toBe(`chezhu:qr/ref_${member!.referralCode}`);
  });

  it('reports missing points with an invoice photo, interrupted by 查积分 and resumed', async () => {
    expect(await say(friend, '上次保养的积分没到账')).toContain('哪天的消费没拿到积分');
    expect(await say(friend, '昨天')).toContain('消费金额是多少元');
    const interrupted = await say(friend, '查积分');
    expect(interrupted).toContain('您现在有 0 积分可用');
    expect(interrupted).toContain('刚才的「积分没到账」还没完成，回复「继续」接着办');
    expect(await say(friend, '继续')).toContain('消费金额是多少元');
    // One store in the default program: no store question.
    expect(await say(friend, '1280元')).toContain('有发票或小票的照片吗');
    const [done] = await conversations.handle(
      inbound(friend, { type: 'image', mediaId: 'media-1', imageUrl: 'https://img.test/invoice.jpg' }),
    );
    expect(done?.text).toContain('已收到：2026年11月24日 保养消费 ¥1,280.00');
    const member = await memberByOpenid(friend);
    const [report] = await api.runtime.services.missingPoints.listForMember(member!._id);
    expect(report).toMatchObject({
      date: '2026-11-24',
      amountFen: 128_000,
      storeId: 'main',
      channel: 'chat',
      status: 'open',
      invoice: { url: 'https://img.test/invoice.jpg', mediaId: 'media-1' },
    });
  });

  it('times out politely after 10 minutes', async () => {
    expect(await say(friend, '注销')).toContain('确认注销');
    api.setNow(new Date(api.now().getTime() + 11 * 60_000));
    expect(await say(friend, '确认注销')).toContain('上次的操作已超时');
    expect(await memberByOpenid(friend)).not.toBeNull();
  });

  it('unfollowing drops the openid link but keeps the member', async () => {
    const member = await memberByOpenid(friend);
    expect(await conversations.handle(inbound(friend, { type: 'unfollow' }))).toEqual([]);
    expect(await memberByOpenid(friend)).toBeNull();
    const kept = await api.runtime.services.db.members.findById(member!._id).lean<MemberRecord>();
    expect(kept?.status).toBe('active');
    expect(kept?.mobile).toBe(mobile);
  });

  it('following again re-links the member only with the SMS code of their mobile', async () => {
    const again = newUser();
    await conversations.handle(inbound(again, { type: 'follow', scene: null }));
    await say(again, '入会');
    await say(again, '王先生');
    await say(again, mobile);
    expect(await say(again, '123')).toContain('验证码是短信里的几位数字');
    api.setNow(new Date(api.now().getTime() + 61_000));
    await say(again, '重发');
    const code = await readDevSmsCode(redis, mobile);
    // Right after the code, with nothing asked again: the member gave all that before.
    const back = await say(again, code!);
    expect(back).toContain('欢迎回来！您的会员已绑定到这个微信。');
    expect(back).not.toContain('原来绑定的微信');
    expect((await memberByOpenid(again))?.mobile).toBe(mobile);
  });

  it('keeps the car current in 我的车 (mileage, insurance date), re-asking bad answers', async () => {
    const openid = newUser();
    await api.insertMember({ openid });
    const shown = await say(openid, '我的爱车');
    expect(shown).toContain('还没有登记车辆信息');
    expect(shown).toContain('3 里程');
    expect(await say(openid, '3')).toContain('请输入现在的里程数');
    expect(await say(openid, '很多')).toContain('里程应为 0–2,000,000 之间的整数公里数');
    expect(await say(openid, '35,000公里')).toContain('里程：35,000 公里');
    await say(openid, '我的车');
    await say(openid, '4');
    expect(await say(openid, '2027-02-30')).toContain('日期应为真实日期');
    const updated = await say(openid, '2027年3月31日');
    expect(updated).toContain('保险到期：2027年3月31日');
    expect(updated).toContain('里程：35,000 公里');
    const [car] = (await memberByOpenid(openid))!.vehicles;
    expect(car).toMatchObject({ mileageKm: 35_000, insuranceEndsOn: '2027-03-31', plate: null });
    expect(car?.mileageReportedAt).not.toBeNull();
  });

  it('subscribes again with 订阅 and erases with an explicit confirmation', async () => {
    const openid = newUser();
    const member = await api.insertMember({ openid });
    expect(await say(openid, '订阅')).toContain('已恢复接收活动和优惠消息');
    expect((await memberByOpenid(openid))?.marketingOptOut).toBe(false);
    expect(await say(openid, 'zx')).toContain('确定注销请回复「确认注销」');
    expect(await say(openid, '确定')).toContain('需要回复「确认注销」四个字才能注销');
    expect(await say(openid, '确认注销')).toContain('已为您注销会员并删除个人信息');
    const erased = await api.runtime.services.db.members.findById(member._id).lean<MemberRecord>();
    expect(erased).toMatchObject({ status: 'erased', name: null, mobile: null, openid: null });
    expect(erased?.consents.at(-1)).toMatchObject({ kind: 'privacy', granted: false, channel: 'chat' });
    // Now a stranger to the assistant again.
    expect(await say(openid, '查积分')).toContain('这项服务需要先入会');
  });

  it('handles concurrent messages of one member in arrival order', async () => {
    const user = newUser();
    const lines = ['入会', '李女士', '返回', '李小姐', '13912340002'];
    const replies = await Promise.all(lines.map((line) => say(user, line)));
    expect(replies[0]).toContain('怎么称呼您');
    expect(replies[1]).toContain('李女士您好');
    expect(replies[2]).toContain('怎么称呼您');
    expect(replies[3]).toContain('李小姐您好');
    expect(replies[4]).toContain('验证码已发送到 139****0002');
  });

  it('serialises one member across processes (no lost update of the session)', async () => {
    const user = newUser();
    await say(user, '入会');
    const [a, b] = await Promise.all([say(user, '赵先生', conversations), say(user, '钱先生', otherProcess)]);
    // One took the name; the other then met the mobile question (without the lock both would
    // have read the same session and both been asked for the mobile).
    const rejected = [a, b].filter((reply) => reply.includes('手机号应为 11 位中国大陆手机号'));
    expect(rejected).toHaveLength(1);
    expect(
      [a, b].filter((reply) => reply.startsWith('赵先生您好') || reply.startsWith('钱先生您好')),
    ).toHaveLength(1);
  });

  it('two members at once do not see each other', async () => {
    const [one, two] = [newUser(), newUser()];
    const [r1, r2] = await Promise.all([say(one, '入会'), say(two, '查积分')]);
    expect(r1).toContain('怎么称呼您');
    expect(r2).toContain('这项服务需要先入会');
  });
});
