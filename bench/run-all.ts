/**
 * `npm run bench`: runs every benchmark in its own process, one after another (they share the
 * machine's two cores, so never in parallel), and prints their tables.
 */
import { spawnSync } from 'node:child_process';

const benches = [
  'bench/startup.bench.ts',
  'bench/embedded-mongo.bench.ts',
  'bench/redemption-contention.bench.ts',
  'bench/rules-engine.bench.ts',
  'bench/accrual-api.bench.ts',
  'bench/wechat-webhook.bench.ts',
  'bench/webhook-throughput.bench.ts',
  'bench/broadcast.bench.ts',
  'bench/care-scan.bench.ts',
  'bench/intents.bench.ts',
  'bench/bookings.bench.ts',
];
const only = process.argv[2];
let failed = 0;
for (const file of benches.filter((f) => !only || f.includes(only))) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
