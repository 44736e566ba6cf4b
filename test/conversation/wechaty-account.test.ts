import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeCopy } from '../../flows/copy/zh-CN';
import type { MemberRecord } from '../../src/data/models/member-model';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * 退订 / 订阅, 注销, help and the menu, and what is not understood, through Wechaty (simulator
 * puppet → bot → conversation), with the consent records and the erasure checked in the database.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

const db = () => chat.api.runtime.services.db;
const stored = (memberId: string) => db().members.findById(memberId).lean<MemberRecord>();
const MEMBER_MENU =
  '有什么可以帮您？回复数字或文字：\n1 查积分\n2 积分明细\n3 为什么（积分怎么算的）\n4 积分兑换';
const GUEST_MENU = '您好！您还不是会员，回复「入会」即可加入，领取入会礼。回复数字或文字：\n1 查积分';

describe('退订 and 订阅', () => {
  it('opt out and back in from any of their names, each recorded as a consent change once', async () => {
    const key = 'consent';
    const member = await chat.insertMember(key, { marketingConsent: true });
    const unsubscribed =
      '已为您退订活动和优惠消息。积分变动、保养提醒等服务通知照常发送。想恢复时回复「订阅」。';
    const subscribed = '已恢复接收活动和优惠消息，有好活动第一时间告诉您。不想收时回复「退订」。';
    const rounds: [string, string][] = [
      ['退订', '订阅'],
      ['td', 'dy'],
      ['以后别再发活动了', '恢复订阅'],
      ['7', '8'],
      ['取消订阅', '重新订阅'],
    ];
    for (const [off, on] of rounds) {
      expect(await chat.say(key, off), off).toBe(unsubscribed);
      expect((await stored(member._id))?.marketingOptOut).toBe(true);
      expect(await chat.say(key, off), off).toBe('您已经退订过活动消息了。想恢复时回复「订阅」。');
      expect(await chat.say(key, on), on).toBe(subscribed);
      expect((await stored(member._id))?.marketingOptOut).toBe(false);
      expect(await chat.say(key, on), on).toBe('您已经在接收活动消息了。不想收时回复「退订」。');
    }
    const marketing = (await stored(member._id))!.consents.filter((consent) => consent.kind === 'marketing');
    // One withdrawal and one grant per round, none for the repeats.
    expect(
      marketing.filter((consent) => consent.channel === 'chat').map((consent) => consent.granted),
    ).toEqual(Array.from({ length: rounds.length }, () => [false, true]).flat());
    expect(await chat.say(chat.newKey('guest'), '退订')).toBe(
      '这项服务需要先入会。回复「入会」，一分钟就能加入。',
    );
  });

  it('two members opting out at once change only themselves', async () => {
    const keys = ['consent-a', 'consent-b'];
    const members = await Promise.all(keys.map((key) => chat.insertMember(key, { marketingConsent: true })));
    await Promise.all([chat.say(keys[0]!, '退订'), chat.say(keys[1]!, '查积分')]);
    expect((await stored(members[0]!._id))?.marketingOptOut).toBe(true);
    expect((await stored(members[1]!._id))?.marketingOptOut).toBe(false);
  });
});

