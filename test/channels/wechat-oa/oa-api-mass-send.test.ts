import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OaApi } from '../../../src/channels/wechat-oa/oa-api';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../../src/infra/embedded-redis';
import { createRedis, whenReady } from '../../../src/infra/redis-connections';
import { createLogger } from '../../../src/lib/logger';
import { type FakeWechatApi, startFakeWechatApi } from '../../helpers/fake-wechat-api';
import { makeTempDir } from '../../helpers/temp-dir';

/** `OaApi.massSendText` against the fake WeChat API (WECHAT.md §4, mass send). */
const dir = makeTempDir('oa-api-mass');
let server: EmbeddedRedis;
let redis: Redis;
let fake: FakeWechatApi;
const MASS = '/cgi-bin/message/mass/send';

beforeAll(async () => {
  server = await startEmbeddedRedis({ dataDir: dir.path });
  redis = createRedis(server.url, 'command', 'test-mass');
  await whenReady(redis);
});

afterAll(async () => {
  await redis?.quit();
  await server?.stop();
  dir.remove();
});

beforeEach(async () => {
  await redis.flushdb();
  fake = await startFakeWechatApi();
});

afterEach(async () => {
  await fake.close();
});

const api = () =>
  new OaApi({
    apiBase: fake.url,
    credentials: { appId: fake.appId, appSecret: fake.appSecret },
    redis,
    logger: createLogger('silent'),
  });

const message = { openids: ['oA', 'oB', 'oC'], text: '双十一到店享三倍积分', clientMsgId: 'mass_0001' };

describe('mass send by openid list', () => {
  it('posts the text to the openids with clientmsgid and keeps msg_id and msg_data_id exact', async () => {
    expect(await api().massSendText(message)).toEqual({
      ok: true,
      msgId: '9007199254740993',
      msgDataId: '9007199254740994',
      duplicate: false,
    });
    expect(fake.callsTo(MASS)[0]!.body).toEqual({
      touser: ['oA', 'oB', 'oC'],
      msgtype: 'text',
      text: { content: '双十一到店享三倍积分' },
      clientmsgid: 'mass_0001',
      send_ignore_reprint: 0,
    });
    expect(fake.massSends).toHaveLength(1);
  });

  it('reports a repeated clientmsgid (45065) as the first send, which WeChat does not send again', async () => {
    const first = await api().massSendText(message);
    const again = await api().massSendText(message);
    expect(again).toEqual({ ok: true, msgId: first.ok ? first.msgId : '', msgDataId: null, duplicate: true });
    expect(fake.callsTo(MASS).map((c) => c.errcode)).toEqual([0, 45065]);
    expect(fake.massSends).toHaveLength(1);
    expect(fake.massReceived('oB')).toBe(1);
  });

  it('refreshes a rejected token once and retries once (40001)', async () => {
    const client = api();
    expect((await client.massSendText(message)).ok).toBe(true);
    fake.revokeTokens();
    expect(await client.massSendText({ ...message, clientMsgId: 'mass_0002' })).toMatchObject({ ok: true });
    expect(fake.callsTo(MASS).map((c) => c.errcode)).toEqual([0, 40001, 0]);
  });

  it('classifies busy (-1), quota (45009), no mass quota (45028) and a bad request as values', async () => {
    fake.failNext(MASS, -1);
    expect(await api().massSendText(message)).toEqual({
      ok: false,
      kind: 'transient',
      errcode: -1,
      errmsg: 'fake error -1',
    });
    fake.failNext(MASS, 45009);
    expect(await api().massSendText(message)).toMatchObject({ ok: false, kind: 'quota', errcode: 45009 });
    fake.failNext(MASS, 45028);
    expect(await api().massSendText(message)).toMatchObject({ ok: false, kind: 'quota', errcode: 45028 });
    fake.failNext(MASS, 40003);
    expect(await api().massSendText(message)).toMatchObject({ ok: false, kind: 'permanent', errcode: 40003 });
    expect(fake.massSends).toHaveLength(0);
  });

  it('refuses fewer than 2 or more than 10,000 openids and a clientmsgid over 64 bytes without calling', async () => {
    const client = api();
    expect(await client.massSendText({ ...message, openids: ['oA'] })).toMatchObject({
      ok: false,
      kind: 'permanent',
      errcode: null,
    });
    const many = Array.from({ length: 10_001 }, (_, i) => `o${i}`);
    expect((await client.massSendText({ ...message, openids: many })).ok).toBe(false);
    expect((await client.massSendText({ ...message, clientMsgId: 'x'.repeat(65) })).ok).toBe(false);
    expect(fake.callsTo(MASS)).toHaveLength(0);
    expect((await client.massSendText({ ...message, openids: many.slice(0, 10_000) })).ok).toBe(true);
  });
});
