import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type Db, MongoClient } from 'mongodb';
import { defaultProgram } from '../../src/config/default-program';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/infra/embedded-redis';
import { createLogger } from '../../src/lib/logger';
import { type Runtime, startRuntime } from '../../src/runtime/start-runtime';
import { type AudienceMember, awakeProgramFile, insertBroadcastAudience } from './broadcast-audience';
import { type FakeWechatApi, startFakeWechatApi } from './fake-wechat-api';
import { type MongoProcess, startMongoProcess } from './mongo-process';
import { redisServersIn } from './redis-processes';
import { type MainProcess, spawnMain } from './spawn-main';
import { makeTempDir } from './temp-dir';
import { testConfig, testKeys } from './test-config';
import { waitFor } from './wait-for';

const CUSTOM_SEND = '/cgi-bin/message/custom/send';

/**
 * A scale-out deployment on loopback for broadcast proofs: the embedded MongoDB-wire server in its
 * own process, a redis-server (AOF) the test may kill, a fake WeChat API, a web runtime in this
 * process (staff API: the test creates and schedules campaigns through it) and worker processes
 * started as `npm run start:worker` is, against the same MongoDB and Redis. The audience follows,
 * has marketing consent and wrote an hour ago (the customer-service window is open at the fake
 * and in our delivery states), so every member gets a customer-service message.
 */
export interface BroadcastRig {
  fake: FakeWechatApi;
  redis: EmbeddedRedis;
  db: Db;
  audience: AudienceMember[];
  /** A worker process (`--role worker`) on the shared servers, sending to the fake. */
  startWorker(): Promise<MainProcess>;
  /** SIGKILLs the redis-server; the embedded supervisor starts it again (same port, same AOF). */
  killRedis(): Promise<void>;
  /** Creates and schedules (start now) a campaign to the whole audience; its id. */
  broadcast(): Promise<string>;
  /** Successful customer-service sends at the fake, per openid. */
  received(): Map<string, number>;
  /** The campaign's delivery records by status (and reason). */
  statuses(campaignId: string): Promise<Record<string, number>>;
  /** Waits until every record of the campaign is final (sent, skipped, failed, mass_pending). */
  settled(campaignId: string, timeoutMs: number): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startBroadcastRig(options: { members: number }): Promise<BroadcastRig> {
  const dir = makeTempDir('broadcast');
  const workers: MainProcess[] = [];
  const fake = await startFakeWechatApi();
  const mongo: MongoProcess = await startMongoProcess(join(dir.path, 'mongo'));
  const redis = await startEmbeddedRedis({ dataDir: dir.path });
  const client = new MongoClient(mongo.uri);
  const db = client.db('chezhu');
  const programFile = awakeProgramFile(dir.path);
  const shared = { MONGODB_URI: mongo.uri, REDIS_URL: redis.url, PROGRAM_FILE: programFile };
  const web: Runtime = await startRuntime({
    config: testConfig(join(dir.path, 'web'), { ...shared, CHANNEL: 'simulator' }),
    role: 'web',
    program: defaultProgram,
    logger: createLogger('silent'),
  });
  const audience = await insertBroadcastAudience(db, {
    count: options.members,
    tag: 'broadcast-proof',
    inboundAt: new Date(Date.now() - 3_600_000),
  });
  for (const member of audience) fake.userMessaged(member.openid);

  const api = async (path: string, body: unknown) => {
    const res = await fetch(`${web.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testKeys.marketing}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const statuses = async (campaignId: string) => {
    const groups = await db
      .collection('deliveries')
      .aggregate<{ _id: { status: string; reason: string | null }; n: number }>([
        { $match: { _id: { $gte: `campaign:${campaignId}:`, $lt: `campaign:${campaignId};` } } },
        { $group: { _id: { status: '$status', reason: '$reason' }, n: { $sum: 1 } } },
      ])
      .toArray();
    return Object.fromEntries(
      groups.map((g) => [g._id.reason ? `${g._id.status}:${g._id.reason}` : g._id.status, g.n]),
    );
  };

  return {
    fake,
    redis,
    db,
    audience,
    async startWorker() {
      const worker = spawnMain(
        {
          PORT: '0',
          DATA_DIR: join(dir.path, `worker-${workers.length}`),
          ...shared,
          CHANNEL: 'simulator',
          WECHAT_APP_ID: fake.appId,
          WECHAT_APP_SECRET: fake.appSecret,
          WECHAT_API_BASE: fake.url,
          DELIVERY_RATE_PER_SECOND: '0',
          LOG_LEVEL: 'info',
        },
        ['--role', 'worker'],
      );
      workers.push(worker);
      await worker.ready;
      // Only collected from here on (a long run must not re-scan its output).
      worker.child.stdout.removeAllListeners('data');
      worker.child.stdout.resume();
      return worker;
    },
    async killRedis() {
      const [pid] = redisServersIn(dir.path);
      if (!pid) throw new Error('no redis-server to kill');
      process.kill(pid, 'SIGKILL');
      await waitFor(
        async () => {
          const [next] = redisServersIn(dir.path);
          if (!next || next === pid) return false;
          const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
          try {
            await probe.connect();
            return (await probe.ping()) === 'PONG';
          } finally {
            probe.disconnect();
          }
        },
        20_000,
        'redis-server back on its port',
        100,
      );
    },
    async broadcast() {
      const { id } = await api('/campaigns', {
        name: '双十一会员专享',
        audience: { tags: ['broadcast-proof'] },
        text: '{name}您好！双十一到店享三倍积分，您当前有 {points}。',
        genericText: '双十一到店享三倍积分，欢迎到店。',
        startAt: new Date().toISOString(),
      });
      await api(`/campaigns/${id}/schedule`, {});
      return id;
    },
    received() {
      const counts = new Map<string, number>();
      for (const call of fake.callsTo(CUSTOM_SEND)) {
        if (call.errcode !== 0) continue;
        const openid = String(call.body.touser);
        counts.set(openid, (counts.get(openid) ?? 0) + 1);
      }
      return counts;
    },
    statuses,
    settled(campaignId, timeoutMs) {
      return waitFor(
        async () => {
          const counts = await statuses(campaignId);
          const total = Object.values(counts).reduce((a, b) => a + b, 0);
          const open = ['queued', 'sending', 'deferred', 'held'].reduce((n, s) => n + (counts[s] ?? 0), 0);
          return total === options.members && open === 0 ? counts : undefined;
        },
        timeoutMs,
        `campaign ${campaignId} to settle`,
        500,
      );
    },
    async stop() {
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await web.stop();
      await client.close();
      await mongo.stop();
      await redis.stop();
      await fake.close();
      dir.remove();
    },
  };
}
