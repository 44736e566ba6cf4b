import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/channels/inbound-message';
import { InboundClaims } from '../../../src/channels/wechat-oa/inbound-claims';
import { wechatWebhookRouter } from '../../../src/channels/wechat-oa/webhook.router';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../../src/infra/embedded-redis';
import { createRedis, whenReady } from '../../../src/infra/redis-connections';
import { createLogger } from '../../../src/lib/logger';
import type { WechatInboundJob } from '../../../src/queues/wechat-inbound-queue';
import { makeTempDir } from '../../helpers/temp-dir';
import {
  ACCOUNT,
  bigMsgId,
  postXml,
  signedQuery,
  textXml,
  uniqueOpenid,
} from '../../helpers/wechat-webhook-client';

/**
 * Who answers a WeChat action when several web processes share one Redis: the claim in Redis,
 * not any one process, decides. Two webhook routers (two "processes") with scripted bots and a
 * recording queue.
 */
const TOKEN = 'claimsToken42';
const BUDGET_MS = 150;
const dir = makeTempDir('claims');
let server: EmbeddedRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startEmbeddedRedis({ dataDir: dir.path });
  redis = createRedis(server.url, 'command', 'test-claims');
  await whenReady(redis);
});

afterAll(async () => {
  await redis?.quit();
  await server?.stop();
  dir.remove();
});

beforeEach(async () => {
  await redis.flushdb();
});

const message = (userId: string, id = `msg:${bigMsgId()}`): InboundMessage => ({
  id,
  channel: 'wechat',
  accountId: ACCOUNT,
  userId,
  channelMessageId: id.slice(4),
  sentAt: '2026-01-01T00:00:00.000Z',
  content: { type: 'text', text: '查积分' },
});

describe('InboundClaims', () => {
  it('lets one request have an action; a retry of a live claim is a duplicate, of a dead one a take-over', async () => {
    const claims = new InboundClaims(redis, { staleMs: 1_000 });
    const action = message(uniqueOpenid());
    const first = await claims.claim(action, 10_000);
    expect(first.kind).toBe('inline');
    expect((await claims.claim(action, 10_500)).kind).toBe('duplicate');
    // 1 s later the holder counts as dead: WeChat's retry takes the action over.
    const second = await claims.claim(action, 11_200);
    expect(second.kind).toBe('inline');
    // The old holder, come back, can neither answer nor hand off: exactly one path answers.
    if (first.kind !== 'inline' || second.kind !== 'inline') throw new Error('claims expected');
    expect(await claims.settle(action, first.holder, true)).toBe('lost');
    expect(await claims.settle(action, first.holder, false)).toBe('lost');
    expect(await claims.settle(action, second.holder, true)).toBe('answer');
    // Answered: later retries are duplicates, however late.
    expect((await claims.claim(action, 99_000)).kind).toBe('duplicate');
    expect(await redis.ttl(InboundClaims.markerKey(action))).toBeGreaterThan(290);
  });

  it('sends a member’s actions to the queue while one of theirs handed off is unanswered', async () => {
    const claims = new InboundClaims(redis);
    const openid = uniqueOpenid();
    const a = message(openid);
    const b = message(openid);
    const c = message(openid);
    const claimA = await claims.claim(a);
    const claimB = await claims.claim(b);
    if (claimA.kind !== 'inline' || claimB.kind !== 'inline') throw new Error('claims expected');
    // A misses its budget and is handed off; B, already being handled, may not answer now.
    expect(await claims.settle(a, claimA.holder, false)).toBe('queue');
    expect(await claims.settle(b, claimB.holder, true)).toBe('queue');
    // C arrives meanwhile: straight to the queue.
    expect((await claims.claim(c)).kind).toBe('queue');
    const count = InboundClaims.handoffKey(a);
    expect(await redis.get(count)).toBe('3');
    for (const done of [a, b, c]) await claims.finished(done);
    expect(await redis.exists(count)).toBe(0);
    // Extra finishes (a job of a process that does not count) never go below zero.
    await claims.finished(a);
    expect(await redis.exists(count)).toBe(0);
    expect((await claims.claim(message(openid))).kind).toBe('inline');
  });
});

