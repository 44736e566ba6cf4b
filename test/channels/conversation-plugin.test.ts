import { afterEach, describe, expect, it } from 'vitest';
import { type Wechaty, WechatyBuilder } from 'wechaty';
import * as PUPPET from 'wechaty-puppet';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { decodeChannelEvent, encodeChannelEvent } from '../../src/channels/channel-event';
import type { ConversationHandler, OutboundReply } from '../../src/channels/conversation-handler';
import {
  ConversationPlugin,
  type HandledOutcome,
  isMemberMessage,
  type MessageFacts,
  renderReply,
  resolveReply,
  toInboundMessage,
} from '../../src/channels/conversation-plugin';
import type { InboundMessage } from '../../src/channels/inbound-message';

const follow: InboundMessage = {
  id: 'evt:oA:1767225700:subscribe',
  channel: 'wechat',
  accountId: 'gh_0a1b2c3d4e5f',
  userId: 'oA',
  channelMessageId: null,
  sentAt: '2026-01-01T00:01:40Z',
  content: { type: 'follow', scene: 'ref_X' },
};

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  id: 'm1',
  type: PUPPET.types.Message.Text,
  text: '查积分',
  talkerId: 'oA',
  selfId: 'gh_0a1b2c3d4e5f',
  inRoom: false,
  date: new Date('2026-01-01T00:00:00Z'),
  ...over,
});

describe('channel event envelope', () => {
  it('round-trips an inbound action and rejects anything else', () => {
    expect(decodeChannelEvent(encodeChannelEvent(follow))).toEqual(follow);
    expect(decodeChannelEvent('查积分')).toBeNull();
    expect(decodeChannelEvent('chezhu.channel-event/v1 {not json')).toBeNull();
    expect(decodeChannelEvent('chezhu.channel-event/v1 {"id":"x"}')).toBeNull();
    expect(decodeChannelEvent(encodeChannelEvent(follow).replace('/v1 ', '/v9 '))).toBeNull();
  });
});

describe('plugin matcher and translator', () => {
  it('answers members one to one, never itself or a room', () => {
    expect(isMemberMessage(facts())).toBe(true);
    expect(isMemberMessage(facts({ talkerId: 'gh_0a1b2c3d4e5f' }))).toBe(false);
    expect(isMemberMessage(facts({ inRoom: true }))).toBe(false);
  });

  it('turns text from any puppet into a text action of the talker', () => {
    expect(toInboundMessage(facts(), 'wechaty')).toEqual({
      id: 'm1',
      channel: 'wechaty',
      accountId: 'gh_0a1b2c3d4e5f',
      userId: 'oA',
      channelMessageId: 'm1',
      sentAt: '2026-01-01T00:00:00.000Z',
      content: { type: 'text', text: '查积分' },
    });
  });

  it('decodes an Unknown message carrying an envelope, only for its own talker and channel', () => {
    const text = encodeChannelEvent(follow);
    const unknown = facts({ type: PUPPET.types.Message.Unknown, text });
    expect(toInboundMessage(unknown, 'wechat')).toEqual(follow);
    expect(toInboundMessage({ ...unknown, talkerId: 'oSomeoneElse' }, 'wechat')).toBeNull();
    expect(toInboundMessage(unknown, 'simulator')).toBeNull();
    // Typed as text, an envelope is just words the member wrote.
    expect(toInboundMessage(facts({ text }), 'wechat')?.content).toEqual({ type: 'text', text });
    expect(toInboundMessage(facts({ type: PUPPET.types.Message.Image }), 'wechat')).toBeNull();
  });

  it('renders a reply as text with its link and image on their own lines', () => {
    expect(renderReply({ text: '您好' })).toBe('您好');
    expect(renderReply({ text: '邀请好友', linkUrl: 'https://x.test/r' })).toBe('邀请好友\nhttps://x.test/r');
    expect(renderReply({ text: '我的二维码', imageUrl: 'https://x.test/qr.png' })).toBe(
      '我的二维码\nhttps://x.test/qr.png',
    );
  });

  it('resolves chezhu: placeholders through the channel and leaves out what it cannot resolve', async () => {
    const reply = { text: '邀请', linkUrl: 'chezhu:link/ref_AB', imageUrl: 'chezhu:qr/ref_AB' };
    expect(await resolveReply(reply)).toEqual({ text: '邀请' });
    const resolved = await resolveReply(reply, async (url) =>
      url.startsWith('chezhu:qr/') ? `https://qr.test/${url.slice('chezhu:qr/'.length)}` : null,
    );
    expect(resolved).toEqual({ text: '邀请', imageUrl: 'https://qr.test/ref_AB' });
    expect(await resolveReply({ text: 'x', linkUrl: 'https://a.test' })).toEqual({
      text: 'x',
      linkUrl: 'https://a.test',
    });
  });
});

