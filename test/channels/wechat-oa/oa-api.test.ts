import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccessTokenCache, cacheSeconds } from '../../../src/channels/wechat-oa/access-token-cache';
import { OaApi, type OaApiOptions } from '../../../src/channels/wechat-oa/oa-api';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../../src/infra/embedded-redis';
import { createRedis, whenReady } from '../../../src/infra/redis-connections';
import { createLogger } from '../../../src/lib/logger';
import { type FakeWechatApi, startFakeWechatApi } from '../../helpers/fake-wechat-api';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('oa-api');
let server: EmbeddedRedis;
let redisA: Redis;
let redisB: Redis;
let fake: FakeWechatApi;
const logLines: string[] = [];
const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
const secretsSeen = new Set<string>();

beforeAll(async () => {
  server = await startEmbeddedRedis({ dataDir: dir.path });
  // Two connections, as two processes would have.
  redisA = createRedis(server.url, 'command', 'test-a');
  redisB = createRedis(server.url, 'command', 'test-b');
  await Promise.all([whenReady(redisA), whenReady(redisB)]);
});

afterAll(async () => {
  await Promise.all([redisA?.quit(), redisB?.quit()]);
  await server?.stop();
  dir.remove();
});

beforeEach(async () => {
  await redisA.flushdb();
  fake = await startFakeWechatApi();
  secretsSeen.add(fake.appSecret);
});

afterEach(async () => {
  for (const call of fake.calls) if (call.token) secretsSeen.add(call.token);
  await fake.close();
});

const api = (extra: Partial<OaApiOptions> = {}) =>
  new OaApi({
    apiBase: fake.url,
    credentials: { appId: fake.appId, appSecret: fake.appSecret },
    redis: redisA,
    logger,
    ...extra,
  });

const tokenFetches = () => fake.callsTo('/cgi-bin/stable_token');
const sends = () => fake.callsTo('/cgi-bin/message/custom/send');

describe('access token (facts 12, 13)', () => {
  it('is fetched once for 20 concurrent callers on two connections, then cached until 80 % of its life', async () => {
    const caches = Array.from(
      { length: 20 },
      (_, i) =>
        new AccessTokenCache({
          apiBase: fake.url,
          credentials: { appId: fake.appId, appSecret: fake.appSecret },
          redis: i % 2 === 0 ? redisA : redisB,
          logger,
        }),
    );
    const results = await Promise.all(caches.map((c) => c.get()));
    expect(tokenFetches()).toHaveLength(1);
    const tokens = new Set(results.map((r) => (r.ok ? r.token : `failed ${r.kind}`)));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^TOKEN_/);
    const ttl = await redisB.ttl(`wechat:access-token:${fake.appId}`);
    expect(ttl).toBeGreaterThan(5_700);
    expect(ttl).toBeLessThanOrEqual(5_760);
    expect((await caches[7]!.get()).ok).toBe(true);
    expect(tokenFetches()).toHaveLength(1);
    expect(tokenFetches()[0]!.body).toMatchObject({
      grant_type: 'client_credential',
      appid: fake.appId,
      force_refresh: false,
    });
  });

  it('refreshes at 80 % of expires_in and at least 5 minutes before WeChat’s expiry', () => {
    expect(cacheSeconds(7200)).toBe(5760);
    expect(cacheSeconds(1000)).toBe(700);
    expect(cacheSeconds(100)).toBe(1);
  });

  it('on 40001 invalidates, refreshes once and retries once, then succeeds', async () => {
    const client = api();
    fake.userMessaged('oMEMBER');
    expect(await client.sendText('oMEMBER', '您好')).toEqual({ ok: true, parts: 1, truncated: false });
    fake.revokeTokens();
    expect(await client.sendText('oMEMBER', '您的积分：1,234')).toEqual({
      ok: true,
      parts: 1,
      truncated: false,
    });
    expect(fake.calls.map((c) => [c.path.replace('/cgi-bin/', ''), c.errcode])).toEqual([
      ['stable_token', 0],
      ['message/custom/send', 0],
      ['message/custom/send', 40001],
      ['stable_token', 0],
      ['message/custom/send', 0],
    ]);
  });

  it('forces a refresh when stable_token hands back the token WeChat just rejected', async () => {
    const client = api();
    fake.userMessaged('oMEMBER');
    fake.failNext('/cgi-bin/message/custom/send', 40014);
    expect((await client.sendText('oMEMBER', '你好')).ok).toBe(true);
    expect(tokenFetches().map((c) => c.body.force_refresh)).toEqual([false, false, true]);
    const [first, retried] = sends();
    expect([first!.errcode, retried!.errcode]).toEqual([40014, 0]);
    expect(retried!.token).not.toBe(first!.token);
  });

  it('treats an expired token (42001) the same way', async () => {
    const client = api();
    fake.userMessaged('oMEMBER');
    await client.sendText('oMEMBER', 'a');
    fake.advance(7_300_000);
    fake.userMessaged('oMEMBER');
    expect((await client.sendText('oMEMBER', 'b')).ok).toBe(true);
    expect(sends().map((c) => c.errcode)).toEqual([0, 42001, 0]);
  });

  it('surfaces invalid_token after one refresh and one retry, without looping', async () => {
    const client = api();
    fake.userMessaged('oMEMBER');
    fake.failNext('/cgi-bin/message/custom/send', 40001, 5);
    expect(await client.sendText('oMEMBER', 'x')).toMatchObject({
      ok: false,
      kind: 'invalid_token',
      errcode: 40001,
      sentParts: 0,
    });
    expect(sends()).toHaveLength(2);
  });

  it('reports a wrong secret as a permanent failure', async () => {
    const client = new OaApi({
      apiBase: fake.url,
      credentials: { appId: fake.appId, appSecret: 'wrong-secret-value' },
      redis: redisA,
      logger,
    });
    expect(await client.sendText('oMEMBER', 'x')).toMatchObject({
      ok: false,
      kind: 'permanent',
      errcode: 40125,
    });
    expect(sends()).toHaveLength(0);
  });
});

