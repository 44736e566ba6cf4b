/**
 * Start-up time of `npm start` (src/main.ts through tsx) to a healthy `/healthz`, on a fresh data
 * folder and on a folder with data from an earlier run. Median of several runs; prints a table
 * and one `BENCH_RESULT` JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnMain } from '../test/helpers/spawn-main';

const runs = Number(process.argv[2] ?? 5);

async function timeToHealthy(dataDir: string): Promise<number> {
  const started = performance.now();
  const proc = spawnMain({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  // The ready line is logged at info; at warn we poll the port file-free way: wait for the banner.
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Health\s+(http:\/\/localhost:\d+)\/healthz/.exec(proc.stdout());
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 5);
    void proc.exited.then(() => reject(new Error(`exited: ${proc.stderr()}`)));
  });
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsed = performance.now() - started;
  proc.child.kill('SIGTERM');
  await proc.exited;
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const fresh: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'chezhu-bench-start-'));
  fresh.push(await timeToHealthy(dir));
  warm.push(await timeToHealthy(dir));
  rmSync(dir, { recursive: true, force: true });
}
const result = { freshMedianMs: Math.round(median(fresh)), restartMedianMs: Math.round(median(warm)), runs };
console.log('npm start → healthy /healthz');
console.log(
  `  fresh data folder   median ${result.freshMedianMs} ms  (runs: ${fresh.map(Math.round).join(', ')})`,
);
console.log(
  `  existing data       median ${result.restartMedianMs} ms  (runs: ${warm.map(Math.round).join(', ')})`,
);
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'startup', ...result })}`);