/** A mock member talking to a bot with the plugin, through Wechaty and PuppetMock (WECHAT.md §7). */
async function startTranscriptBot(handler: ConversationHandler) {
  const mocker = new mock.Mocker();
  const bot: Wechaty = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) });
  const handled: { id: string; outcome: HandledOutcome }[] = [];
  const waiters = new Map<string, () => void>();
  bot.use(
    ConversationPlugin({
      handler,
      channel: 'simulator',
      onHandled: (id, outcome) => {
        handled.push({ id, outcome });
        waiters.get(id)?.();
      },
    }),
  );
  await bot.start();
  const me = mocker.createContact({ name: '会员助手' });
  mocker.login(me);
  const member = mocker.createContact({ name: '张三' });
  const replies: string[] = [];
  member.on('message', (msg: mock.MessageMock) => {
    if (msg.talker().id === me.id) replies.push(msg.text() ?? '');
  });
  /** The member says a line; resolves with the replies to it once the plugin handled it. */
  const say = async (text: string) => {
    const before = replies.length;
    const done = new Promise<void>((resolve) => {
      const onMessage = (msg: mock.MessageMock) => {
        if (msg.talker().id !== member.id || msg.text() !== text) return;
        member.off('message', onMessage);
        waiters.set(msg.id, resolve);
      };
      member.on('message', onMessage);
    });
    member.say(text).to(me);
    await done;
    return replies.slice(before);
  };
  return { bot, mocker, me, member, say, handled, replies };
}

describe('conversation transcript through Wechaty and PuppetMock', () => {
  let bot: Wechaty | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it('hands each member line to the handler and says its replies in order', async () => {
    const seen: InboundMessage[] = [];
    const script: Record<string, OutboundReply[]> = {
      查积分: [{ text: '您的可用积分：1,234 积分' }, { text: '回复「兑换」查看可兑换的礼品' }],
      邀请: [{ text: '邀请好友入会', linkUrl: 'https://example.test/r/ABC' }],
    };
    const t = await startTranscriptBot(async (inbound) => {
      seen.push(inbound);
      return inbound.content.type === 'text' ? (script[inbound.content.text] ?? []) : [];
    });
    bot = t.bot;

    expect(await t.say('查积分')).toEqual(['您的可用积分：1,234 积分', '回复「兑换」查看可兑换的礼品']);
    expect(await t.say('邀请')).toEqual(['邀请好友入会\nhttps://example.test/r/ABC']);
    expect(await t.say('随便说说')).toEqual([]);

    expect(seen.map((m) => [m.channel, m.userId, m.accountId, m.content])).toEqual([
      ['simulator', t.member.id, t.me.id, { type: 'text', text: '查积分' }],
      ['simulator', t.member.id, t.me.id, { type: 'text', text: '邀请' }],
      ['simulator', t.member.id, t.me.id, { type: 'text', text: '随便说说' }],
    ]);
    // The bot's own three replies came back through bot.on('message') too, and were ignored.
    expect(t.handled).toHaveLength(3);
    expect(t.handled.every((h) => h.outcome.ok)).toBe(true);
  });

  it('ignores what the bot itself says', async () => {
    let calls = 0;
    const t = await startTranscriptBot(async () => {
      calls++;
      return [{ text: '收到' }];
    });
    bot = t.bot;
    const echoed = new Promise<void>((resolve) => t.bot.once('message', () => resolve()));
    t.me.say('今日会员日，积分双倍').to(t.member);
    await echoed;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(0);
    expect(t.handled).toHaveLength(0);
    expect(await t.say('你好')).toEqual(['收到']);
    expect(calls).toBe(1);
  });

  it('handles one member’s lines one after another, on any puppet', async () => {
    const log: string[] = [];
    const t = await startTranscriptBot(async (inbound) => {
      const text = inbound.content.type === 'text' ? inbound.content.text : '';
      log.push(`start ${text}`);
      if (text === '慢') await new Promise((r) => setTimeout(r, 80));
      log.push(`end ${text}`);
      return [{ text: `收到：${text}` }];
    });
    bot = t.bot;
    await Promise.all([t.say('慢'), t.say('快')]);
    expect(log).toEqual(['start 慢', 'end 慢', 'start 快', 'end 快']);
    expect(t.replies).toEqual(['收到：慢', '收到：快']);
  });

  it('reports a failing handler and keeps serving the next line', async () => {
    let fail = true;
    const t = await startTranscriptBot(async () => {
      if (fail) {
        fail = false;
        throw new Error('database away');
      }
      return [{ text: '好的' }];
    });
    bot = t.bot;
    expect(await t.say('查积分')).toEqual([]);
    expect(t.handled[0]?.outcome).toMatchObject({ ok: false });
    expect(await t.say('查积分')).toEqual(['好的']);
  });
});
