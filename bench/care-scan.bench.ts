/**
 * The nightly care scan (QUALITY.md: 1,000,000 members, 0.3% due today; reads only the due members)
 * on the embedded MongoDB-wire server (its own thread, as `npm start` runs it), or on a real MongoDB
 * when `MONGODB_URI` is set. Members are inserted with `insertMany` in batches of 1,000; 0.3% of
 * them are due today, spread over six kinds (birthday, maintenance due, insurance renewal,
 * inspection due, points expiring, win-back), and the others carry the same kinds of data due on
 * other days. `CareScanService.scan` runs with a no-op sender, for all kinds together and for each
 * kind alone, and is compared in the same run with a baseline that reads every member through one
 * cursor and applies the same pure rules. Documents examined come from the server's
 * `serverStatus.metrics.queryExecutor.scannedObjects`; documents the scan received from its own
 * counts. Prints a table and a `BENCH_RESULT {json}` line.
 *   npx tsx bench/care-scan.bench.ts              (CARE_SCAN_MEMBERS=100000 for a quick run)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// A million member documents and their index entries need more than Node's default heap (the
// server thread takes the same limit): run again with a larger one.
const HEAP_MB = Number(process.env.CARE_SCAN_HEAP_MB ?? 12_288);
if (!process.env.CARE_SCAN_CHILD && v8.getHeapStatistics().heap_size_limit < HEAP_MB * 1024 * 1024 * 0.9) {
  const run = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', fileURLToPath(import.meta.url)],
    { stdio: 'inherit', env: { ...process.env, CARE_SCAN_CHILD: '1' } },
  );
  process.exit(run.status ?? 1);
}

const { default: mongoose } = await import('mongoose');
const { defaultProgram } = await import('../src/config/default-program');
const { createDatabase } = await import('../src/data/database');
const { startEmbeddedMongoThread } = await import('../src/infra/mongo-wire/embedded-mongo-thread');
const { createLogger } = await import('../src/lib/logger');
const care = await import('../src/rules/care-due');
const { maintenanceReminders } = await import('../src/rules/maintenance-reminders');
const { addLocalDays, addLocalMonths, formatIsoDate, lastDayOfMonth } = await import(
  '../src/rules/local-date'
);
const { endOfLocalDay, localDateOf, startOfLocalDay } = await import('../src/rules/zoned-time');
const { CareScanService } = await import('../src/services/care-scan-service');
const { newMemberRecord } = await import('../src/services/new-member-record');
const { newVehicle } = await import('../src/services/new-vehicle');
type Program = import('../src/config/program-schema').Program;
type CareMessage = import('../src/rules/care-due').CareMessage;
type MemberRecord = import('../src/data/models/member-model').MemberRecord;
type LocalDate = import('../src/rules/local-date').LocalDate;

const MEMBERS = Number(process.env.CARE_SCAN_MEMBERS ?? 1_000_000);
const DUE_PER_MILLE = 3;
const BATCH = 1_000;
const SCAN_RUNS = 5;
const BASELINE_RUNS = 3;
const KIND_RUNS = 3;
const KINDS = [
  'birthday',
  'maintenance_due',
  'insurance_renewal',
  'inspection_due',
  'points_expiring',
  'win_back',
] as const;
type Kind = (typeof KINDS)[number];

const TZ = 'Asia/Shanghai';
// The nightly run at 00:30 on 1 March 2027: points earned in March 2024 expire at the end of
// March 2027, 30 days ahead; Feb-29 birthdays were celebrated yesterday.
const at = new Date('2027-03-01T00:30:00+08:00');
const today = localDateOf(at, TZ);
const iso = (days: number) => formatIsoDate(addLocalDays(today, days));

const program = defaultProgram;
let inForce: Program = program;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-care-scan-'));
const server = process.env.MONGODB_URI ? null : await startEmbeddedMongoThread({ dataDir, port: 0 });
const uri = process.env.MONGODB_URI ?? server!.uri;
const dbName = `bench_care_scan_${process.pid}`;
const conn = await mongoose.createConnection(uri, { dbName, maxPoolSize: 8 }).asPromise();
try {
  const db = createDatabase(conn);
  await db.init();
  const admin = conn.getClient().db('admin');
  const scannedObjects = async () =>
    Number((await admin.command({ serverStatus: 1 })).metrics.queryExecutor.scannedObjects);
  const ctx = {
    db,
    program: { current: () => inForce },
    clock: () => at,
    logger: createLogger('silent'),
  };
  const scans = new CareScanService(ctx);

  // 1. Members.
  const insertStart = performance.now();
  const dueByKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  for (let b = 0; b < MEMBERS / BATCH; b++) {
    const docs = Array.from({ length: BATCH }, (_, j) => {
      const i = b * BATCH + j;
      const kind = i % 1000 < DUE_PER_MILLE ? KINDS[Math.floor(i / 1000) % KINDS.length]! : null;
      if (kind) dueByKind[kind]++;
      return { ...memberDoc(i, kind), createdAt: at, updatedAt: at };
    });
    await db.members.collection.insertMany(docs as never[], { ordered: false });
  }
  const insertMs = performance.now() - insertStart;
  const due = Object.values(dueByKind).reduce((a, b) => a + b, 0);
  const rss = () => Math.round(process.memoryUsage().rss / 1048576);
  console.log(`inserted ${MEMBERS} members (${due} due) in ${Math.round(insertMs)} ms; RSS ${rss()} MB`);

  // 2. The care scans, all kinds (median of SCAN_RUNS), keys kept to compare with the baseline.
  const noop = async (_message: CareMessage) => {};
  const measure = async (run: () => Promise<unknown>) => {
    const before = await scannedObjects();
    const start = performance.now();
    const result = await run();
    return { ms: performance.now() - start, examined: (await scannedObjects()) - before, result };
  };
  const scanKeys = new Set<string>();
  const scanRuns = [];
  for (let r = 0; r < SCAN_RUNS; r++) {
    scanRuns.push(
      await measure(() =>
        scans.scan(at, async (m) => {
          if (r === 0) scanKeys.add(m.key);
        }),
      ),
    );
  }
  const counts = scanRuns[0]!.result as Awaited<ReturnType<typeof scans.scan>>;
  const membersRead = Object.values(counts).reduce((a, c) => a + c.membersRead, 0);

  // 3. Each kind alone: which ones are index lookups on this server.
  const perKind = [];
  for (const kind of KINDS) {
    inForce = onlyKind(program, kind);
    const runs = [];
    for (let r = 0; r < KIND_RUNS; r++) runs.push(await measure(() => scans.scan(at, noop)));
    const kindCounts = runs[0]!.result as Awaited<ReturnType<typeof scans.scan>>;
    perKind.push({
      kind,
      due: dueByKind[kind],
      membersRead: kindCounts[kind].membersRead,
      messages: kindCounts[kind].messages,
      examined: runs[0]!.examined,
      medianMs: round(median(runs.map((x) => x.ms))),
    });
  }
  inForce = program;

  // 4. Baseline: every member through one cursor, the same pure rules.
  const baselineKeys = new Set<string>();
  const baselineRuns = [];
  for (let r = 0; r < BASELINE_RUNS; r++) {
    baselineRuns.push(
      await measure(async () => {
        const cursor = db.members
          .find({ status: 'active' }, { outbox: 0, recentOps: 0 })
          .lean<MemberRecord[]>()
          .cursor({ batchSize: BATCH });
        let read = 0;
        for await (const m of cursor) {
          read++;
          for (const message of allRules(m, program)) if (r === 0) baselineKeys.add(message.key);
        }
        return read;
      }),
    );
  }

  const sameMessages =
    scanKeys.size === baselineKeys.size && [...scanKeys].every((key) => baselineKeys.has(key));
  if (!sameMessages) {
    throw new Error(`the indexed scan found ${scanKeys.size} messages, the full scan ${baselineKeys.size}`);
  }
  const scanMs = median(scanRuns.map((x) => x.ms));
  const baselineMs = median(baselineRuns.map((x) => x.ms));
  const result = {
    members: MEMBERS,
    due,
    dueByKind,
    messages: scanKeys.size,
    insertDocsPerSec: Math.round(MEMBERS / (insertMs / 1000)),
    scan: {
      medianMs: round(scanMs),
      runsMs: scanRuns.map((x) => round(x.ms)),
      membersRead,
      serverExamined: scanRuns[0]!.examined,
    },
    perKind,
    baseline: {
      medianMs: round(baselineMs),
      runsMs: baselineRuns.map((x) => round(x.ms)),
      membersRead: baselineRuns[0]!.result,
      serverExamined: baselineRuns[0]!.examined,
    },
    speedup: round(baselineMs / scanMs),
    rssMB: rss(),
    server: server ? 'embedded (thread)' : 'MONGODB_URI',
    node: process.version,
    cpus: os.cpus().length,
  };
  console.table([
    {
      what: `care scan, all kinds (median of ${SCAN_RUNS})`,
      ms: result.scan.medianMs,
      'docs received': membersRead,
      'docs examined by server': result.scan.serverExamined,
      messages: scanKeys.size,
    },
    ...perKind.map((k) => ({
      what: `  ${k.kind} alone (median of ${KIND_RUNS})`,
      ms: k.medianMs,
      'docs received': k.membersRead,
      'docs examined by server': k.examined,
      messages: k.messages,
    })),
    {
      what: `baseline: full scan + same rules (median of ${BASELINE_RUNS})`,
      ms: result.baseline.medianMs,
      'docs received': result.baseline.membersRead,
      'docs examined by server': result.baseline.serverExamined,
      messages: baselineKeys.size,
    },
  ]);
  console.log(
    `${MEMBERS} members, ${due} due: scan ${result.scan.medianMs} ms vs full scan ${result.baseline.medianMs} ms (${result.speedup}×); insert ${result.insertDocsPerSec} docs/s; RSS ${result.rssMB} MB`,
  );
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  if (process.env.MONGODB_URI) await conn.dropDatabase().catch(() => {});
  await conn.close();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Every rule of the care scan applied to one member, as the full-scan baseline does. */
