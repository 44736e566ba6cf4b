import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundReply } from '../../src/channels/conversation-handler';
import type { InboundMessage } from '../../src/channels/inbound-message';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { waitFor } from '../helpers/wait-for';
import {
  bigMsgId,
  eventXml,
  postXml,
  signedQuery,
  textXml,
  uniqueOpenid,
} from '../helpers/wechat-webhook-client';

/**
 * The official-account path end to end, in the real runtime: a signed webhook POST → the
 * `wechat-inbound` queue → its worker → our OA puppet → Wechaty → the conversation plugin → a
 * scripted conversation → `OaApi.sendText` → the fake WeChat API's customer-service endpoint.
 */
const TOKEN = 'botToken42';
let fake: FakeWechatApi;
let api: ApiHarness;
const handled: { phase: 'start' | 'end'; inbound: InboundMessage }[] = [];

async function scripted(inbound: InboundMessage): Promise<OutboundReply[]> {
  handled.push({ phase: 'start', inbound });
  const { content } = inbound;
  let replies: OutboundReply[] = [];
  if (content.type === 'text') {
    if (content.text.startsWith('慢')) await new Promise((r) => setTimeout(r, 400));
    replies =
      content.text === '邀请'
        ? [{ text: '扫码加入车主俱乐部', imageUrl: 'chezhu:qr/ref_ABC123' }]
        : [{ text: `收到：${content.text}` }];
  } else if (content.type === 'follow') {
    replies = [{ text: `欢迎关注（${content.scene ?? '无场景'}）` }];
  }
  handled.push({ phase: 'end', inbound });
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
      SMS_PROVIDER: 'dev',
      // This file covers the queue and customer-service path; passive replies have their own.
      WECHAT_PASSIVE_REPLY_MS: '0',
    },
    conversationHandler: scripted,
  });
});

afterAll(async () => {
  await api?.stop();
  await fake?.close();
});

const post = (xml: string) => postXml(api.url, signedQuery({ token: TOKEN }), xml);

/** The customer-service texts the fake WeChat API accepted for one openid, in order. */
const textsTo = (openid: string) =>
  fake
    .callsTo('/cgi-bin/message/custom/send')
    .filter((c) => c.body.touser === openid && c.errcode === 0)
    .map((c) => (c.body.text as { content: string }).content);

const handledFor = (openid: string, phase: 'start' | 'end') =>
  handled.filter((h) => h.phase === phase && h.inbound.userId === openid).map((h) => h.inbound);

describe('official account through Wechaty', () => {
  it('answers a member text with a customer-service message to that openid', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    const msgId = bigMsgId();
    const res = await post(textXml(openid, msgId, '查积分'));
    expect(res).toMatchObject({ status: 200, body: 'success' });

    expect(await waitFor(() => textsTo(openid).length === 1 && textsTo(openid), 10_000, 'the reply')).toEqual(
      ['收到：查积分'],
    );
    const [inbound] = handledFor(openid, 'start');
    expect(inbound).toMatchObject({
      channel: 'wechat',
      accountId: 'gh_0a1b2c3d4e5f',
      userId: openid,
      sentAt: '2026-01-01T00:00:00.000Z',
      content: { type: 'text', text: '查积分' },
    });
  });

  it('carries a follow through a referral QR to the conversation as a follow with its scene', async () => {
    const openid = uniqueOpenid();
    fake.userEvent(openid);
    const res = await post(
      eventXml(openid, 'subscribe', { EventKey: 'qrscene_ref_X', Ticket: 'gQH47joAAAA' }),
    );
    expect(res.status).toBe(200);

    await waitFor(() => textsTo(openid).length === 1, 10_000, 'the welcome');
    expect(textsTo(openid)).toEqual(['欢迎关注（ref_X）']);
    expect(handledFor(openid, 'start')).toEqual([
      expect.objectContaining({
        channel: 'wechat',
        userId: openid,
        content: { type: 'follow', scene: 'ref_X' },
      }),
    ]);
  });

  it('handles two messages of one member in order, even when the first takes longer', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    await post(textXml(openid, bigMsgId(), '慢：第一条', 1767225600));
    await post(textXml(openid, bigMsgId(), '第二条', 1767225601));

    await waitFor(() => textsTo(openid).length === 2, 10_000, 'both replies');
    expect(textsTo(openid)).toEqual(['收到：慢：第一条', '收到：第二条']);
    const texts = (list: InboundMessage[]) => list.map((m) => (m.content as { text: string }).text);
    expect(texts(handledFor(openid, 'start'))).toEqual(['慢：第一条', '第二条']);
    // The second was not even started before the first was answered.
    const order = handled.filter((h) => h.inbound.userId === openid).map((h) => h.phase);
    expect(order).toEqual(['start', 'end', 'start', 'end']);
  });

  it('sends a QR placeholder as the official account’s own QR image', async () => {
    const openid = uniqueOpenid();
    fake.userMessaged(openid);
    await post(textXml(openid, bigMsgId(), '邀请'));
    await waitFor(() => textsTo(openid).length === 1, 10_000, 'the reply');
    const [text] = textsTo(openid);
    expect(text).toMatch(/^扫码加入车主俱乐部\nhttps:\/\/mp\.weixin\.qq\.com\/cgi-bin\/showqrcode\?ticket=/);
    const qr = fake.callsTo('/cgi-bin/qrcode/create').at(-1);
    expect(qr?.body).toMatchObject({
      action_info: { scene: { scene_str: 'ref_ABC123' } },
      expire_seconds: 2_592_000,
    });
  });
});