describe('customer-service messages (facts 14, 15)', () => {
  it('follows the 48-hour window: 45015 outside it (no retry), 5 sends after a message, then 45047', async () => {
    const client = api();
    fake.follow('oQUIET');
    expect(await client.sendText('oQUIET', '生日快乐')).toMatchObject({
      ok: false,
      kind: 'window_closed',
      errcode: 45015,
    });
    expect(sends()).toHaveLength(1);

    fake.userMessaged('oQUIET');
    for (let i = 0; i < 5; i++) expect((await client.sendText('oQUIET', `第${i + 1}条`)).ok).toBe(true);
    expect(await client.sendText('oQUIET', '第6条')).toMatchObject({
      ok: false,
      kind: 'rate_limited',
      errcode: 45047,
    });
    fake.advance(49 * 3600 * 1000);
    expect(await client.sendText('oQUIET', '过期')).toMatchObject({ kind: 'window_closed' });
  });

  it('allows 3 sends in the minute after a follow, scan or click', async () => {
    const client = api();
    fake.userEvent('oNEW');
    for (let i = 0; i < 3; i++) expect((await client.sendText('oNEW', '欢迎')).ok).toBe(true);
    expect(await client.sendText('oNEW', '第四条')).toMatchObject({ kind: 'rate_limited' });
  });

  it('reports an unfollowed user as unfollowed (43004)', async () => {
    const client = api();
    fake.userMessaged('oGONE');
    fake.unfollow('oGONE');
    expect(await client.sendText('oGONE', 'x')).toMatchObject({
      ok: false,
      kind: 'unfollowed',
      errcode: 43004,
    });
  });

  it('splits long text into ≤ 2048-byte parts, at most two, cutting the rest with …', async () => {
    const client = api();
    fake.userMessaged('oREADER');
    const long = `${'积分明细'.repeat(150)}\n${'会员权益'.repeat(400)}`;
    const result = await client.sendText('oREADER', long);
    expect(result).toEqual({ ok: true, parts: 2, truncated: true });
    const contents = sends().map((c) => (c.body.text as { content: string }).content);
    expect(contents).toHaveLength(2);
    for (const content of contents) expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048);
    // The first part ends at the line break, the second is cut with an ellipsis.
    expect(contents[0]).toBe('积分明细'.repeat(150));
    expect(contents[1]!.endsWith('…')).toBe(true);
  });

  it('sends an image and a one-article news card', async () => {
    const client = api();
    fake.userMessaged('oPIC');
    expect(await client.sendImage('oPIC', 'MEDIA_ID_1')).toEqual({ ok: true });
    expect(
      await client.sendNews('oPIC', {
        title: '邀请好友',
        description: '扫码关注',
        url: 'https://example.com/r/K7MX9Q',
      }),
    ).toEqual({
      ok: true,
    });
    expect(sends().map((c) => c.body)).toEqual([
      { touser: 'oPIC', msgtype: 'image', image: { media_id: 'MEDIA_ID_1' } },
      {
        touser: 'oPIC',
        msgtype: 'news',
        news: {
          articles: [{ title: '邀请好友', description: '扫码关注', url: 'https://example.com/r/K7MX9Q' }],
        },
      },
    ]);
  });
});

