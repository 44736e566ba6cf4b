/**
 * Broadcast throughput (QUALITY.md "broadcast fan-out"): a campaign to BENCH_MEMBERS (default
 * 100,000) members with a no-op sender — audience streaming, fan-out (delivery records in bulk,
 * jobs in bulk), the delivery policy, cap reservations and outcome records for every member —
 * against raw BullMQ add (addBulk) + process of the same number of no-op jobs, same concurrency
 * (the `delivery` queue's 256), same Redis, same run (a raw round before and one after the
 * broadcast; the ratio uses their median).
 *
 * Topology: redis-server and the embedded MongoDB-wire server each in their own process (as a real
 * deployment's Redis and MongoDB would be), the product as `npm start` (`src/main.ts`, role `all`:
 * staff API, fan-out and delivery workers in one process) without WeChat credentials, so delivery
 * uses the simulator's sender, a no-op at LOG_LEVEL=warn. Every member follows, has marketing
 * consent and wrote an hour ago, so each message takes the full customer-service path. The rate
 * limiter is off (`DELIVERY_RATE_PER_SECOND=0`): the production default of 20/s is WeChat's quota,
 * not our speed. Peak RSS of the product process is read from /proc (VmHWM) and sampled (VmRSS).
 * `BENCH_BONUS=1` also credits 100 bonus points to every member. `BENCH_CPU_PROF=<dir>` writes CPU
 * profiles of the product and MongoDB server processes over the broadcast
 * (`bench/fixtures/cpu-profile-on-signal.mjs`); `BENCH_NODE_OPTIONS` are V8 options for the product
 * process (e.g. `--max-old-space-size=160`: peak RSS then follows the live heap).
 * Exits non-zero when a member is missed or messaged twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type Collection, MongoClient } from 'mongodb';
import { startEmbeddedRedis } from '../src/infra/embedded-redis';
import { defaultJobOptions } from '../src/queues/default-job-options';
import { awakeProgramFile, insertBroadcastAudience } from '../test/helpers/broadcast-audience';
import { startMongoProcess } from '../test/helpers/mongo-process';
import { spawnMain } from '../test/helpers/spawn-main';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const BONUS = process.env.BENCH_BONUS === '1' ? 100 : 0;
/** The `delivery` queue's concurrency (src/runtime/start-workers.ts), for the raw rounds too. */
const CONCURRENCY = 256;
const ADMIN_KEY = 'bench-admin-key-0123456789';
const TIMEOUT_MS = 30 * 60_000;

const dataDir = mkdtempSync(join(tmpdir(), 'chezhu-bench-broadcast-'));
const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const profiling: Record<string, string> = profileDir
  ? {
      NODE_OPTIONS: `--import=${resolve('bench/fixtures/cpu-profile-on-signal.mjs')}`,
      BENCH_CPU_PROF_DIR: profileDir,
    }
  : {};
const redisServer = await startEmbeddedRedis({ dataDir });
const mongo = await startMongoProcess(join(dataDir, 'mongo'), profiling);
const cleanup: (() => unknown)[] = [];
process.once('exit', () => {
  for (const step of cleanup.reverse()) step();
  mongo.child.kill('SIGTERM');
});

/**
 * Raw BullMQ: addBulk in pages of 1,000 and a worker with a no-op processor, start to last
 * completion. With `records` it is the floor of an exactly-once broadcast instead: each page's
 * records inserted in one `insertMany` before its jobs, and each job marking its record sent with
 * one conditional update (native driver) — the least a delivery can write, with no member read,
 * policy, cap or claim.
 */
async function rawBullmq(count: number, records: Collection<{ _id: string; status: string }> | null = null) {
  const name = `raw-${randomBytes(4).toString('hex')}`;
  const producer = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const consumer = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: producer, defaultJobOptions });
  let completed = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((done) => {
    finish = done;
  });
  const started = performance.now();
  const worker = new Worker(
    name,
    async (job) => {
      if (records)
        await records.updateOne({ _id: job.data.key, status: 'queued' }, { $set: { status: 'sent' } });
      return null;
    },
    { connection: consumer, concurrency: CONCURRENCY },
  );
  worker.on('completed', () => {
    if (++completed === count) finish();
  });
  for (let start = 0; start < count; start += 1_000) {
    const page = [];
    for (let i = start; i < Math.min(count, start + 1_000); i++) {
      page.push({ name: 'noop', data: { key: `${name}:${i}` }, opts: { jobId: `raw_${i}_0` } });
    }
    if (records) await records.insertMany(page.map((job) => ({ _id: job.data.key, status: 'queued' })));
    await queue.addBulk(page);
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  return count / seconds;
}

