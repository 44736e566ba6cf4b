import { isDeepStrictEqual } from 'node:util';
import type { RedemptionRecord } from '../src/data/models/redemption-model';
import type { RewardRecord } from '../src/data/models/reward-model';
import { availableBalance } from '../src/rules/points-account';
import { replayLedger } from '../src/rules/replay-ledger';
import { startApiHarness } from '../test/helpers/api-harness';
import { givePoints, memberOf } from '../test/helpers/give-points';

/**
 * Redemption under contention: 1,000 concurrent `POST /api/v1/members/{id}/redemptions` through
 * HTTP on the in-process runtime (embedded MongoDB-wire server + Redis), mixing many members, a few
 * hot members (60 requests each against a balance that covers 25), a reward with 40 units for 300
 * requests, a 1-per-month reward requested 3× per member, and 50 repeated request ids. Then checks
 * that nothing is inconsistent: stock + vouchers + balances + every member's ledger replay.
 * Prints a table and a `BENCH_RESULT {json}` line.
 *   npx tsx bench/redemption-contention.bench.ts
 */
const MANY = 300;
const HOT = 5;
const HOT_REQUESTS = 60;
const LIMITED_STOCK = 40;

interface Request {
  memberId: string;
  rewardId: string;
  requestId: string;
}

async function main(): Promise<void> {
  const h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  try {
    const { db } = h.runtime.services;
    const program = h.runtime.services.program.current();
    const rewards = {
      open: { id: 'bench-open', cost: 100 },
      limited: { id: 'bench-limited', cost: 200, stock: LIMITED_STOCK },
      monthly: { id: 'bench-monthly', cost: 50, perMemberLimit: { count: 1, period: 'month' } },
    };
    for (const r of Object.values(rewards)) {
      const res = await h.post('/api/v1/rewards', { name: r.id, validityDays: 30, ...r }, 'marketing');
      if (res.status !== 201) throw new Error(`reward ${r.id}: ${res.status}`);
    }
    const many: string[] = [];
    for (let i = 0; i < MANY; i++) {
      const m = await h.insertMember();
      await givePoints(db, program, m._id, 1_000, h.now());
      many.push(m._id);
    }
    const hot: string[] = [];
    for (let i = 0; i < HOT; i++) {
      const m = await h.insertMember();
      await givePoints(db, program, m._id, 2_500, h.now());
      hot.push(m._id);
    }
    const initial = new Map<string, number>([
      ...many.map((id) => [id, 1_000] as const),
      ...hot.map((id) => [id, 2_500] as const),
    ]);

    const requests: Request[] = [];
    let n = 0;
    const add = (memberId: string, rewardId: string, requestId = `bench-${n++}`) =>
      requests.push({ memberId, rewardId, requestId });
    for (const id of hot) for (let i = 0; i < HOT_REQUESTS; i++) add(id, rewards.open.id);
    for (let i = 0; i < 300; i++) add(many[i % MANY]!, rewards.limited.id);
    for (let i = 0; i < 50; i++) for (let k = 0; k < 3; k++) add(many[i]!, rewards.monthly.id);
    for (let i = 0; requests.length < 950; i++) add(many[(i * 7) % MANY]!, rewards.open.id);
    // 50 repeats of request ids already in the batch (a client retrying while the first is in flight).
    for (let i = 0; i < 50; i++) requests.push({ ...requests[i * 19]! });
    shuffle(requests);

    const latencies: number[] = [];
    const started = performance.now();
    const responses = await Promise.all(
      requests.map(async (r) => {
        const t0 = performance.now();
        const res = await h.post(
          `/api/v1/members/${r.memberId}/redemptions`,
          { rewardId: r.rewardId, requestId: r.requestId },
          'store',
        );
        latencies.push(performance.now() - t0);
        return { request: r, res };
      }),
    );
    const wallMs = performance.now() - started;

    // --- consistency checks ---
    const problems: string[] = [];
    const byStatus = new Map<number, number>();
    for (const { res } of responses) byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    for (const { res } of responses) {
      if (res.status >= 500 || (res.status === 409 && res.body.error.code === 'redemption_in_progress')) {
        problems.push(`unexpected answer ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    const codeOf = new Map<string, string>();
    for (const { request, res } of responses) {
      if (res.status !== 200 && res.status !== 201) continue;
      const seen = codeOf.get(request.requestId);
      if (seen && seen !== res.body.voucher.code)
        problems.push(`request ${request.requestId} got two vouchers`);
      codeOf.set(request.requestId, res.body.voucher.code);
    }
    const completed = await db.redemptions.find({ status: 'completed' }).lean<RedemptionRecord[]>();
    const inFlight = await db.redemptions.countDocuments({
      status: { $nin: ['completed', 'failed', 'compensated'] },
    });
    if (inFlight) problems.push(`${inFlight} redemptions not settled`);
    if (completed.length !== codeOf.size)
      problems.push(`completed ${completed.length} ≠ successful request ids ${codeOf.size}`);
    const vouchers = await db.vouchers.countDocuments({ kind: 'reward' });
    if (vouchers !== completed.length) problems.push(`vouchers ${vouchers} ≠ completed ${completed.length}`);

    const limited = await db.rewards.findById(rewards.limited.id).lean<RewardRecord>();
    const limitedDone = completed.filter((r) => r.rewardId === rewards.limited.id).length;
    if (limitedDone !== LIMITED_STOCK || limited?.stock !== 0) {
      problems.push(`limited reward: ${limitedDone} redeemed, stock left ${limited?.stock}`);
    }
    for (const id of Object.values(rewards).map((r) => r.id)) {
      const reward = await db.rewards.findById(id).lean<RewardRecord>();
      if (reward?.reservations.length) problems.push(`${id} still holds ${reward.reservations.length} units`);
    }
    const spent = new Map<string, number>();
    const monthly = new Map<string, number>();
    for (const r of completed) {
      spent.set(r.memberId, (spent.get(r.memberId) ?? 0) + r.terms.cost);
      if (r.rewardId === rewards.monthly.id) monthly.set(r.memberId, (monthly.get(r.memberId) ?? 0) + 1);
    }
    for (const [id, count] of monthly)
      if (count > 1) problems.push(`member ${id} redeemed the monthly reward ${count}×`);
    for (const [id, start] of initial) {
      const member = await memberOf(db, id);
      const balance = availableBalance(member.account, h.now());
      if (balance !== start - (spent.get(id) ?? 0))
        problems.push(`member ${id}: balance ${balance}, expected ${start - (spent.get(id) ?? 0)}`);
      const replayed = replayLedger(await db.memberStore.ledgerOf(id));
      if (
        !isDeepStrictEqual(JSON.parse(JSON.stringify(replayed)), JSON.parse(JSON.stringify(member.account)))
      ) {
        problems.push(`member ${id}: ledger does not replay to the stored account`);
      }
    }
    const hotDone = completed.filter((r) => hot.includes(r.memberId)).length;

    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    const result = {
      requests: requests.length,
      wallMs: Math.round(wallMs),
      throughputPerSec: Math.round(requests.length / (wallMs / 1000)),
      p50Ms: round(pct(50)),
      p99Ms: round(pct(99)),
      maxMs: round(latencies[latencies.length - 1]!),
      statuses: Object.fromEntries([...byStatus].sort()),
      completed: completed.length,
      hotMemberRedemptions: hotDone,
      limitedRedeemed: limitedDone,
      inconsistencies: problems.length,
    };
    console.table({
      'requests (concurrent)': result.requests,
      'wall time (ms)': result.wallMs,
      'throughput (req/s)': result.throughputPerSec,
      'p50 latency (ms)': result.p50Ms,
      'p99 latency (ms)': result.p99Ms,
      'max latency (ms)': result.maxMs,
      'answers by status': JSON.stringify(result.statuses),
      'redemptions completed': result.completed,
      [`hot members (${HOT}×25 possible)`]: hotDone,
      [`stock-limited reward (${LIMITED_STOCK} units)`]: limitedDone,
      inconsistencies: result.inconsistencies,
    });
    for (const p of problems.slice(0, 20)) console.error(`  ✗ ${p}`);
    console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'redemption-contention', ...result })}`);
    if (problems.length) process.exitCode = 1;
  } finally {
    await h.stop();
  }
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

await main();
