/**
 * Start-up time of `npm start` (`node dist/main.js`, after `npm run build`) to a healthy
 * `/healthz`, on a fresh data folder and on a folder with data from an earlier run, and idle RSS
 * per role once ready. Medians of several runs; prints a table and one `BENCH_RESULT` JSON line.
 *
 *   STARTUP_RUNS=5 (runs of each kind)
 *   STARTUP_BASELINE=/path/to/a/copy   also times the previous start command (`tsx src/main.ts`,
 *                                       wrapper process included) in that copy of the repository,
 *                                       alternating run by run with this one (same machine load)
 *
 * Idle RSS is the resident memory of the program's processes (the tsx wrapper included, the
 * embedded redis-server not) 3 s after ready: `--role all` as `npm start` runs it (embedded
 * servers; the simulator channel), then `all`, `web` and `worker` as production runs them, against
 * a MongoDB server and a Redis of their own (started here) and on the WeChat channel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../src/infra/embedded-redis';
import { startEmbeddedMongo } from '../src/infra/mongo-wire/embedded-mongo';
import { type SpawnMainOptions, spawnMain } from '../test/helpers/spawn-main';

const runs = Number(process.env.STARTUP_RUNS ?? 5);
const baselineDir = process.env.STARTUP_BASELINE || null;

execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });

type Variant = { name: string; options: SpawnMainOptions };
const current: Variant = { name: 'node dist/main.js', options: { command: 'build' } };
const baseline: Variant | null = baselineDir
  ? { name: `tsx src/main.ts (${baselineDir})`, options: { command: 'tsx-wrapper', cwd: baselineDir } }
  : null;

/** RSS in MB of `pid` and its descendants, except redis-server. */
function treeRssMb(pid: number): number {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([p, pp, rss, comm]) => ({
      pid: Number(p),
      ppid: Number(pp),
      rssKb: Number(rss),
      comm: comm ?? '',
    }));
  const inTree = new Set([pid]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const row of table) {
      if (!inTree.has(row.pid) && inTree.has(row.ppid) && !row.comm.startsWith('redis')) {
        inTree.add(row.pid);
        grown = true;
      }
    }
  }
  return table.filter((row) => inTree.has(row.pid)).reduce((sum, row) => sum + row.rssKb, 0) / 1024;
}

async function start(
  variant: Variant,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ ms: number; url: string; stop: () => Promise<void>; rssMb: () => number }> {
  const started = performance.now();
  const proc = spawnMain({ PORT: '0', LOG_LEVEL: 'warn', ...env }, args, variant.options);
  // The ready line is logged at info; at warn the banner says where the health check is.
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Health\s+(http:\/\/localhost:\d+)\/healthz/.exec(proc.stdout());
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 5);
    void proc.exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited: ${proc.stderr()}`));
    });
  });
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - started;
  return {
    ms,
    url,
    rssMb: () => treeRssMb(proc.child.pid!),
    stop: async () => {
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const idle = () => new Promise((r) => setTimeout(r, 3_000));

const variants = baseline ? [baseline, current] : [current];
const times = new Map(variants.map((v) => [v.name, { fresh: [] as number[], warm: [] as number[] }]));
const npmStartRss = new Map(variants.map((v) => [v.name, [] as number[]]));
const loadBefore = loadAverage();
for (let i = 0; i < runs; i++) {
  // Alternating, so both commands see the same machine load.
  for (const variant of i % 2 === 0 ? variants : [...variants].reverse()) {
    const dir = mkdtempSync(join(tmpdir(), 'chezhu-bench-start-'));
    const first = await start(variant, { DATA_DIR: dir });
    await first.stop();
    const second = await start(variant, { DATA_DIR: dir });
    await idle();
    npmStartRss.get(variant.name)!.push(second.rssMb());
    await second.stop();
    rmSync(dir, { recursive: true, force: true });
    times.get(variant.name)!.fresh.push(first.ms);
    times.get(variant.name)!.warm.push(second.ms);
  }
}

// Production roles: MongoDB and Redis of their own, the WeChat channel (no simulator).
const prodDir = mkdtempSync(join(tmpdir(), 'chezhu-bench-roles-'));
const mongo = await startEmbeddedMongo({ dataDir: join(prodDir, 'mongo') });
const redis = await startEmbeddedRedis({ dataDir: prodDir });
const prodEnv = {
  DATA_DIR: prodDir,
  MONGODB_URI: mongo.uri.replace('/?', '/chezhu?'),
  REDIS_URL: redis.url,
  CHANNEL: 'wechat',
  WECHAT_APP_ID: 'wx0000000000000000',
  WECHAT_APP_SECRET: 'bench-secret',
  WECHAT_TOKEN: 'benchtoken',
  WECHAT_API_BASE: 'http://127.0.0.1:9',
  SMS_PROVIDER: 'dev',
};
/** Role (and channel) → extra environment. */
const roles: [string, string[], Record<string, string>][] = [
  ['all', ['--role', 'all'], {}],
  ['web', ['--role', 'web'], {}],
  ['worker', ['--role', 'worker'], {}],
  ['worker, simulator channel', ['--role', 'worker'], { CHANNEL: 'simulator' }],
];
const roleRss = new Map<string, Map<string, number[]>>();
for (let i = 0; i < Math.min(runs, 3); i++) {
  for (const variant of i % 2 === 0 ? variants : [...variants].reverse()) {
    for (const [role, args, extra] of roles) {
      const proc = await start(variant, { ...prodEnv, ...extra }, args);
      await idle();
      const byRole = roleRss.get(variant.name) ?? new Map<string, number[]>();
      roleRss.set(variant.name, byRole);
      byRole.set(role, [...(byRole.get(role) ?? []), proc.rssMb()]);
      await proc.stop();
    }
  }
}
await redis.stop();
await mongo.stop();
rmSync(prodDir, { recursive: true, force: true });

const fmt = (xs: number[]) => xs.map(Math.round).join(', ');
const results: Record<string, unknown>[] = [];
console.log(`start → healthy /healthz; load average before ${loadBefore}, after ${loadAverage()}`);
for (const variant of variants) {
  const t = times.get(variant.name)!;
  const rss = npmStartRss.get(variant.name)!;
  const roles = roleRss.get(variant.name)!;
  const result = {
    command: variant.name,
    freshMedianMs: Math.round(median(t.fresh)),
    restartMedianMs: Math.round(median(t.warm)),
    idleRssMb: {
      npmStart: Math.round(median(rss)),
      ...Object.fromEntries([...roles].map(([role, xs]) => [role, Math.round(median(xs))])),
    },
    runs,
  };
  results.push(result);
  console.log(`${variant.name}`);
  console.log(`  fresh data folder   median ${result.freshMedianMs} ms  (runs: ${fmt(t.fresh)})`);
  console.log(`  existing data       median ${result.restartMedianMs} ms  (runs: ${fmt(t.warm)})`);
  console.log(
    `  idle RSS, npm start (all, embedded servers, simulator)  median ${result.idleRssMb.npmStart} MB  (${fmt(rss)})`,
  );
  for (const [role, xs] of roles) {
    console.log(
      `  idle RSS, --role ${role} (own MongoDB + Redis, WeChat channel unless said)  median ${Math.round(median(xs))} MB  (${fmt(xs)})`,
    );
  }
}
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'startup', load: loadAverage(), results })}`);