function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

console.log(`raw BullMQ round 1 (${fmt(MEMBERS)} jobs)…`);
const rawBefore = await rawBullmq(MEMBERS);
console.log(`  ${fmt(rawBefore)} jobs/s`);

console.log(`inserting ${fmt(MEMBERS)} members…`);
const client = new MongoClient(mongo.uri);
const tag = 'bench-broadcast';
await insertBroadcastAudience(client.db('chezhu'), {
  count: MEMBERS,
  tag,
  inboundAt: new Date(Date.now() - 3_600_000),
});

const product = spawnMain({
  PORT: '0',
  DATA_DIR: join(dataDir, 'product'),
  MONGODB_URI: mongo.uri,
  REDIS_URL: redisServer.url,
  LOG_LEVEL: 'warn',
  STAFF_API_KEYS: `admin:${ADMIN_KEY}`,
  DELIVERY_RATE_PER_SECOND: '0',
  PROGRAM_FILE: awakeProgramFile(dataDir),
  ...profiling,
  ...(process.env.BENCH_NODE_OPTIONS
    ? { NODE_OPTIONS: [profiling.NODE_OPTIONS, process.env.BENCH_NODE_OPTIONS].filter(Boolean).join(' ') }
    : {}),
});
cleanup.push(() => product.child.kill('SIGTERM'));
// At LOG_LEVEL=warn there is no `ready` log line: the banner, printed whatever the level, has the port.
const ready = await new Promise<{ url: string }>((done, fail) => {
  const timer = setTimeout(() => fail(new Error(`no banner: ${product.stderr().slice(-2000)}`)), 60_000);
  const poll = setInterval(() => {
    const port = /Health\s+http:\/\/localhost:(\d+)\/healthz/.exec(product.stdout())?.[1];
    if (!port) return;
    clearInterval(poll);
    clearTimeout(timer);
    done({ url: `http://127.0.0.1:${port}` });
  }, 100);
});
const pid = product.child.pid!;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${ready.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Final delivery outcomes counted by the product (`deliveries_total`), by outcome. */
async function outcomes(): Promise<Record<string, number>> {
  const text = await (await fetch(`${ready.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^deliveries_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)/gm)) {
    counts[match[1]!] = (counts[match[1]!] ?? 0) + Number(match[2]);
  }
  return counts;
}

const { id } = await api<{ id: string }>('POST', '/campaigns', {
  name: '双十一会员专享',
  audience: { tags: [tag] },
  text: '{name}您好！双十一到店享三倍积分，您当前有 {points}。',
  genericText: '双十一到店享三倍积分，欢迎到店。',
  bonusPoints: BONUS,
  startAt: new Date().toISOString(),
});
const rssSamples: number[] = [];
/** Seconds after scheduling of each RSS sample. */
const rssTimes: number[] = [];
const redisClient = new Redis(redisServer.url);
const redisPid = Number((await redisClient.info('server')).match(/^process_id:(\d+)/m)?.[1]);
redisClient.disconnect();
const mongoPid = mongo.child.pid!;
const cpuBefore = [cpuSeconds(pid), cpuSeconds(mongoPid), cpuSeconds(redisPid)];
// What the process holds before any broadcast work (code, libraries, the bot runtime).
const idleRss = procStatus(pid).rssMb;
if (profileDir) for (const child of [product.child, mongo.child]) child.kill('SIGUSR2');
const started = performance.now();
await api('POST', `/campaigns/${id}/schedule`, {});
let fanOutSeconds = Number.NaN;
let final: Record<string, number> = {};
for (;;) {
  await new Promise((r) => setTimeout(r, 250));
  rssSamples.push(procStatus(pid).rssMb);
  rssTimes.push((performance.now() - started) / 1000);
  if (Number.isNaN(fanOutSeconds)) {
    const { campaigns } = await api<{ campaigns: { id: string; fannedOutAt: string | null }[] }>(
      'GET',
      '/campaigns?limit=5',
    );
    // The whole audience handed to delivery (the campaign completes when the messages settle).
    if (campaigns.find((c) => c.id === id)?.fannedOutAt) {
      fanOutSeconds = (performance.now() - started) / 1000;
    }
  }
  final = await outcomes();
  const settled = ['sent', 'skipped', 'mass_pending', 'failed'].reduce((n, k) => n + (final[k] ?? 0), 0);
  if (settled >= MEMBERS && !Number.isNaN(fanOutSeconds)) break;
  if (performance.now() - started > TIMEOUT_MS) throw new Error(`timed out: ${JSON.stringify(final)}`);
}
const seconds = (performance.now() - started) / 1000;
if (profileDir) for (const child of [product.child, mongo.child]) child.kill('SIGUSR2');
const [cpu, mongoCpu, redisCpu] = [cpuSeconds(pid), cpuSeconds(mongoPid), cpuSeconds(redisPid)].map(
  (after, i) => after - cpuBefore[i]!,
) as [number, number, number];
const peak = procStatus(pid).hwmMb;
const broadcastRate = MEMBERS / seconds;

const counts = (await api<{ counts: Record<string, unknown> }>('GET', `/campaigns/${id}`)).counts;
const sentRecords = await client
  .db('chezhu')
  .collection('deliveries')
  .countDocuments({ _id: { $gte: `campaign:${id}:`, $lt: `campaign:${id};` } as never, status: 'sent' });

console.log(`raw BullMQ round 2 (${fmt(MEMBERS)} jobs)…`);
const rawAfter = await rawBullmq(MEMBERS);
console.log(`  ${fmt(rawAfter)} jobs/s`);
const raw = (rawBefore + rawAfter) / 2;
console.log(`floor: BullMQ + one record insert and one conditional update per job (${fmt(MEMBERS)} jobs)…`);
const floorRecords = client.db('bench').collection<{ _id: string; status: string }>('floor');
const floorRate = await rawBullmq(MEMBERS, floorRecords);
console.log(`  ${fmt(floorRate)} jobs/s`);
const floorSent = await floorRecords.countDocuments({ status: 'sent' });
if (floorSent !== MEMBERS) throw new Error(`floor recorded ${floorSent} of ${MEMBERS}`);
const mongoRss = procStatus(mongo.child.pid!).rssMb;

await client.close();
product.child.kill('SIGTERM');
await product.exited;
await mongo.stop();
await redisServer.stop();
rmSync(dataDir, { recursive: true, force: true });

const ok = sentRecords === MEMBERS && final.sent === MEMBERS;
console.log(`
| what | figure | target |
|---|---|---|
| broadcast to ${fmt(MEMBERS)} members${BONUS ? ` with ${BONUS} bonus points each` : ''}, no-op sender: schedule → last delivery recorded | ${fmt(seconds, 1)} s = ${fmt(broadcastRate)} members/s (fan-out done after ${fmt(fanOutSeconds, 1)} s = ${fmt(MEMBERS / fanOutSeconds)} members/s) | — |
| raw BullMQ addBulk + process, no-op, concurrency ${CONCURRENCY} (rounds before / after) | ${fmt(raw)} jobs/s (${fmt(rawBefore)} / ${fmt(rawAfter)}) | — |
| broadcast ÷ raw | ${fmt((100 * broadcastRate) / raw, 1)} % | ≥ 50 % |
| floor (raw + one record insert and one conditional update per job, same MongoDB) ÷ raw; broadcast ÷ floor | ${fmt((100 * floorRate) / raw, 1)} % (${fmt(floorRate)} jobs/s); ${fmt((100 * broadcastRate) / floorRate, 1)} % | — |
| peak RSS of the product process (VmHWM; sampled VmRSS max; before the broadcast) | ${fmt(peak)} MB (${fmt(Math.max(...rssSamples))} MB at ${fmt(rssTimes[rssSamples.indexOf(Math.max(...rssSamples))] ?? 0, 1)} s; ${fmt(idleRss)} MB) | ≤ 300 MB |
| CPU per member: product process / MongoDB server process / redis-server | ${fmt((cpu * 1e6) / MEMBERS)} / ${fmt((mongoCpu * 1e6) / MEMBERS)} / ${fmt((redisCpu * 1e6) / MEMBERS)} µs | — |
| embedded MongoDB server process RSS at the end (holds the data) | ${fmt(mongoRss)} MB | — |

outcomes: ${JSON.stringify(final)}; campaign counts: ${JSON.stringify(counts)}; sent records: ${fmt(sentRecords)}
${ok ? 'every member sent exactly once' : 'MISMATCH: not every member was sent exactly once'}`);
process.exit(ok ? 0 : 1);
