import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingRecord } from '../../src/data/models/booking-model';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../src/infra/mongo-wire/embedded-mongo';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Issue 12: a process SIGKILLed between taking a place and recording the booking (or between
 * writing the intent and taking the place, or in a move between taking the new place and freeing
 * the old) leaves neither a lost place nor a double booking: the recovery sweep of the surviving
 * runtime finishes or undoes what the dead process left. The child is a real process running the
 * real BookingService against the same MongoDB server (over TCP); it kills itself at the step.
 */
const NOW = '2026-12-08T10:00:00+08:00'; // a Tuesday
const dir = makeTempDir('booking-kill');
let mongo: EmbeddedMongo;
let h: ApiHarness;

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ dataDir: join(dir.path, 'mongo') });
  h = await startApiHarness({ now: NOW, env: { MONGODB_URI: mongo.uri.replace('/?', '/chezhu?') } });
});
afterAll(async () => {
  await h?.stop();
  await mongo?.stop();
  dir.remove();
});

const db = () => h.runtime.services.db;
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);
const seatsIn = (at: Date) => db().bookings.seats.countDocuments({ storeId: 'main', slotStart: at });
let serial = 0;

/** Runs the child until it kills itself; resolves with how it ended. */
function crashChild(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/booking-crash-child.ts', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

async function sweepLater() {
  h.setNow(new Date(h.now().getTime() + 2 * 60_000));
  try {
    return await h.runtime.services.recovery.sweep();
  } finally {
    h.setNow(NOW);
  }
}

async function memberWithCar() {
  const plate = `沪K${String(30_000 + ++serial)}`;
  const member = await h.insertMember({ vehicles: [newVehicle(plate, '途观L')] });
  return { member, plate };
}

function bookingInput(memberId: string, plate: string, at: Date, requestId: string) {
  return {
    now: NOW,
    requestId,
    member: { id: memberId },
    plate,
    storeId: 'main',
    serviceId: 'maintenance',
    slotStart: at.toISOString(),
    mileageKm: null,
  };
}

describe('bookings: a process killed mid-way', () => {
  it('killed after taking the place: the sweep completes the booking; one place, one booking', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-10', '09:00');
    const input = bookingInput(member._id, plate, at, 'kill-1');
    const ended = await crashChild([mongo.uri, JSON.stringify(input), 'afterSeat']);
    expect(ended.signal, ended.stderr).toBe('SIGKILL');
    expect(await db().bookings.bookings.findOne({ requestKey: 'staff:kill-1' }).lean()).toMatchObject({
      status: 'pending',
    });
    expect(await seatsIn(at)).toBe(1);

    expect((await sweepLater()).bookings).toBe(1);
    const done = await db().bookings.bookings.findOne({ requestKey: 'staff:kill-1' }).lean<BookingRecord>();
    expect(done).toMatchObject({ status: 'booked' });
    expect(await db().bookings.seats.find({ holder: done!._id }).lean()).toEqual([
      expect.objectContaining({ _id: done!.seatKey, settled: true }),
    ]);
    // The caller's retry finds it; nothing is taken twice.
    const retried = await h.post(
      '/api/v1/bookings',
      {
        requestId: 'kill-1',
        memberId: member._id,
        plate,
        serviceId: 'maintenance',
        slotStart: at.toISOString(),
      },
      'admin',
    );
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ duplicate: true, booking: { id: done!._id, status: 'booked' } });
    expect(await seatsIn(at)).toBe(1);
    expect(await db().bookings.bookings.countDocuments({ memberId: member._id })).toBe(1);
  });

  it('killed before taking the place: the sweep drops the intent; the car’s day and the slot are free', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-10', '10:00');
    const ended = await crashChild([
      mongo.uri,
      JSON.stringify(bookingInput(member._id, plate, at, 'kill-2')),
      'afterIntent',
    ]);
    expect(ended.signal, ended.stderr).toBe('SIGKILL');
    expect(await seatsIn(at)).toBe(0);

    expect((await sweepLater()).bookings).toBe(1);
    expect(await db().bookings.bookings.countDocuments({ requestKey: 'staff:kill-2' })).toBe(0);
    // The same car books that day at once (its one-per-day key was freed with the intent).
    const again = await h.post(
      '/api/v1/bookings',
      {
        requestId: 'kill-2b',
        memberId: member._id,
        plate,
        serviceId: 'maintenance',
        slotStart: at.toISOString(),
      },
      'admin',
    );
    expect(again.status).toBe(201);
    expect(await seatsIn(at)).toBe(1);
  });

  it('killed in a move after taking the new place: the booking keeps its old place, the new one is freed', async () => {
    const { member, plate } = await memberWithCar();
    const from = slot('2026-12-11', '09:00');
    const to = slot('2026-12-11', '11:00');
    const made = await h.post(
      '/api/v1/bookings',
      {
        requestId: 'kill-3',
        memberId: member._id,
        plate,
        serviceId: 'maintenance',
        slotStart: from.toISOString(),
      },
      'admin',
    );
    expect(made.status).toBe(201);
    const id = made.body.booking.id as string;
    const ended = await crashChild([
      mongo.uri,
      JSON.stringify({ now: NOW, bookingId: id, requestId: 'kill-3-move' }),
      'afterNewSeat',
      to.toISOString(),
    ]);
    expect(ended.signal, ended.stderr).toBe('SIGKILL');
    expect(await seatsIn(to)).toBe(1);

    await sweepLater();
    const after = await db().bookings.bookings.findById(id).lean<BookingRecord>();
    expect(after).toMatchObject({ status: 'booked', slotStart: from });
    expect(await seatsIn(from)).toBe(1);
    expect(await seatsIn(to)).toBe(0);
  });
});
