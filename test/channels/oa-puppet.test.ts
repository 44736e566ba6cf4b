import { describe, expect, it } from 'vitest';
import * as PUPPET from 'wechaty-puppet';
import { decodeChannelEvent } from '../../src/channels/channel-event';
import type { InboundMessage } from '../../src/channels/inbound-message';
import { KeyedSequencer } from '../../src/channels/keyed-sequencer';
import type { SendTextResult } from '../../src/channels/wechat-oa/oa-api';
import { OaPuppet, toMessagePayload } from '../../src/channels/wechat-oa/oa-puppet';
import { createLogger } from '../../src/lib/logger';

const logger = createLogger('silent');

const text: InboundMessage = {
  id: 'msg:24086087575195331',
  channel: 'wechat',
  accountId: 'gh_0a1b2c3d4e5f',
  userId: 'oA1',
  channelMessageId: '24086087575195331',
  sentAt: '2026-01-01T00:00:00Z',
  content: { type: 'text', text: '查积分' },
};
const click: InboundMessage = {
  ...text,
  id: 'evt:oA1:1767225700:CLICK',
  channelMessageId: null,
  content: { type: 'menu_click', key: 'MENU_BALANCE' },
};

function puppet(send: (openid: string, text: string) => Promise<SendTextResult>, handleTimeoutMs = 1_000) {
  return new OaPuppet({ api: { sendText: send }, logger, accountId: 'gh_0a1b2c3d4e5f', handleTimeoutMs });
}

describe('official-account puppet', () => {
  it('gives text to Wechaty as Text and any other action as an Unknown envelope', () => {
    expect(toMessagePayload(text, 'gh_x')).toEqual({
      id: 'msg:24086087575195331',
      talkerId: 'oA1',
      listenerId: 'gh_x',
      timestamp: Date.parse('2026-01-01T00:00:00Z'),
      type: PUPPET.types.Message.Text,
      text: '查积分',
    });
    const payload = toMessagePayload(click, 'gh_x');
    expect(payload.type).toBe(PUPPET.types.Message.Unknown);
    expect(decodeChannelEvent(payload.text ?? '')).toEqual(click);
  });

  it('logs in as the account and builds openid contacts on demand', async () => {
    const p = puppet(async () => ({ ok: true, parts: 1, truncated: false }));
    await p.start();
    try {
      expect(p.currentUserId).toBe('gh_0a1b2c3d4e5f');
      expect(await p.contactRawPayload('gh_0a1b2c3d4e5f')).toMatchObject({
        type: PUPPET.types.Contact.Official,
      });
      expect(await p.contactRawPayload('oA1')).toMatchObject({
        id: 'oA1',
        type: PUPPET.types.Contact.Individual,
      });
    } finally {
      await p.stop();
    }
  });

  it('sends text as a customer-service message and rejects a say WeChat refused', async () => {
    const sent: [string, string][] = [];
    const p = puppet(async (openid, body) => {
      sent.push([openid, body]);
      return body === 'late'
        ? { ok: false, kind: 'window_closed', errcode: 45015, errmsg: 'out of time', sentParts: 0 }
        : { ok: true, parts: 1, truncated: false };
    });
    await p.messageSendText('oA1', '您好');
    await expect(p.messageSendText('oA1', 'late')).rejects.toThrow(/window_closed 45015/);
    expect(sent).toEqual([
      ['oA1', '您好'],
      ['oA1', 'late'],
    ]);
  });

  it("throws wechaty-puppet's unsupported error for what an official account cannot do", async () => {
    const p = puppet(async () => ({ ok: true, parts: 1, truncated: false }));
    await expect(p.roomList()).rejects.toThrow(/support/i);
    await expect(p.friendshipAdd('oA1', 'hi')).rejects.toThrow(/support/i);
  });

  it('resolves a delivery when the bot acknowledges it, and rejects on failure or silence', async () => {
    const p = puppet(async () => ({ ok: true, parts: 1, truncated: false }), 100);
    await p.start();
    try {
      const emitted: string[] = [];
      p.on('message', ({ messageId }) => {
        emitted.push(messageId);
      });
      const ok = p.deliver(text);
      expect(p.deliver(text)).toBe(ok);
      p.acknowledge(text.id, { ok: true, replies: 1, failedReplies: 0, ignored: false });
      await expect(ok).resolves.toBeUndefined();
      expect(emitted).toEqual([text.id]);
      expect(await p.messageRawPayload(text.id)).toMatchObject({ text: '查积分' });

      const failed = p.deliver(click);
      p.acknowledge(click.id, { ok: false, error: new Error('database away') });
      await expect(failed).rejects.toThrow('database away');

      await expect(p.deliver({ ...text, id: 'msg:1' })).rejects.toThrow(/not handled within 100 ms/);
    } finally {
      await p.stop();
    }
  });

  it('captures what the bot says for a captured delivery, and sends a queued re-delivery of it afterwards', async () => {
    const sent: [string, string][] = [];
    const p = puppet(async (openid, body) => {
      sent.push([openid, body]);
      return { ok: true, parts: 1, truncated: false };
    });
    await p.start();
    try {
      const emitted: string[] = [];
      p.on('message', ({ messageId }) => {
        emitted.push(messageId);
      });
      // The bot answers each message it is given (as the conversation plugin would).
      const answer = async (messageId: string) => {
        p.beginHandling(messageId, 'oA1');
        await p.messageSendText('oA1', `回复 ${emitted.length}`);
        p.acknowledge(messageId, { ok: true, replies: 1, failedReplies: 0, ignored: false });
      };
      const captured = p.deliverCaptured(text);
      // The queue's delivery of the same message (the webhook handed it off) waits for it.
      const queued = p.deliver(text);
      expect(emitted).toEqual([text.id]);
      await answer(text.id);
      await expect(captured).resolves.toEqual(['回复 1']);
      expect(sent).toEqual([]);
      // Then the bot gets it again, and this time what it says goes out.
      await new Promise((r) => setImmediate(r));
      expect(emitted).toEqual([text.id, text.id]);
      await answer(text.id);
      await queued;
      expect(sent).toEqual([['oA1', '回复 2']]);
      // Outside a message's handling, what the bot says goes out too.
      await p.messageSendText('oA1', '通知');
      expect(sent.at(-1)).toEqual(['oA1', '通知']);
    } finally {
      await p.stop();
    }
  });
});

describe('keyed sequencer', () => {
  it('runs one key in order and other keys alongside, past failures', async () => {
    const s = new KeyedSequencer();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}-`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      s.run('a', task('a1', 30, true)),
      s.run('b', task('b1', 5)),
      s.run('a', task('a2', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('a2+')).toBeGreaterThan(log.indexOf('a1-'));
    expect(log.indexOf('b1-')).toBeLessThan(log.indexOf('a1-'));
    expect(s.activeKeys).toBe(0);
  });
});
