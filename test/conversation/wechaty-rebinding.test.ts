import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { CallbackView } from '../../src/services/callback-service';
import { ChatEnrolment } from '../../src/services/chat-enrolment';
import type { BindingHistoryEntry } from '../../src/services/consent-history';
import { rebindNoticeKey } from '../../src/services/rebind-follow-up';
import { givePoints } from '../helpers/give-points';
import { randomMobile, type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';
import { waitFor } from '../helpers/wait-for';

/**
 * Re-binding a membership to another WeChat account, through Wechaty (simulator puppet → bot →
 * conversation service): the code is asked first and nothing an existing member gave is asked
 * again; the old account is told at once (a service notice through delivery) and whenever it asks
 * for a member service later; the history is on the member (staff API) and a second move within
 * 30 days alerts staff; two accounts verifying at once leave one binding.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

const db = () => chat.api.runtime.services.db;
const stored = async (memberId: string) => (await db().members.findById(memberId).lean<MemberRecord>())!;
const MOVED =
  '您的会员已于2026年11月25日绑定到另一个微信，这个微信暂时不能使用会员服务。如果不是您本人操作，请回复「人工」联系门店找回；也可以回复「入会」用其他手机号加入。';

/** 入会 up to the SMS code on `key`'s WeChat; the reply to the code. */
async function verifyInChat(key: string, name: string, mobile: string): Promise<string> {
  expect(await chat.say(key, '入会')).toContain('先告诉我怎么称呼您');
  expect(await chat.say(key, name)).toContain('请输入您的手机号');
  expect(await chat.say(key, mobile)).toContain('验证码已发送到');
  return chat.say(key, await chat.smsCode(mobile));
}

/** The old account's pushed messages (customer-service sends shown in its simulator chat). */
const pushedTo = (key: string) =>
  chat.sim
    .chat(key)
    .filter((line) => line.from === 'assistant')
    .map((line) => line.text);

describe('re-binding to a new WeChat account', () => {
  it('asks the code first, asks nothing more, welcomes back with the summary; the old account is told', async () => {
    const oldKey = chat.newKey('old');
    const owner = await chat.insertMember(oldKey, { name: '林先生', marketingConsent: true });
    const program = chat.api.runtime.services.program.current();
    await givePoints(db(), program, owner._id, 1_234, chat.api.now());
    const consentsBefore = (await stored(owner._id)).consents;

    const newKey = chat.newKey('new');
    const afterCode = await verifyInChat(newKey, '林先生', owner.mobile!);
    expect(afterCode).toBe(
      [
        '林先生，欢迎回来！您的会员已绑定到这个微信。',
        '可用积分：1,234 积分',
        '会员等级：铜卡',
        '原来绑定的微信不再接收会员消息。',
        '回复「查积分」看详情，或回复「菜单」看我还能做什么。',
      ].join('\n'),
    );
    expect(afterCode).not.toContain('隐私政策');
    const member = await stored(owner._id);
    expect(member.openid).toBe(chat.userId(newKey));
    // Nothing given before was asked or recorded again.
    expect(member.consents).toEqual(consentsBefore);
    expect(member.marketingConsent).toBe(true);
    expect(await chat.say(newKey, '查积分')).toContain('您现在有 1,234 积分可用。');

    // (a) the old account gets a service notice through delivery, once.
    const key = rebindNoticeKey(owner._id, member.bindings![0]!.id);
    const notice = await waitFor(
      async () => {
        const record = await db().delivery.deliveries.findById(key).lean<DeliveryRecord>();
        return record?.status === 'sent' ? record : undefined;
      },
      10_000,
      'the notice to the old account',
    );
    expect(notice).toMatchObject({
      category: 'service',
      kind: 'rebind_notice',
      channel: 'customer_service',
      recipientOpenid: chat.userId(oldKey),
    });
    const told = `您的会员账号（手机号 ${owner.mobile!.slice(0, 3)}****${owner.mobile!.slice(7)}）已于2026年11月25日绑定到另一个微信，这个微信不再接收会员服务。如果不是您本人操作，请回复「人工」联系门店帮您找回。`;
    expect(pushedTo(oldKey)).toContain(told);
    expect(pushedTo(newKey).filter((text) => text === told)).toEqual([]);

    // (b) whatever members-only thing the old account asks for later, it is told why.
    for (const words of ['查积分', '兑换', '明细', '退订']) {
      expect(await chat.say(oldKey, words), words).toBe(MOVED);
    }
    expect(await chat.say(oldKey, '人工')).toContain('需要人工服务的话，可以直接联系');
    // A WeChat account that never held a membership still hears "join first".
    expect(await chat.say(chat.newKey('stranger'), '查积分')).toBe(
      '这项服务需要先入会。回复「入会」，一分钟就能加入。',
    );

    // The history, in the staff API's member view.
    const view = await chat.api.get<{ bindingHistory: BindingHistoryEntry[] }>(
      `/api/v1/members/${owner._id}`,
    );
    expect(view.status).toBe(200);
    expect(view.body.bindingHistory).toEqual([
      {
        action: 'bind',
        reason: 'rebind',
        at: chat.api.now().toISOString(),
        channel: 'chat',
        fromAccount: expect.stringMatching(/^[0-9a-f]{8}$/),
        toAccount: expect.stringMatching(/^[0-9a-f]{8}$/),
      },
    ]);
    const [move] = view.body.bindingHistory;
    expect(move!.fromAccount).not.toBe(move!.toAccount);
    expect(JSON.stringify(view.body)).not.toContain(chat.userId(oldKey));
    // One move is no alert.
    const callbacks = await chat.api.get<{ callbacks: CallbackView[] }>('/api/v1/callbacks?status=open');
    expect(callbacks.body.callbacks.filter((callback) => callback.member.id === owner._id)).toEqual([]);
  });

  it('a sign-up and an unfollow are in the history too; following again and verifying binds back', async () => {
    const key = chat.newKey('joiner');
    const mobile = randomMobile();
    expect(await verifyInChat(key, '周女士', mobile)).toContain('《会员隐私政策》');
    for (const line of ['同意', '不要', '跳过']) await chat.say(key, line);
    expect(await chat.say(key, '跳过')).toContain('入会成功，欢迎您，周女士！');
    const member = (await chat.member(key))!;
    expect(await chat.act(key, { type: 'unfollow' })).toBe('');
    chat.advance(61_000);
    await chat.follow(key, null);
    expect(await verifyInChat(key, '周女士', mobile)).toContain(
      '周女士，欢迎回来！您的会员已绑定到这个微信。',
    );
    const history = (await chat.api.get(`/api/v1/members/${member._id}`)).body
      .bindingHistory as BindingHistoryEntry[];
    expect(history.map((entry) => [entry.action, entry.reason])).toEqual([
      ['bind', 'signup'],
      ['unbind', 'unfollow'],
      ['bind', 'relink'],
    ]);
    // The same account every time, and no notice (nobody lost the membership).
    expect(new Set(history.map((entry) => entry.toAccount ?? entry.fromAccount)).size).toBe(1);
    expect(await chat.say(key, '查积分')).toContain('您现在有');

    // 注销 unbinds too (the account stays only as its hash).
    await chat.say(key, '注销');
    expect(await chat.say(key, '确认注销')).toContain('已为您注销会员');
    const erased = await stored(member._id);
    expect(erased.openid).toBeNull();
    expect(erased.bindings!.at(-1)).toMatchObject({ action: 'unbind', reason: 'erase', channel: 'chat' });
    expect(erased.bindings!.at(-1)!.oldOpenidHash).toBe(erased.bindings![0]!.newOpenidHash);
  });

  it('a second move within 30 days alerts staff in the callback queue', async () => {
    const firstKey = chat.newKey('first');
    const owner = await chat.insertMember(firstKey, { name: '郭女士' });
    const secondKey = chat.newKey('second');
    expect(await verifyInChat(secondKey, '郭女士', owner.mobile!)).toContain('郭女士，欢迎回来！');
    const openAlerts = async () =>
      (
        await chat.api.get<{ callbacks: CallbackView[] }>('/api/v1/callbacks?status=open')
      ).body.callbacks.filter((callback) => callback.member.id === owner._id);
    expect(await openAlerts()).toEqual([]);

    chat.advance(3 * 86_400_000);
    const thirdKey = chat.newKey('third');
    expect(await verifyInChat(thirdKey, '郭女士', owner.mobile!)).toContain('郭女士，欢迎回来！');
    const alerts = await openAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'rebind_alert',
      member: { id: owner._id, name: '郭女士', mobile: owner.mobile },
      note: '30 天内第 2 次换绑微信（2026年11月25日、2026年11月28日），请联系会员核实是否本人操作。',
    });
    // Each old account hears of its own move.
    expect(await chat.say(firstKey, '查积分')).toBe(MOVED);
    expect(await chat.say(secondKey, '查积分')).toBe(MOVED.replace('11月25日', '11月28日'));
    expect((await stored(owner._id)).openid).toBe(chat.userId(thirdKey));
    chat.advance(-3 * 86_400_000);
  });

  it('WeChat accounts verifying the same mobile at once leave one binding, one re-bind and one notice', async () => {
    const ownerKey = chat.newKey('contested');
    const owner = await chat.insertMember(ownerKey, { name: '何先生' });
    const { services, conversations } = chat.api.runtime;
    const rivals = [chat.newKey('rival'), chat.newKey('rival'), chat.newKey('rival')];
    // Each verifies the mobile by SMS with a code of its own (one at a time: a new code replaces
    // the last), then all bind at once through the sign-up flow's effect.
    for (const rival of rivals) {
      chat.advance(61_000);
      expect(await conversations.smsCodes.send(owner.mobile!)).toEqual({ ok: true });
      const code = await chat.smsCode(owner.mobile!);
      expect(await conversations.smsCodes.verify(owner.mobile!, code, chat.userId(rival))).toEqual({
        ok: true,
      });
    }
    const signup = new ChatEnrolment(services, conversations.smsCodes);
    const outcomes = await Promise.all(
      rivals.map((rival) => signup.rebind(owner.mobile!, chat.userId(rival))),
    );
    const winners = rivals.filter((_rival, index) => outcomes[index]!.status === 'rebound');
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'conflict')).toHaveLength(rivals.length - 1);

    const member = await stored(owner._id);
    expect(member.openid).toBe(chat.userId(winners[0]!));
    expect(member.bindings).toHaveLength(1);
    expect(member.bindings![0]).toMatchObject({ action: 'bind', reason: 'rebind' });
    const notices = await db()
      .delivery.deliveries.find({ memberId: owner._id, kind: 'rebind_notice' })
      .lean<DeliveryRecord[]>();
    expect(notices.map((notice) => notice.recipientOpenid)).toEqual([chat.userId(ownerKey)]);
    // The winner is the member; the losers are not, and are told why in chat.
    expect(await chat.say(winners[0]!, '查积分')).toContain('您现在有');
    for (const loser of rivals.filter((rival) => rival !== winners[0])) {
      expect(await chat.member(loser)).toBeNull();
    }
    expect(await chat.say(ownerKey, '查积分')).toBe(MOVED);
  });
});
