import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../../helpers/fake-wechat-api';
import { waitFor } from '../../helpers/wait-for';
import {
  ACCOUNT,
  bigMsgId,
  postXml,
  signedQuery,
  textXml,
  uniqueOpenid,
  wechatXml,
} from '../../helpers/wechat-webhook-client';

/**
 * Issue 15 §6 through the official-account webhook, the real conversation and the real bot: a
 * voice message with WeChat's `Recognition` is the member's text; without it, a polite ask to
 * type (the waiting question again inside a flow); a photo outside a question says what photos
 * are for. One reply comes back passively in the response; several go as customer-service texts.
 */
const TOKEN = 'voiceToken42';
let fake: FakeWechatApi;
let api: ApiHarness;

beforeAll(async () => {
  fake = await startFakeWechatApi();
  api = await startApiHarness({
    now: '2026-11-25T10:00:00+08:00',
    env: {
      CHANNEL: 'wechat',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_TOKEN: TOKEN,
      WECHAT_API_BASE: fake.url,
      WECHAT_PASSIVE_REPLY_MS: '3000',
      SMS_PROVIDER: 'dev',
    },
  });
});

afterAll(async () => {
  await api?.stop();
  await fake?.close();
});

const voiceXml = (openid: string, recognition?: string) =>
  wechatXml({
    ToUserName: ACCOUNT,
    FromUserName: openid,
    CreateTime: Math.floor(api.now().getTime() / 1000),
    MsgType: 'voice',
    MediaId: `media_${bigMsgId()}`,
    Format: 'amr',
    ...(recognition === undefined ? {} : { Recognition: recognition }),
    MsgId: BigInt(bigMsgId()),
  });

const imageXml = (openid: string) =>
  wechatXml({
    ToUserName: ACCOUNT,
    FromUserName: openid,
    CreateTime: Math.floor(api.now().getTime() / 1000),
    MsgType: 'image',
    PicUrl: 'http://mmbiz.qpic.cn/receipt.jpg',
    MediaId: `media_${bigMsgId()}`,
    MsgId: BigInt(bigMsgId()),
  });

const csTextsTo = (openid: string) =>
  fake
    .callsTo('/cgi-bin/message/custom/send')
    .filter((c) => c.body.touser === openid && c.errcode === 0)
    .map((c) => (c.body.text as { content: string }).content);

/**
 * What the member sees for one posted message: the passive reply, or (several replies) the
 * customer-service texts that follow `success`.
 */
async function answer(openid: string, xml: string, expectedTexts = 1): Promise<string> {
  const before = csTextsTo(openid).length;
  const res = await postXml(api.url, signedQuery({ token: TOKEN }), xml);
  expect(res.status).toBe(200);
  const passive = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(res.body)?.[1];
  if (passive !== undefined) return passive;
  expect(res.body).toBe('success');
  const sent = await waitFor(
    () => {
      const texts = csTextsTo(openid).slice(before);
      return texts.length >= expectedTexts ? texts : undefined;
    },
    10_000,
    `${expectedTexts} customer-service texts`,
  );
  return sent.join('\n');
}

async function member(): Promise<string> {
  const openid = uniqueOpenid('oVOICE');
  await api.insertMember({ openid, name: '钱先生' });
  // The fake WeChat API keeps the 48-hour rule: customer-service texts need a recent message.
  fake.userMessaged(openid);
  return openid;
}

describe('voice and photos through the webhook', () => {
  it('a voice message with Recognition 「查积分」 gets the balance', async () => {
    const openid = await member();
    const reply = await answer(openid, voiceXml(openid, '查积分。'));
    expect(reply).toContain('您现在有 0 积分可用。');
  });

  it('a voice message without Recognition (or an empty one) gets a polite ask to type', async () => {
    const openid = await member();
    expect(await answer(openid, voiceXml(openid))).toBe(runtimeCopy.voiceNotHeard(true));
    expect(await answer(openid, voiceXml(openid, '  '))).toContain('抱歉，我还听不懂语音，请打字告诉我');
    const guest = uniqueOpenid('oGUEST');
    expect(await answer(guest, voiceXml(guest))).toContain('回复「入会」加入会员');
  });

  it('inside a flow, voice without text re-asks the question with the apology; typed answers go on', async () => {
    const openid = await member();
    expect(await answer(openid, textXml(openid, bigMsgId(), '积分没到账'))).toContain(
      '哪天的消费没拿到积分？',
    );
    const reasked = await answer(openid, voiceXml(openid), 2);
    expect(reasked).toBe(
      '抱歉，我还听不懂语音，请打字回答：\n哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）',
    );
    expect(await answer(openid, voiceXml(openid, '昨天'))).toContain('消费金额是多少元？');
  });

  it('a photo outside a flow points to 积分没到账; at a written question it asks for words', async () => {
    const openid = await member();
    const outside = await answer(openid, imageXml(openid));
    expect(outside).toContain('收到图片啦。如需补登积分，回复「积分没到账」');
    await answer(openid, textXml(openid, bigMsgId(), '积分没到账'));
    const inFlow = await answer(openid, imageXml(openid), 2);
    expect(inFlow).toMatch(/^这一步需要您打字回答，不用发图片。请再试一次：\n哪天的消费没拿到积分？/);
  });
});
