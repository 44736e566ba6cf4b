import { createDecipheriv } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundReply } from '../../../src/channels/conversation-handler';
import type { InboundMessage } from '../../../src/channels/inbound-message';
import { InboundClaims } from '../../../src/channels/wechat-oa/inbound-claims';
import { createRedis } from '../../../src/infra/redis-connections';
import { WECHAT_INBOUND_QUEUE } from '../../../src/queues/wechat-inbound-queue';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../../helpers/fake-wechat-api';
import { waitFor } from '../../helpers/wait-for';
import {
  ACCOUNT,
  bigMsgId,
  encryptForWechat,
  eventXml,
  postXml,
  sha1Sorted,
  signedQuery,
  textXml,
  uniqueOpenid,
} from '../../helpers/wechat-webhook-client';

/**
 * Passive replies (WECHAT.md §3): the webhook hands a message to its own process's bot and, when
 * the bot's one answer is ready within WECHAT_PASSIVE_REPLY_MS, answers with it in the response
 * body; otherwise `success`, and the `wechat-inbound` queue answers by customer-service message.
 * Exactly one of the two answers, whatever the timing, the retries or the member's other messages.
 */
const TOKEN = 'passiveToken42';
const BUDGET_MS = 300;
let fake: FakeWechatApi;
let api: ApiHarness;
let inbound: Queue;
/** Handler runs per message id (the queue path runs the bot again for a handed-off message). */
const runs = new Map<string, number>();
const failOnce = new Set<string>();
/** Like the conversation service, the scripted conversation remembers its replies per message. */
const memo = new Map<string, OutboundReply[]>();

async function scripted(inbound: InboundMessage): Promise<OutboundReply[]> {
  runs.set(inbound.id, (runs.get(inbound.id) ?? 0) + 1);
  const remembered = memo.get(inbound.id);
  if (remembered) return remembered;
  const { content } = inbound;
  let replies: OutboundReply[] = [];
  if (content.type === 'text') {
    const text = content.text;
    if (text.startsWith('慢')) await new Promise((r) => setTimeout(r, BUDGET_MS + 400));
    if (text.startsWith('稍慢')) await new Promise((r) => setTimeout(r, 150));
    if (text.startsWith('过时')) await new Promise((r) => setTimeout(r, BUDGET_MS + 100));
    if (text.startsWith('坏') && !failOnce.has(inbound.id)) {
      failOnce.add(inbound.id);
      throw new Error('the conversation failed once');
    }
    replies = text.startsWith('两条')
      ? [{ text: `第一条：${text}` }, { text: `第二条：${text}` }]
      : [{ text: `收到：${text}` }];
  } else if (content.type === 'follow') {
    replies = [{ text: `欢迎关注（${content.scene ?? '无场景'}）` }];
  }
  memo.set(inbound.id, replies);
  return replies;
}

beforeAll(async () => {
  fake = await startFakeWechatApi();
  api = await startApiHarness({
    env: {
      CHANNEL: 'wechat',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_TOKEN: TOKEN,
      WECHAT_API_BASE: fake.url,
      WECHAT_PASSIVE_REPLY_MS: String(BUDGET_MS),
      SMS_PROVIDER: 'dev',
    },
    conversationHandler: scripted,
  });
  inbound = new Queue(WECHAT_INBOUND_QUEUE, {
    connection: createRedis(api.runtime.redisUrl, 'worker', 'test-inbound-reader'),
  });
});

afterAll(async () => {
  await inbound?.close();
  await api?.stop();
  await fake?.close();
});

const post = (xml: string) => postXml(api.url, signedQuery({ token: TOKEN }), xml);

const csTextsTo = (openid: string) =>
  fake
    .callsTo('/cgi-bin/message/custom/send')
    .filter((c) => c.body.touser === openid && c.errcode === 0)
    .map((c) => (c.body.text as { content: string }).content);

/** The fields of a passive text reply (values in CDATA, CreateTime a bare integer). */
function passiveFields(xml: string): Record<string, string> | null {
  if (!/^<xml>.*<\/xml>$/s.test(xml)) return null;
  const fields: Record<string, string> = {};
  for (const [, tag, cdata, bare] of xml.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) {
    fields[tag!] = cdata ?? bare ?? '';
  }
  return fields;
}

const jobsFor = async (openid: string) => {
  const all = await inbound.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
  return all.filter((j) => (j.data as { message: InboundMessage }).message.userId === openid);
};

