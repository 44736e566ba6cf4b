import { defaultProgramInput } from '../src/config/default-program-input';
import { parseProgram } from '../src/config/parse-program';
import { newVehicle } from '../src/services/new-vehicle';
import { startApiHarness } from '../test/helpers/api-harness';

/**
 * Booking capacity under contention: 1,000 concurrent `POST /api/v1/bookings` through HTTP on the
 * in-process runtime (embedded MongoDB-wire server + Redis), one car each, spread over 20 slots of
 * capacity 5 (100 places). Checks every slot is filled exactly to capacity, each booking holds one
 * seat, and every other attempt got a clear `slot_full`. Prints a table and a `BENCH_RESULT` line.
 *   npm run bench -- bookings
 */
const ATTEMPTS = 1_000;
const CAPACITY = 5;
const DAYS = ['2026-12-09', '2026-12-10'];
const TIMES = ['09:00', '09:30', '10:00', '10:30', '11:00', '13:00', '13:30', '14:00', '14:30', '15:00'];

async function main(): Promise<void> {
  const base = defaultProgramInput.stores[0]!;
  const program = parseProgram(
    {
      ...defaultProgramInput,
      stores: [{ ...base, booking: { ...base.booking, capacityPerSlot: CAPACITY } }],
    },
    'bookings bench program',
  );
  const h = await startApiHarness({ now: '2026-12-08T08:00:00+08:00', program });
  try {
    const { db } = h.runtime.services;
    const slots = DAYS.flatMap((day) =>
      TIMES.map((time) => new Date(`${day}T${time}:00+08:00`).toISOString()),
    );
    const cars: { memberId: string; plate: string }[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const plate = `粤B${String(10_000 + i)}`;
      const member = await h.insertMember({ vehicles: [newVehicle(plate, null)] });
      cars.push({ memberId: member._id, plate });
    }

    const latencies: number[] = [];
    const started = performance.now();
    const responses = await Promise.all(
      cars.map(async (car, i) => {
        const t0 = performance.now();
        const res = await h.post(
          '/api/v1/bookings',
          {
            requestId: `bench-${i}`,
            memberId: car.memberId,
            plate: car.plate,
            storeId: 'main',
            serviceId: 'maintenance',
            slotStart: slots[i % slots.length],
          },
          'store',
        );
        latencies.push(performance.now() - t0);
        return res;
      }),
    );
    const wallMs = performance.now() - started;

    const problems: string[] = [];
    const byStatus = new Map<number, number>();
    for (const res of responses) {
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      if (res.status !== 201 && !(res.status === 409 && res.body.error.code === 'slot_full')) {
        problems.push(`unexpected answer ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    for (const slotStart of slots) {
      const at = new Date(slotStart);
      const seats = await db.bookings.seats.countDocuments({ storeId: 'main', slotStart: at });
      const booked = await db.bookings.bookings.countDocuments({
        storeId: 'main',
        slotStart: at,
        status: 'booked',
      });
      if (seats !== CAPACITY || booked !== CAPACITY)
        problems.push(`${slotStart}: ${booked} bookings, ${seats} seats`);
    }
    const pending = await db.bookings.bookings.countDocuments({ status: 'pending' });
    if (pending) problems.push(`${pending} bookings left pending`);
    const unsettled = await db.bookings.seats.countDocuments({ settled: false });
    if (unsettled) problems.push(`${unsettled} seats left unsettled`);

    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    const result = {
      attempts: ATTEMPTS,
      slots: slots.length,
      capacityPerSlot: CAPACITY,
      wallMs: Math.round(wallMs),
      throughputPerSec: Math.round(ATTEMPTS / (wallMs / 1000)),
      p50Ms: round(pct(50)),
      p99Ms: round(pct(99)),
      maxMs: round(latencies[latencies.length - 1]!),
      statuses: Object.fromEntries([...byStatus].sort()),
      inconsistencies: problems.length,
    };
    console.table({
      'attempts (concurrent)': result.attempts,
      'slots × capacity': `${result.slots} × ${CAPACITY}`,
      'wall time (ms)': result.wallMs,
      'throughput (req/s)': result.throughputPerSec,
      'p50 latency (ms)': result.p50Ms,
      'p99 latency (ms)': result.p99Ms,
      'max latency (ms)': result.maxMs,
      'answers by status': JSON.stringify(result.statuses),
      inconsistencies: result.inconsistencies,
    });
    for (const p of problems.slice(0, 20)) console.error(`  ✗ ${p}`);
    console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'bookings', ...result })}`);
    if (problems.length) process.exitCode = 1;
  } finally {
    await h.stop();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

await main();