function allRules(m: MemberRecord, p: Program): CareMessage[] {
  const out: (CareMessage | null)[] = [
    care.birthdayMessage({ memberId: m._id, birthday: m.birthday, tierCode: m.tier.tierCode }, today, p),
    ...maintenanceReminders({ memberId: m._id, vehicles: m.vehicles }, today, p),
    ...care.vehicleDateReminders(
      'insurance_renewal',
      { memberId: m._id, vehicles: m.vehicles.map((v) => ({ plate: v.plate, date: v.insuranceEndsOn })) },
      today,
      p.care.insuranceRenewal.daysBefore,
      p,
    ),
    ...care.vehicleDateReminders(
      'inspection_due',
      { memberId: m._id, vehicles: m.vehicles.map((v) => ({ plate: v.plate, date: v.inspectionDueOn })) },
      today,
      p.care.inspectionDue.daysBefore,
      p,
    ),
    ...care.pointsExpiringMessages(m._id, m.account, at, p),
    care.winBackMessage({ memberId: m._id, lastVisitAt: m.lastVisitAt }, today, p),
  ];
  return out.filter((x): x is CareMessage => x !== null);
}

/** The program with only one care kind switched on. */
function onlyKind(p: Program, kind: Kind): Program {
  const c = p.care;
  return {
    ...p,
    care: {
      ...c,
      birthday: { ...c.birthday, enabled: kind === 'birthday' },
      maintenanceDue: { ...c.maintenanceDue, enabled: kind === 'maintenance_due' },
      insuranceRenewal: { ...c.insuranceRenewal, enabled: kind === 'insurance_renewal' },
      inspectionDue: { ...c.inspectionDue, enabled: kind === 'inspection_due' },
      pointsExpiring: { ...c.pointsExpiring, enabled: kind === 'points_expiring' },
      voucherExpiring: { ...c.voucherExpiring, enabled: false },
    },
    marketing: { ...p.marketing, winBack: { ...p.marketing.winBack, enabled: kind === 'win_back' } },
  };
}