/** A web process: the webhook router with a scripted bot and a queue that records what it got. */
async function webProcess(bot: (message: InboundMessage) => Promise<string[]>, failQueue = () => false) {
  const added: WechatInboundJob[] = [];
  const queue = {
    add: async (_name: string, data: WechatInboundJob) => {
      if (failQueue()) throw new Error('Redis unavailable');
      added.push(data);
    },
  };
  const app = express();
  app.use(
    '/wechat',
    wechatWebhookRouter({
      wechat: {
        token: TOKEN,
        encodingAesKey: null,
        apiBase: 'http://127.0.0.1:9',
        credentials: null,
        passiveReplyMs: BUDGET_MS,
      },
      redis,
      queue: queue as unknown as Queue,
      logger: createLogger('silent'),
      clock: () => new Date('2026-11-25T10:00:00+08:00'),
      puppet: { deliverCaptured: bot },
    }),
  );
  const listening = app.listen(0, '127.0.0.1');
  await new Promise((r) => listening.once('listening', r));
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  return {
    added,
    post: (xml: string) => postXml(url, signedQuery({ token: TOKEN }), xml),
    close: () => new Promise((r) => listening.close(r)),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two web processes', () => {
  it('never let a passive reply overtake a member’s reply still in the queue', async () => {
    const slowBot = async (m: InboundMessage) => {
      await sleep(BUDGET_MS + 100);
      return [`慢：${m.id}`];
    };
    const fastBot = async (m: InboundMessage) => [`快：${m.id}`];
    const one = await webProcess(slowBot);
    const two = await webProcess(fastBot);
    try {
      const openid = uniqueOpenid();
      const first = await one.post(textXml(openid, bigMsgId(), '第一条', 1767225600));
      expect(first.body).toBe('success');
      expect(one.added.map((job) => job.counted)).toEqual([true]);
      // The other process has a quick answer for the member's next message, but the first one's
      // reply is still to go out from the queue: the second goes there too, behind it.
      const second = await two.post(textXml(openid, bigMsgId(), '第二条', 1767225601));
      expect(second.body).toBe('success');
      expect(two.added).toHaveLength(1);
      // The worker answered both: the member's messages are answered in the body again.
      const claims = new InboundClaims(redis);
      for (const job of [...one.added, ...two.added]) await claims.finished(job.message);
      const third = await two.post(textXml(openid, bigMsgId(), '第三条', 1767225602));
      expect(third.body).toContain('<Content><![CDATA[快：');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('gives one concurrent delivery of an action to one process and `success` to the rest', async () => {
    let handled = 0;
    const bot = async (m: InboundMessage) => {
      handled++;
      await sleep(50);
      return [`收到：${m.id}`];
    };
    const processes = await Promise.all([webProcess(bot), webProcess(bot)]);
    try {
      const xml = textXml(uniqueOpenid(), bigMsgId());
      const answers = await Promise.all(processes.flatMap((p) => [p.post(xml), p.post(xml)]));
      expect(answers.filter((a) => a.body.startsWith('<xml>'))).toHaveLength(1);
      expect(answers.filter((a) => a.body === 'success')).toHaveLength(3);
      expect(handled).toBe(1);
      expect(processes.flatMap((p) => p.added)).toEqual([]);
    } finally {
      await Promise.all(processes.map((p) => p.close()));
    }
  });

  it('answers 503 and forgets the action when the queue refuses a hand-off, so WeChat’s retry gets through', async () => {
    let refuse = true;
    let slow = true;
    const bot = async (m: InboundMessage) => {
      if (slow) await sleep(BUDGET_MS + 100);
      return [`收到：${m.id}`];
    };
    const web = await webProcess(bot, () => refuse);
    try {
      const openid = uniqueOpenid();
      const xml = textXml(openid, bigMsgId());
      const first = await web.post(xml);
      expect(first.status).toBe(503);
      expect(await redis.exists(InboundClaims.handoffKey({ accountId: ACCOUNT, userId: openid }))).toBe(0);
      refuse = false;
      slow = false;
      const retry = await web.post(xml);
      expect(retry.body).toContain('<MsgType><![CDATA[text]]></MsgType>');
    } finally {
      await web.close();
    }
  });
});
