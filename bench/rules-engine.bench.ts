/**
 * Rules engine throughput (QUALITY.md: ≥ 500,000 transactions/s): points for 1,000,000 mixed
 * transactions (every category, every tier, member days, birthdays, a campaign window, first
 * transactions) through `earnPoints`, and — for context — the full per-member decision
 * (`decideTransaction`: bring up to date + earn + lot + tier) on small accounts.
 */
import { defaultProgram } from '../src/config/default-program';
import type { CampaignWindow } from '../src/rules/active-promotion';
import { decideTransaction } from '../src/rules/decide-transaction';
import { earnPoints } from '../src/rules/earn-points';
import { emptyAccount } from '../src/rules/points-account';
import { initialTierState } from '../src/rules/tier-state';

const N = Number(process.argv[2] ?? 1_000_000);
const program = defaultProgram;
const categories = Object.keys(program.categories);
const tiers = program.tiers.map((t) => t.code);
const campaigns: CampaignWindow[] = [
  {
    id: 'spring',
    name: '春节双倍积分',
    multiplierMilli: 2500,
    startsAt: new Date('2027-02-06T00:00:00+08:00'),
    endsAt: new Date('2027-02-13T00:00:00+08:00'),
  },
];

// Inputs are built up front so the timed loop measures the engine, not the generator.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const start = new Date('2027-01-01T00:00:00+08:00').getTime();
const inputs = Array.from({ length: N }, () => ({
  amountFen: Math.floor(rand() * 2_000_000) + 100,
  category: categories[Math.floor(rand() * categories.length)]!,
  occurredAt: new Date(start + Math.floor(rand() * 90 * 86_400_000)),
  tierCode: tiers[Math.floor(rand() * tiers.length)]!,
  birthday: rand() < 0.5 ? { month: 1 + Math.floor(rand() * 12), day: 1 + Math.floor(rand() * 28) } : null,
  campaigns,
  isFirstTransaction: rand() < 0.05,
}));

function time(label: string, fn: () => number, runs = 3) {
  const rates: number[] = [];
  let checksum = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    checksum = fn();
    rates.push(N / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = Math.round(rates[Math.floor(runs / 2)]!);
  console.log(`  ${label.padEnd(44)} ${median.toLocaleString('en-US')} /s  (checksum ${checksum})`);
  return median;
}

console.log(`rules engine, ${N.toLocaleString('en-US')} mixed transactions, median of 3 runs`);
const earn = time('earnPoints', () => {
  let total = 0;
  for (const input of inputs) {
    const decision = earnPoints(input, program);
    if (decision.ok) total += decision.points;
  }
  return total;
});
const memberN = Math.min(N, 200_000);
const member = {
  account: emptyAccount,
  tier: initialTierState(new Date('2026-06-01T00:00:00+08:00'), program),
  signedUpAt: new Date('2026-06-01T00:00:00+08:00'),
  birthday: null,
  firstTransactionAt: null,
};
const t0 = performance.now();
let total = 0;
for (let i = 0; i < memberN; i++) {
  const input = inputs[i]!;
  const decision = decideTransaction(
    member,
    {
      transactionId: `T${i}`,
      category: input.category,
      amountFen: input.amountFen,
      occurredAt: input.occurredAt,
    },
    campaigns,
    input.occurredAt,
    program,
  );
  if (decision.ok) total += decision.earned.points;
}
const decide = Math.round(memberN / ((performance.now() - t0) / 1000));
console.log(
  `  ${'decideTransaction (full member decision)'.padEnd(44)} ${decide.toLocaleString('en-US')} /s  (checksum ${total})`,
);
console.log(
  `BENCH_RESULT ${JSON.stringify({ bench: 'rules-engine', transactions: N, earnPerSec: earn, decidePerSec: decide, target: 500_000 })}`,
);