/**
 * Member `i`: about 60% with a car (insurance, inspection and maintenance dates), two points lots,
 * a birthday and a last visit; `due` puts exactly one of them on today's schedule, the others are
 * on days the scan does not look for.
 */
function memberDoc(i: number, due: Kind | null) {
  const rnd = mulberry(i + 1);
  const day = (from: number, span: number, avoid: readonly string[]) => {
    for (;;) {
      const d = iso(from + Math.floor(rnd() * span));
      if (!avoid.includes(d)) return d;
    }
  };
  const vehicleDays = [iso(0), iso(7), iso(30)];
  const hasCar =
    due === 'maintenance_due' || due === 'insurance_renewal' || due === 'inspection_due' || rnd() < 0.6;
  const vehicles = [];
  if (hasCar) {
    const maintenanceDueOn = due === 'maintenance_due' ? iso(7) : day(-200, 400, vehicleDays);
    const lastService = addLocalDays(parseDay(maintenanceDueOn), -182);
    vehicles.push({
      ...newVehicle(`沪A${String(i % 100_000).padStart(5, '0')}`, ['途观L', '帕萨特', 'ID.4'][i % 3]!),
      mileageKm: 20_000 + (i % 50_000),
      mileageReportedAt: startOfLocalDay(lastService, TZ),
      insuranceEndsOn: due === 'insurance_renewal' ? iso(30) : day(-100, 365, vehicleDays),
      inspectionDueOn: due === 'inspection_due' ? iso(30) : day(-100, 365, vehicleDays),
      lastServiceAt: startOfLocalDay(lastService, TZ),
      lastServiceKm: 20_000 + (i % 50_000),
      services: [
        { transactionId: `S${i}`, at: startOfLocalDay(lastService, TZ), mileageKm: 20_000 + (i % 50_000) },
      ],
      maintenanceDueOn,
      maintenanceDueBy: 'date' as const,
    });
  }
  // Lots expire at the end of a month (RULES.md §3); the due ones at the end of March 2027.
  const lotMonths =
    due === 'points_expiring' ? [0, 1 + Math.floor(rnd() * 11)] : [1 + Math.floor(rnd() * 11), 13];
  const lots = lotMonths.map((offset, n) => ({
    lotId: `L${i}-${n}`,
    entryId: `L${i}-${n}`,
    earnedAt: new Date('2024-03-10T02:00:00Z'),
    expiresAt: endOfLocalDay(lastDayOfMonth(addLocalMonths(today, offset)), TZ),
    amount: 500,
    remaining: 500,
  }));
  const birthday =
    due === 'birthday'
      ? { month: today.month, day: today.day, year: 1985 }
      : (() => {
          for (;;) {
            const d = addLocalDays({ year: 2027, month: 1, day: 1 }, Math.floor(rnd() * 365));
            if (!(d.month === today.month && d.day === today.day))
              return { month: d.month, day: d.day, year: 1990 };
          }
        })();
  const winBackDay = -program.marketing.winBack.afterDaysWithoutVisit;
  const lastVisitOn = due === 'win_back' ? iso(winBackDay) : day(-400, 390, [iso(winBackDay)]);
  const record = newMemberRecord(
    {
      id: randomBytes(12).toString('hex'),
      name: `会员${i}`,
      mobile: `13${String(i).padStart(9, '0')}`,
      openid: `oW${i.toString(36)}x${i}`,
      referralCode: `C${i.toString(36).toUpperCase()}`,
      signedUpAt: new Date('2024-01-01T00:00:00+08:00'),
      homeStoreId: 'main',
      birthday,
      vehicles,
      consents: [{ kind: 'privacy', granted: true, version: '2026-11', at, channel: 'import' }],
    },
    program,
  );
  return {
    ...record,
    account: { lots, debt: 0, pending: [] },
    lastVisitAt: startOfLocalDay(parseDay(lastVisitOn), TZ),
  };
}

function parseDay(text: string): LocalDate {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

/** A small deterministic PRNG, so every run builds the same members. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