describe('template messages (fact 18)', () => {
  it('sends with client_msg_id, keeps the 64-bit msgid exact, and a repeat yields the same delivery', async () => {
    const client = api();
    fake.follow('oMEMBER');
    fake.addTemplate('TPL_POINTS_EXPIRING');
    const message = {
      openid: 'oMEMBER',
      templateId: 'TPL_POINTS_EXPIRING',
      data: { thing1: '积分即将过期', number2: '1,234' },
      clientMsgId: 'delivery-0001',
    };
    const first = await client.sendTemplate(message);
    expect(first).toEqual({ ok: true, msgId: '9007199254740993' });
    expect(await client.sendTemplate(message)).toEqual(first);
    expect(fake.callsTo('/cgi-bin/message/template/send')[0]!.body).toEqual({
      touser: 'oMEMBER',
      template_id: 'TPL_POINTS_EXPIRING',
      client_msg_id: 'delivery-0001',
      data: { thing1: { value: '积分即将过期' }, number2: { value: '1,234' } },
    });
    expect(await client.sendTemplate({ ...message, templateId: 'TPL_UNKNOWN' })).toMatchObject({
      ok: false,
      kind: 'permanent',
      errcode: 40037,
    });
  });
});

describe('referral QR codes (facts 20, 21)', () => {
  it('creates a 30-day QR_STR_SCENE code for ref_<code>, caches the ticket and builds the encoded image URL', async () => {
    const client = api();
    const first = await client.referralQrCode('K7MX9Q');
    if (!first.ok) throw new Error(`qr failed: ${first.errmsg}`);
    expect(fake.callsTo('/cgi-bin/qrcode/create')[0]!.body).toEqual({
      expire_seconds: 2_592_000,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'ref_K7MX9Q' } },
    });
    expect(first.imageUrl).toBe(
      `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(first.ticket)}`,
    );
    expect(first.imageUrl).toMatch(/%2B.*%2F.*%3D%3D$/);
    expect(first.cached).toBe(false);

    const again = await api().referralQrCode('K7MX9Q');
    expect(again).toEqual({ ...first, cached: true });
    expect(fake.callsTo('/cgi-bin/qrcode/create')).toHaveLength(1);
    const ttl = await redisA.ttl(`wechat:qr:${fake.appId}:2592000:ref_K7MX9Q`);
    expect(ttl).toBeGreaterThan(2_592_000 - 86_400 - 5);
    expect(ttl).toBeLessThanOrEqual(2_592_000 - 86_400);
  });

  it('refuses scenes outside 1–64 characters and lifetimes over 30 days without calling WeChat', async () => {
    const client = api();
    expect(await client.temporaryQrCode('x'.repeat(65), 3600)).toMatchObject({
      ok: false,
      kind: 'permanent',
    });
    expect(await client.temporaryQrCode('', 3600)).toMatchObject({ ok: false, kind: 'permanent' });
    expect(await client.temporaryQrCode('ref_A', 2_592_001)).toMatchObject({ ok: false, kind: 'permanent' });
    expect(fake.callsTo('/cgi-bin/qrcode/create')).toHaveLength(0);
    expect((await client.temporaryQrCode('x'.repeat(64), 60)).ok).toBe(true);
  });
});

describe('transport failures (fact 16, 19)', () => {
  it('classifies busy (-1) and quota (45009) from WeChat, a timeout and a refused connection', async () => {
    fake.userMessaged('oMEMBER');
    fake.failNext('/cgi-bin/message/custom/send', -1);
    expect(await api().sendText('oMEMBER', 'x')).toMatchObject({ ok: false, kind: 'transient', errcode: -1 });
    fake.failNext('/cgi-bin/message/custom/send', 45009);
    expect(await api().sendText('oMEMBER', 'x')).toMatchObject({ ok: false, kind: 'quota', errcode: 45009 });
    fake.delayNext('/cgi-bin/message/custom/send', 400);
    expect(await api({ timeoutMs: 100 }).sendText('oMEMBER', 'x')).toMatchObject({
      ok: false,
      kind: 'transient',
      errcode: null,
      errmsg: 'timeout after 100 ms',
    });
    await redisA.flushdb();
    const offline = new OaApi({
      apiBase: 'http://127.0.0.1:9',
      credentials: { appId: fake.appId, appSecret: fake.appSecret },
      redis: redisA,
      logger,
    });
    expect(await offline.sendText('oMEMBER', 'x')).toMatchObject({
      ok: false,
      kind: 'transient',
      errmsg: 'network error',
    });
  });
});

describe('logs (fact 24)', () => {
  it('never contain the app secret or an access token', () => {
    expect(logLines.length).toBeGreaterThan(5);
    const all = logLines.join('\n');
    expect(all).toContain('wechat access token fetched');
    for (const secret of secretsSeen) expect(all).not.toContain(secret);
    for (const call of fake.calls) if (call.token) expect(all).not.toContain(call.token);
  });
});