describe('passive replies', () => {
  it('answers a text in the response body: To and From swapped, integer CreateTime, no CS send, nothing queued (fact 11)', async () => {
    const openid = uniqueOpenid();
    const msgId = bigMsgId();
    const res = await post(textXml(openid, msgId, '查积分'));
    expect(res.status).toBe(200);
    const fields = passiveFields(res.body);
    expect(fields).toEqual({
      ToUserName: openid,
      FromUserName: ACCOUNT,
      CreateTime: String(Math.floor(api.now().getTime() / 1000)),
      MsgType: 'text',
      Content: '收到：查积分',
    });
    expect(res.body).toContain(`<CreateTime>${fields?.CreateTime}</CreateTime>`);
    expect(runs.get(`msg:${msgId}`)).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(csTextsTo(openid)).toEqual([]);
    expect(await jobsFor(openid)).toEqual([]);
    // The claim marker says answered, for WeChat's retries within 5 minutes.
    expect(await api.runtime.redis.get(`wechat:dedup:${ACCOUNT}:msg:${msgId}`)).toBe('d');
  });

  it('answers a follow passively and an unfollow with `success`, queueing neither', async () => {
    const openid = uniqueOpenid();
    const follow = await post(eventXml(openid, 'subscribe', { EventKey: 'qrscene_ref_K7MX9Q', Ticket: 't' }));
    expect(passiveFields(follow.body)?.Content).toBe('欢迎关注（ref_K7MX9Q）');
    const unfollow = await post(eventXml(openid, 'unsubscribe', { EventKey: '' }, 1767225800));
    expect(unfollow).toMatchObject({ status: 200, body: 'success' });
    expect(await jobsFor(openid)).toEqual([]);
  });

  it('gives a duplicate MsgId that arrives during processing no second answer (facts 5 and 6)', async () => {
    const openid = uniqueOpenid();
    const msgId = bigMsgId();
    const xml = textXml(openid, msgId, '稍慢的消息');
    const first = post(xml);
    await new Promise((r) => setTimeout(r, 40));
    const duplicates = await Promise.all([post(xml), post(xml), post(xml)]);
    expect(duplicates.map((r) => r.body)).toEqual(['success', 'success', 'success']);
    expect(passiveFields((await first).body)?.Content).toBe('收到：稍慢的消息');
    // After the answer, a late retry is still a duplicate.
    expect((await post(xml)).body).toBe('success');
    await new Promise((r) => setTimeout(r, 400));
    expect(runs.get(`msg:${msgId}`)).toBe(1);
    expect(csTextsTo(openid)).toEqual([]);
    expect(await jobsFor(openid)).toEqual([]);
  });

  it('falls back to `success` and one customer-service message when the bot is slower than the budget', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    const msgId = bigMsgId();
    const res = await post(textXml(openid, msgId, '慢：要想一想'));
    expect(res).toMatchObject({ status: 200, body: 'success' });
    expect(res.ms).toBeLessThan(BUDGET_MS + 600);
    await waitFor(() => csTextsTo(openid).length === 1, 10_000, 'the customer-service reply');
    await new Promise((r) => setTimeout(r, 500));
    expect(csTextsTo(openid)).toEqual(['收到：慢：要想一想']);
    const jobs = await jobsFor(openid);
    expect(jobs.map((j) => j.data)).toEqual([expect.objectContaining({ counted: true })]);
    expect(await api.runtime.redis.get(`wechat:dedup:${ACCOUNT}:msg:${msgId}`)).toBe('q');
    // The member's hand-off count is back to zero once the queue answered.
    await waitFor(
      async () =>
        (await api.runtime.redis.exists(InboundClaims.handoffKey({ accountId: ACCOUNT, userId: openid }))) ===
        0,
      5_000,
      'the hand-off count to clear',
    );
  });

  it('keeps a member’s replies in order: after a hand-off, the next message waits for it in the queue', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    // The first message misses the budget by a little; its customer-service reply is slow to go out.
    fake.delayNext('/cgi-bin/message/custom/send', 1_000);
    const slow = await post(textXml(openid, bigMsgId(), '过时：第一条', 1767225600));
    await new Promise((r) => setTimeout(r, 300));
    // The bot is done with the first by now, but its reply is not out: the second must not overtake it.
    const fast = await post(textXml(openid, bigMsgId(), '第二条', 1767225601));
    expect([slow.body, fast.body]).toEqual(['success', 'success']);
    await waitFor(() => csTextsTo(openid).length === 2, 10_000, 'both replies');
    expect(csTextsTo(openid)).toEqual(['收到：过时：第一条', '收到：第二条']);
    // Once both are answered, the member's next message is answered passively again.
    await waitFor(
      async () =>
        (await api.runtime.redis.exists(InboundClaims.handoffKey({ accountId: ACCOUNT, userId: openid }))) ===
        0,
      5_000,
      'the hand-off count to clear',
    );
    const third = await post(textXml(openid, bigMsgId(), '第三条', 1767225602));
    expect(passiveFields(third.body)?.Content).toBe('收到：第三条');
    expect(csTextsTo(openid)).toHaveLength(2);
  });

  it('sends several replies as customer-service messages in order, once, instead of a passive reply', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    const res = await post(textXml(openid, bigMsgId(), '两条回复'));
    expect(res.body).toBe('success');
    await waitFor(() => csTextsTo(openid).length === 2, 10_000, 'both replies');
    await new Promise((r) => setTimeout(r, 400));
    expect(csTextsTo(openid)).toEqual(['第一条：两条回复', '第二条：两条回复']);
  });

  it('hands a failed handling to the queue, which retries it and answers once', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    const msgId = bigMsgId();
    const res = await post(textXml(openid, msgId, '坏了一次'));
    expect(res.body).toBe('success');
    await waitFor(() => csTextsTo(openid).length === 1, 15_000, 'the reply after the retry');
    await new Promise((r) => setTimeout(r, 400));
    expect(csTextsTo(openid)).toEqual(['收到：坏了一次']);
    expect(runs.get(`msg:${msgId}`)).toBe(2);
  });

  it('takes over the claim of a process that died mid-message, but not a live one', async () => {
    const { redis } = api.runtime;
    const dead = uniqueOpenid();
    const deadId = bigMsgId();
    await redis.set(`wechat:dedup:${ACCOUNT}:msg:${deadId}`, `p:${Date.now() - 60_000}:gone`, 'EX', 300);
    const retry = await post(textXml(dead, deadId, '查积分'));
    expect(passiveFields(retry.body)?.Content).toBe('收到：查积分');

    const live = uniqueOpenid();
    const liveId = bigMsgId();
    await redis.set(`wechat:dedup:${ACCOUNT}:msg:${liveId}`, `p:${Date.now()}:busy`, 'EX', 300);
    expect((await post(textXml(live, liveId, '查积分'))).body).toBe('success');
    expect(runs.get(`msg:${liveId}`)).toBeUndefined();
  });
});

