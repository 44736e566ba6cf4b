import type { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../../helpers/api-harness';
import { startWechatHarness, type WechatHarness } from '../../helpers/wechat-harness';
import {
  ACCOUNT,
  bigMsgId,
  encryptForWechat,
  postXml,
  sha1Sorted,
  signedQuery,
  textXml,
  uniqueOpenid,
} from '../../helpers/wechat-webhook-client';

const TOKEN = 'safeModeToken7';
const APP_ID = 'wx0123456789abcdef';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
let api: ApiHarness;
let inbound: Queue;

let wechat: WechatHarness;

beforeAll(async () => {
  wechat = await startWechatHarness({
    WECHAT_TOKEN: TOKEN,
    WECHAT_APP_ID: APP_ID,
    WECHAT_ENCODING_AES_KEY: AES_KEY,
  });
  api = wechat.api;
  inbound = wechat.inbound;
});

afterAll(() => wechat?.stop());

beforeEach(async () => {
  await inbound.obliterate({ force: true });
});

const jobs = () => wechat.jobs();

/** A safe-mode POST as WeChat sends it: ciphertext-only body, signature and msg_signature in the URL. */
function sealedPost(
  xml: string,
  options: { appId?: string; msgSignature?: string; encryptType?: string | null } = {},
) {
  const encrypt = encryptForWechat(xml, AES_KEY, options.appId ?? APP_ID);
  const timestamp = '1767225600';
  const nonce = '1234567890';
  const extra: Record<string, string> = {
    msg_signature: options.msgSignature ?? sha1Sorted([TOKEN, timestamp, nonce, encrypt]),
  };
  if (options.encryptType !== null) extra.encrypt_type = options.encryptType ?? 'aes';
  const body = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return postXml(api.url, signedQuery({ token: TOKEN, timestamp, nonce }, extra), body);
}

describe('POST /wechat in safe mode (fact 3)', () => {
  it('decrypts a ciphertext for our AppID, answers `success` and queues the message', async () => {
    const openid = uniqueOpenid();
    const msgId = bigMsgId();
    const res = await sealedPost(textXml(openid, msgId, '我有多少分'));
    expect(res).toMatchObject({ status: 200, body: 'success' });
    const [job] = await jobs();
    expect(job?.message).toMatchObject({
      userId: openid,
      channelMessageId: msgId,
      content: { type: 'text', text: '我有多少分' },
    });
  });

  it('de-duplicates re-deliveries of an encrypted message (each with a fresh ciphertext)', async () => {
    const xml = textXml(uniqueOpenid(), bigMsgId());
    const results = await Promise.all([1, 2, 3].map(() => sealedPost(xml)));
    expect(results.map((r) => r.body)).toEqual(['success', 'success', 'success']);
    expect(await jobs()).toHaveLength(1);
  });

  it('rejects a wrong msg_signature, a foreign AppID, a tampered ciphertext and plaintext, queueing nothing', async () => {
    const xml = textXml(uniqueOpenid(), bigMsgId());
    expect((await sealedPost(xml, { msgSignature: 'a'.repeat(40) })).status).toBe(403);
    expect((await sealedPost(xml, { appId: 'wxffffffffffffffff' })).status).toBe(403);
    expect((await sealedPost(xml, { encryptType: null })).status).toBe(403);

    // A ciphertext altered in transit, with msg_signature recomputed by someone who knows the
    // token but not the AES key: fails to decrypt.
    const encrypt = Buffer.from(encryptForWechat(xml, AES_KEY, APP_ID), 'base64');
    encrypt[encrypt.length - 1]! ^= 0x55;
    const tampered = encrypt.toString('base64');
    const query = signedQuery(
      { token: TOKEN, timestamp: '1767225600', nonce: '42' },
      { encrypt_type: 'aes', msg_signature: sha1Sorted([TOKEN, '1767225600', '42', tampered]) },
    );
    const res = await postXml(api.url, query, `<xml><Encrypt><![CDATA[${tampered}]]></Encrypt></xml>`);
    expect(res.status).toBe(403);

    // Plaintext XML in safe mode, correctly signed with the plain signature: refused.
    const plain = await postXml(api.url, signedQuery({ token: TOKEN }), xml);
    expect(plain.status).toBe(403);
    expect(await jobs()).toEqual([]);
  });

  it('still verifies the URL with the plain signature (GET)', async () => {
    const res = await fetch(`${api.url}/wechat?${signedQuery({ token: TOKEN }, { echostr: 'hello123' })}`);
    expect(await res.text()).toBe('hello123');
  });
});
