/**
 * `POST /wechat` hand-off latency: signed 查积分 texts from distinct members, each verified,
 * parsed, de-duplicated in Redis and added to the `wechat-inbound` queue before `success` (passive
 * replies off: `WECHAT_PASSIVE_REPLY_MS=0`).
 * Reports (1) the handler's own time (hrtime from request in to response finished, measured by a
 * middleware around the same router on the same Redis) and (2) the client's round trip against
 * the full runtime, sequentially and with 16 concurrent callers. WeChat's deadline is 5 s;
 * WECHAT.md recommends ~100 ms.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { wechatWebhookRouter } from '../src/channels/wechat-oa/webhook.router';
import { defaultProgram } from '../src/config/default-program';
import { parseEnv } from '../src/config/env';
import { createLogger } from '../src/lib/logger';
import { createWechatInboundProducer } from '../src/queues/wechat-inbound-queue';
import { startRuntime } from '../src/runtime/start-runtime';

const REQUESTS = 1_000;
const TOKEN = 'benchToken42';
const dataDir = mkdtempSync(join(tmpdir(), 'chezhu-bench-wechat-'));
const config = parseEnv({
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  CHANNEL: 'wechat',
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'bench-secret',
  WECHAT_TOKEN: TOKEN,
  SMS_PROVIDER: 'dev',
  STAFF_API_KEYS: 'admin:bench-admin-key-0123456789',
  // The hand-off path (passive replies are measured by webhook-throughput).
  WECHAT_PASSIVE_REPLY_MS: '0',
});
const logger = createLogger('silent');
const runtime = await startRuntime({ config, role: 'web', program: defaultProgram, logger });

// The same router on the same Redis, with a timing middleware in front of it.
const handlerMs: number[] = [];
const producer = await createWechatInboundProducer(runtime.redisUrl, logger);
const timed = express();
timed.use((_req, res, next) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => handlerMs.push(Number(process.hrtime.bigint() - started) / 1e6));
  next();
});
timed.use(
  '/wechat',
  wechatWebhookRouter({
    wechat: config.wechat,
    redis: runtime.redis,
    queue: producer.queue,
    logger,
    clock: () => new Date(),
  }),
);
const timedServer = timed.listen(0, '127.0.0.1');
await new Promise((r) => timedServer.once('listening', r));
const timedUrl = `http://127.0.0.1:${(timedServer.address() as AddressInfo).port}`;

let counter = 0;
async function post(base: string): Promise<number> {
  const n = counter++;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(n);
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  const xml = `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[oBENCH_${n % 10_000}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[查积分]]></Content><MsgId>${24086087575195331n + BigInt(n)}</MsgId></xml>`;
  const started = performance.now();
  const res = await fetch(
    `${base}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=x`,
    {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    },
  );
  const body = await res.text();
  if (body !== 'success') throw new Error(`unexpected answer ${res.status} ${body}`);
  return performance.now() - started;
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`;
};

for (let i = 0; i < 100; i++) await post(timedUrl); // warm-up
handlerMs.length = 0;
for (let i = 0; i < REQUESTS; i++) await post(timedUrl);
console.log(`handler time, ${REQUESTS} sequential requests: ${stats(handlerMs)}`);

const sequential: number[] = [];
for (let i = 0; i < REQUESTS; i++) sequential.push(await post(runtime.url));
console.log(`round trip (full runtime), ${REQUESTS} sequential: ${stats(sequential)}`);

const concurrent: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (let i = 0; i < REQUESTS / 16; i++) concurrent.push(await post(runtime.url));
  }),
);
const rate = (concurrent.length / (performance.now() - started)) * 1000;
console.log(
  `round trip (full runtime), 16 concurrent callers: ${stats(concurrent)}, ${Math.round(rate)} req/s`,
);

await new Promise((r) => timedServer.close(r));
await producer.close();
await runtime.stop();
rmSync(dataDir, { recursive: true, force: true });