describe('passive replies in safe mode, through the real conversation', () => {
  const SAFE_TOKEN = 'safePassive7';
  const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  let safe: ApiHarness;
  let safeFake: FakeWechatApi;

  beforeAll(async () => {
    safeFake = await startFakeWechatApi();
    safe = await startApiHarness({
      env: {
        CHANNEL: 'wechat',
        WECHAT_APP_ID: safeFake.appId,
        WECHAT_APP_SECRET: safeFake.appSecret,
        WECHAT_TOKEN: SAFE_TOKEN,
        WECHAT_ENCODING_AES_KEY: AES_KEY,
        WECHAT_API_BASE: safeFake.url,
        SMS_PROVIDER: 'dev',
      },
    });
  });

  afterAll(async () => {
    await safe?.stop();
    await safeFake?.close();
  });

  /** Opens a sealed reply the way WeChat does (written here, independently of src/). */
  function openSealed(body: string, nonce: string): string {
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)?.[1] ?? '';
    const signature = /<MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature>/.exec(body)?.[1];
    const timestamp = /<TimeStamp>(\d+)<\/TimeStamp>/.exec(body)?.[1] ?? '';
    expect(/<Nonce><!\[CDATA\[([^\]]+)\]\]><\/Nonce>/.exec(body)?.[1]).toBe(nonce);
    expect(signature).toBe(sha1Sorted([SAFE_TOKEN, timestamp, nonce, encrypt]));
    const key = Buffer.from(`${AES_KEY}=`, 'base64');
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
    const plain = padded.subarray(0, padded.length - padded.at(-1)!);
    const length = plain.readUInt32BE(16);
    expect(plain.subarray(20 + length).toString()).toBe(safeFake.appId);
    return plain.subarray(20, 20 + length).toString();
  }

  it('seals a member’s 查积分 answer for our AppID, signed with msg_signature', async () => {
    const openid = uniqueOpenid();
    await safe.insertMember({ openid, name: '张伟' });
    const xml = encryptForWechat(textXml(openid, bigMsgId(), '查积分'), AES_KEY, safeFake.appId);
    const envelope = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${xml}]]></Encrypt></xml>`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '8675309';
    const query = signedQuery(
      { token: SAFE_TOKEN, timestamp, nonce },
      { encrypt_type: 'aes', msg_signature: sha1Sorted([SAFE_TOKEN, timestamp, nonce, xml]) },
    );
    const res = await postXml(safe.url, query, envelope);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('积分');
    const fields = passiveFields(openSealed(res.body, nonce));
    expect(fields).toMatchObject({ ToUserName: openid, FromUserName: ACCOUNT, MsgType: 'text' });
    expect(fields?.CreateTime).toMatch(/^\d+$/);
    expect(fields?.Content).toContain('积分');
    expect(safeFake.callsTo('/cgi-bin/message/custom/send')).toEqual([]);
  });
});