describe('注销', () => {
  const confirm =
    '注销后，您的称呼、手机号、生日、车辆信息和微信绑定会被删除，剩余积分和未使用的券将作废，且无法恢复。\n确定注销请回复「确认注销」，不注销请回复「取消」。';

  it('asks for 确认注销 exactly; 取消 and a timeout keep the member', async () => {
    const key = 'erase-keep';
    const member = await chat.insertMember(key);
    for (const words of ['注销', '注销会员', '删除我的数据', 'zx', '9']) {
      expect(await chat.say(key, words), words).toBe(confirm);
      await chat.say(key, '取消');
    }
    await chat.say(key, '注销');
    for (const answer of ['确定', '是', '确认']) {
      expect(await chat.say(key, answer), answer).toBe(
        `需要回复「确认注销」四个字才能注销。请再试一次：\n${confirm}`,
      );
    }
    expect(await chat.say(key, '算了')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    // Typed again after cancelling, it starts over (注销 is in it): asked, not erased.
    expect(await chat.say(key, '确认注销')).toBe(confirm);
    await chat.say(key, '取消');

    await chat.say(key, '注销');
    chat.advance(10 * 60_000 + 1_000);
    const late = await chat.say(key, '确认注销');
    expect(late).toContain('上次的操作已超时，已为您取消。');
    expect(late).not.toContain('已为您注销');
    expect((await stored(member._id))?.status).toBe('active');
  });

  it('查积分 interrupts, 继续 returns to the question, 确认注销 erases and the member becomes a guest', async () => {
    const key = 'erase-go';
    const member = await chat.insertMember(key, { name: '冯先生' });
    await chat.say(key, '注销');
    const interrupted = await chat.say(key, '查积分');
    expect(interrupted).toContain('您现在有 0 积分可用。');
    expect(interrupted).toContain('刚才的「注销」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toBe(confirm);
    expect(await chat.say(key, '确认 注销')).toBe(
      '已为您注销会员并删除个人信息。感谢一直以来的支持，期待再次为您服务。',
    );
    expect(await stored(member._id)).toMatchObject({
      status: 'erased',
      name: null,
      mobile: null,
      openid: null,
    });
    expect((await chat.api.runtime.redis.exists(chat.sessionKey(key))) === 1).toBe(false);
    expect(await chat.say(key, '查积分')).toBe('这项服务需要先入会。回复「入会」，一分钟就能加入。');
    expect(await chat.say(key, '菜单')).toContain(GUEST_MENU);
  });

  it('two members at once: one erases, the other is untouched', async () => {
    const keys = ['erase-a', 'erase-b'];
    const members = await Promise.all(keys.map((key) => chat.insertMember(key)));
    await Promise.all([chat.say(keys[0]!, '注销'), chat.say(keys[1]!, '注销')]);
    const [done, kept] = await Promise.all([chat.say(keys[0]!, '确认注销'), chat.say(keys[1]!, '取消')]);
    expect(done).toContain('已为您注销会员');
    expect(kept).toContain('已取消');
    expect((await stored(members[0]!._id))?.status).toBe('erased');
    expect((await stored(members[1]!._id))?.status).toBe('active');
  });
});

describe('help, menu and what is not understood', () => {
  it('shows the member’s or the guest’s menu for every way of asking, and the menu button', async () => {
    const key = 'help-member';
    await chat.insertMember(key);
    const guest = chat.newKey('help-guest');
    for (const words of ['帮助', '菜单', '？', 'help', 'bz', '怎么用']) {
      expect(await chat.say(key, words), words).toContain(MEMBER_MENU);
      expect(await chat.say(guest, words), words).toContain(GUEST_MENU);
    }
    // 你好 and 在吗 are small talk now: answered as such, with the menu hint.
    expect(await chat.say(key, '在吗')).toBe('在的！有什么可以帮您？回复「菜单」看我能帮您做什么。');
    expect(await chat.say(guest, '你好')).toBe(
      '您好！我是会员小助手，回复「入会」加入会员，或回复「菜单」看我能帮您做什么。',
    );
    for (const click of ['MENU_HELP', 'help']) {
      expect(await chat.act(key, { type: 'menu_click', key: click })).toContain(MEMBER_MENU);
    }
    expect(await chat.say(key, '菜单')).toContain('随时回复「取消」结束当前操作，「返回」回到上一步。');
  });

  it('answers what it does not understand with numbered choices and 人工, never a dead end', async () => {
    const key = 'unknown-member';
    await chat.insertMember(key);
    const member = '抱歉，我没太明白。可以回复「查积分」「明细」「兑换」「推荐」，或回复「菜单」看全部功能。';
    for (const words of ['今天天气怎么样', '0', '12345']) {
      // Each on a fresh chat: two misunderstandings in a row go to 人工 (tested elsewhere).
      const memberKey = chat.newKey('unknown-m');
      await chat.insertMember(memberKey);
      const stranger = chat.newKey('unknown-guest');
      for (const who of [memberKey, stranger]) {
        const reply = await chat.say(who, words);
        expect(reply, words).toMatch(
          /^(抱歉，我没太明白。)?您是想：\n?1 [^\n]+\n?2 [^\n]+(\n3 人工服务)?.*回复数字即可/s,
        );
      }
    }
    // A photo or a link outside any question, and a menu key nobody configured.
    expect(await chat.act(key, { type: 'image', mediaId: 'x', imageUrl: 'https://img.test/cat.jpg' })).toBe(
      runtimeCopy.imageReceived(true),
    );
    expect(await chat.act(key, { type: 'link', title: '文章', url: 'https://example.com/a' })).toBe(member);
    expect(await chat.act(key, { type: 'menu_click', key: 'V1001_TODAY_MUSIC' })).toContain('回复数字即可');
    // Commands with nothing to act on.
    expect(await chat.say(key, '取消')).toBe('现在没有进行中的操作。回复「菜单」看看我能做什么。');
    expect(await chat.say(key, '继续')).toBe('没有需要继续的操作。回复「菜单」看看我能做什么。');
    expect(await chat.say(key, '返回')).toBe('没有需要继续的操作。回复「菜单」看看我能做什么。');
  });

  it('two people asking for the menu at once get their own', async () => {
    const memberKey = 'menu-a';
    await chat.insertMember(memberKey);
    const guestKey = chat.newKey('menu-b');
    const [forMember, forGuest] = await Promise.all([
      chat.say(memberKey, '菜单'),
      chat.say(guestKey, '菜单'),
    ]);
    expect(forMember).toContain(MEMBER_MENU);
    expect(forGuest).toContain(GUEST_MENU);
  });
});
