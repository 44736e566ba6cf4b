/**
 * `POST /api/v1/transactions` with distinct ids against `npm start`'s wiring in its own process
 * (QUALITY.md: ≥ 1,000/s, p99 ≤ 50 ms). Phase 1: closed loop with 32 concurrent callers for the
 * maximum rate. Phase 2: open loop at 1,000 requests/s (or half the maximum, if lower) for the latency distribution.
 * Every response must be a 201 with points; the ledger must hold exactly one earn per request.
 * `BENCH_CPU_PROF=<dir>` writes a CPU profile of the server over the closed loop
 * (`bench/fixtures/cpu-profile-on-signal.mjs`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { defaultProgram } from '../src/config/default-program';
import { newMemberRecord } from '../src/services/new-member-record';
import { spawnMain } from '../test/helpers/spawn-main';

const MEMBERS = 10_000;
const KEY = 'bench-store-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'chezhu-bench-accrual-'));
const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const server = spawnMain({
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  STAFF_API_KEYS: `store@main:${KEY}`,
  ...(profileDir
    ? {
        NODE_OPTIONS: `--import=${resolve('bench/fixtures/cpu-profile-on-signal.mjs')}`,
        BENCH_CPU_PROF_DIR: profileDir,
      }
    : {}),
});
// Whatever happens to this run, the server it started must not outlive it.
process.on('exit', () => {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});
const ready = await server.ready;

const client = new MongoClient(ready.mongoUri);
const signedUpAt = new Date('2026-01-01T00:00:00+08:00');
const members = Array.from({ length: MEMBERS }, (_, i) =>
  newMemberRecord(
    {
      id: randomBytes(12).toString('hex'),
      name: `会员${i}`,
      mobile: `138${String(i).padStart(8, '0')}`,
      referralCode: `B${i.toString(36).toUpperCase()}`,
      signedUpAt,
      homeStoreId: 'main',
      consents: [],
    },
    defaultProgram,
  ),
);
for (let i = 0; i < members.length; i += 1000) {
  await client
    .db('chezhu')
    .collection('members')
    .insertMany(
      members
        .slice(i, i + 1000)
        .map((m) => ({ ...m, createdAt: signedUpAt, updatedAt: signedUpAt })) as never[],
    );
}

let counter = 0;
const categories = ['maintenance', 'repair', 'parts', 'accessories', 'insurance'];
async function post(): Promise<number> {
  const n = counter++;
  const started = performance.now();
  const res = await fetch(`${ready.url}/api/v1/transactions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      transactionId: `BENCH-${n}`,
      memberId: members[n % MEMBERS]!._id,
      category: categories[n % categories.length],
      amountFen: 10_000 + (n % 50_000),
      occurredAt: '2026-11-20T10:00:00+08:00',
    }),
  });
  const body = (await res.json()) as { points?: number };
  if (res.status !== 201 || typeof body.points !== 'number') throw new Error(`unexpected ${res.status}`);
  return performance.now() - started;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

// Warm-up (JIT, connection pools).
await Promise.all(Array.from({ length: 500 }, () => post()));

const closedSeconds = 8;
const closed: number[] = [];
if (profileDir) server.child.kill('SIGUSR2');
const closedStart = performance.now();
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (performance.now() - closedStart < closedSeconds * 1000) closed.push(await post());
  }),
);
const maxRate = closed.length / ((performance.now() - closedStart) / 1000);
if (profileDir) server.child.kill('SIGUSR2');

// Latency at the target rate, or at half the measured maximum when that is lower (an open loop
// above the maximum only measures queueing).
const rate = Math.min(1_000, Math.floor(maxRate / 2));
const openSeconds = 8;
const open: Promise<number>[] = [];
const openStart = performance.now();
for (let i = 0; i < rate * openSeconds; i++) {
  const due = openStart + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  open.push(post());
}
const latencies = await Promise.all(open);

const earns = await client.db('chezhu').collection('ledger').countDocuments({ type: 'earn' });
const requests = counter;
await client.close();
server.child.kill('SIGTERM');
await server.exited;
rmSync(dataDir, { recursive: true, force: true });

const result = {
  bench: 'accrual-api',
  members: MEMBERS,
  maxPerSec: Math.round(maxRate),
  closedP99Ms: Number(pct(closed, 0.99).toFixed(1)),
  fixedRate: rate,
  p50Ms: Number(pct(latencies, 0.5).toFixed(2)),
  p99Ms: Number(pct(latencies, 0.99).toFixed(2)),
  requests,
  ledgerEarns: earns,
  consistent: earns === requests,
};
console.log(
  `POST /api/v1/transactions, ${MEMBERS.toLocaleString('en-US')} members, distinct transaction ids`,
);
console.log(
  `  max throughput (32 callers)   ${result.maxPerSec.toLocaleString('en-US')} /s (p99 ${result.closedP99Ms} ms)`,
);
console.log(
  `  at ${rate.toLocaleString('en-US')} req/s              p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
);
console.log(
  `  ledger earn entries           ${earns.toLocaleString('en-US')} for ${requests.toLocaleString('en-US')} requests`,
);
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
if (!result.consistent) process.exit(1);
