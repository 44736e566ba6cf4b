import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { Database } from '../../src/data/database';
import type { BookingRecord } from '../../src/data/models/booking-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import { BookingService } from '../../src/services/bookings/booking-service';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/**
 * Service bookings through the staff API on the real runtime (embedded MongoDB-wire server,
 * redis-server, express), with the services' clock moved by hand. Store keys act for `main`.
 */
const booking = defaultProgramInput.stores[0]!.booking;
const program = parseProgram(
  {
    ...defaultProgramInput,
    stores: [
      { ...defaultProgramInput.stores[0]!, booking },
      { id: 'north', name: '北区店', booking },
      { id: 'race', name: '赛道店', booking: { ...booking, capacityPerSlot: 5 } },
    ],
  },
  'bookings test program',
);
const NOW = '2026-12-08T08:00:00+08:00'; // a Tuesday
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

let h: ApiHarness;
let db: Database;
let plateSerial = 10_000;

beforeAll(async () => {
  h = await startApiHarness({ now: NOW, program });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

async function memberWithCar(): Promise<{ member: MemberRecord; plate: string }> {
  const plate = `沪A${plateSerial++}`;
  const member = await h.insertMember({ vehicles: [newVehicle(plate, '途观')] });
  return { member, plate };
}

let requestSerial = 0;
const nextRequestId = () => `req-${++requestSerial}`;

async function book(
  fields: { member: MemberRecord; plate: string; slotStart: string; storeId?: string; serviceId?: string },
  role: 'admin' | 'store' = 'admin',
) {
  return h.post(
    '/api/v1/bookings',
    {
      requestId: nextRequestId(),
      memberId: fields.member._id,
      plate: fields.plate,
      storeId: fields.storeId ?? 'main',
      serviceId: fields.serviceId ?? 'maintenance',
      slotStart: fields.slotStart,
    },
    role,
  );
}

const seatsIn = (storeId: string, slotStart: string) =>
  db.bookings.seats.countDocuments({ storeId, slotStart: new Date(slotStart) });

describe('bookings: staff API', () => {
  it('books a phone booking, lists it, shows it in availability; a repeat is a duplicate', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-09', '09:00');
    const body = {
      requestId: 'phone-1',
      mobile: member.mobile,
      plate: plate.replace('A', 'a '),
      serviceId: 'maintenance',
      slotStart: at,
      mileageKm: 23_456,
    };
    const created = await h.post('/api/v1/bookings', body, 'store');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      duplicate: false,
      booking: {
        memberId: member._id,
        plate,
        storeId: 'main',
        serviceId: 'maintenance',
        day: '2026-12-09',
        time: '09:00',
        mileageKm: 23_456,
        status: 'booked',
        statusName: '已预约',
        channel: 'staff',
      },
    });
    expect(created.body.booking.number).toMatch(/^B\d{8}$/);

    const again = await h.post('/api/v1/bookings', body, 'store');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, booking: { id: created.body.booking.id } });
    const reused = await h.post(
      '/api/v1/bookings',
      { ...body, slotStart: slot('2026-12-09', '09:30') },
      'store',
    );
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('request_reused');
    expect(await seatsIn('main', at)).toBe(1);

    const listed = await h.get('/api/v1/bookings?date=2026-12-09', 'marketing');
    expect(listed.status).toBe(200);
    expect(listed.body.bookings.map((b: { id: string }) => b.id)).toContain(created.body.booking.id);

    const open = await h.get(
      '/api/v1/bookings/availability?storeId=main&serviceId=maintenance&from=2026-12-08&days=3',
    );
    expect(open.status).toBe(200);
    expect(open.body.capacityPerSlot).toBe(4);
    const [today, tomorrow] = open.body.days;
    // At 08:00 the earliest bookable slot today is 10:00 (2 hours ahead).
    expect(today.slots[0]).toMatchObject({ time: '10:00', free: 4 });
    expect(tomorrow.slots.find((s: { time: string }) => s.time === '09:00')).toMatchObject({ free: 3 });
    expect(tomorrow.free).toBe(18 * 4 - 1);

    const since = await h.get(
      `/api/v1/bookings?updatedSince=${encodeURIComponent(new Date(Date.parse(NOW) - 1).toISOString())}`,
    );
    expect(since.body.bookings.map((b: { id: string }) => b.id)).toContain(created.body.booking.id);
  });

  it('refuses bad input with a clear Chinese answer and writes nothing', async () => {
    const { member, plate } = await memberWithCar();
    const before = await db.bookings.bookings.countDocuments();
    const seatsBefore = await db.bookings.seats.countDocuments();
    const base = {
      requestId: nextRequestId(),
      memberId: member._id,
      plate,
      storeId: 'main',
      serviceId: 'maintenance',
    };
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ ...base, slotStart: slot('2026-12-08', '07:00') }, 400, 'past_slot', '已经过去'],
      [{ ...base, slotStart: slot('2026-12-08', '09:00') }, 400, 'too_soon', '提前 2 小时'],
      [{ ...base, slotStart: slot('2026-12-30', '09:00') }, 400, 'beyond_horizon', '14 天内'],
      [{ ...base, slotStart: slot('2026-12-09', '09:10') }, 400, 'not_a_slot', '每 30 分钟一段'],
      [
        { ...base, serviceId: 'car-wash', slotStart: slot('2026-12-09', '09:00') },
        400,
        'service_not_offered',
        '可预约：保养',
      ],
      [
        { ...base, plate: '沪B99999', slotStart: slot('2026-12-09', '09:00') },
        400,
        'unknown_car',
        '没有这辆车',
      ],
      [
        { ...base, memberId: 'a'.repeat(24), slotStart: slot('2026-12-09', '09:00') },
        404,
        'unknown_member',
        '没有找到这位会员',
      ],
      [
        { ...base, storeId: 'nowhere', slotStart: slot('2026-12-09', '09:00') },
        400,
        'unknown_store',
        '没有门店',
      ],
      [{ ...base, slotStart: '2026-12-09 09:00' }, 400, 'invalid_request', '请求参数不正确'],
      [
        { ...base, mobile: member.mobile, slotStart: slot('2026-12-09', '09:00') },
        400,
        'invalid_request',
        '请求参数不正确',
      ],
      [
        { ...base, mileageKm: -5, slotStart: slot('2026-12-09', '09:00') },
        400,
        'invalid_request',
        '请求参数不正确',
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await h.post('/api/v1/bookings', body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([status, code]);
      expect(res.body.error.message).toContain(message);
    }
    const issues = await h.post('/api/v1/bookings', {
      ...base,
      mobile: member.mobile,
      slotStart: slot('2026-12-09', '09:00'),
    });
    expect(issues.body.error.issues).toEqual([
      { path: 'mobile', message: '请提供 mobile 或 memberId 其中之一' },
    ]);
    expect(await db.bookings.bookings.countDocuments()).toBe(before);
    expect(await db.bookings.seats.countDocuments()).toBe(seatsBefore);
  });

  it('refuses bad queries with a clear answer', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/bookings?status=pending', 400, 'invalid_request'],
      ['/api/v1/bookings?date=12-09', 400, 'invalid_request'],
      ['/api/v1/bookings?updatedSince=yesterday', 400, 'invalid_request'],
      ['/api/v1/bookings?storeId=main&extra=1', 400, 'invalid_request'],
      ['/api/v1/bookings/availability?storeId=main&serviceId=car-wash', 400, 'service_not_offered'],
      ['/api/v1/bookings/availability?storeId=main&serviceId=maintenance&days=40', 400, 'invalid_request'],
      [
        '/api/v1/bookings/availability?storeId=main&serviceId=maintenance&from=2026-02-30',
        400,
        'invalid_request',
      ],
      ['/api/v1/bookings/availability?storeId=nowhere&serviceId=maintenance', 400, 'unknown_store'],
    ];
    for (const [path, status, code] of cases) {
      const res = await h.get(path);
      expect([res.status, res.body.error.code], path).toEqual([status, code]);
    }
    const closed = await h.get(
      '/api/v1/bookings/availability?storeId=main&serviceId=maintenance&from=2026-12-31&days=2',
    );
    expect(closed.body.days).toEqual([
      expect.objectContaining({ date: '2026-12-31', closed: false }),
      { date: '2027-01-01', closed: true, free: 0, slots: [] },
    ]);
  });

  it('keeps store keys to their own store; marketing reads only', async () => {
    const { member, plate } = await memberWithCar();
    const north = await book({ member, plate, storeId: 'north', slotStart: slot('2026-12-10', '10:00') });
    expect(north.status).toBe(201);
    const forbidden = await book(
      { member, plate, storeId: 'north', slotStart: slot('2026-12-11', '10:00') },
      'store',
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe('此密钥只能操作本门店的数据');
    expect((await h.get('/api/v1/bookings?storeId=north', 'store')).status).toBe(403);
    const own = await h.get('/api/v1/bookings', 'store');
    expect(own.body.bookings.every((b: { storeId: string }) => b.storeId === 'main')).toBe(true);
    const confirm = await h.post(`/api/v1/bookings/${north.body.booking.id}/confirm`, {}, 'store');
    expect([confirm.status, confirm.body.error.code]).toEqual([403, 'forbidden_store']);
    expect((await h.post(`/api/v1/bookings/${north.body.booking.id}/confirm`, {}, 'marketing')).status).toBe(
      403,
    );
    expect((await h.get('/api/v1/bookings?storeId=north', 'marketing')).status).toBe(200);
    expect((await book({ member, plate, slotStart: slot('2026-12-11', '10:00') }, 'store')).status).toBe(201);
    const asMarketing = await h.post(
      '/api/v1/bookings',
      {
        requestId: nextRequestId(),
        memberId: member._id,
        plate,
        serviceId: 'repair',
        storeId: 'main',
        slotStart: slot('2026-12-12', '10:00'),
      },
      'marketing',
    );
    expect(asMarketing.status).toBe(403);
  });

  it('confirms, checks in, marks no-show and cancels: repeats are duplicates, wrong states are 409', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-09', '10:30');
    const made = await book({ member, plate, slotStart: at });
    const id = made.body.booking.id;
    const confirm = await h.post(`/api/v1/bookings/${id}/confirm`, {}, 'store');
    expect([confirm.status, confirm.body.duplicate, confirm.body.booking.status]).toEqual([
      200,
      false,
      'confirmed',
    ]);
    expect((await h.post(`/api/v1/bookings/${id}/confirm`, {}, 'store')).body.duplicate).toBe(true);
    const checkIn = await h.post(`/api/v1/bookings/${id}/check-in`, {}, 'store');
    expect(checkIn.body.booking.status).toBe('checked_in');
    const late = await h.post(`/api/v1/bookings/${id}/cancel`, { reason: '客户来电取消' }, 'store');
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'wrong_state', details: { status: 'checked_in' } });
    expect(late.body.error.message).toBe('这条预约当前为「已到店」，不能进行此操作。');

    const other = await memberWithCar();
    const second = (await book({ ...other, slotStart: at })).body.booking.id;
    expect((await h.post(`/api/v1/bookings/${second}/no-show`, {}, 'store')).body.booking.status).toBe(
      'no_show',
    );
    expect((await h.post(`/api/v1/bookings/${second}/check-in`, {}, 'store')).status).toBe(409);

    // A cancel needs a reason and frees the place at once.
    const third = await memberWithCar();
    const cancelMe = (await book({ ...third, slotStart: at })).body.booking.id;
    expect(await seatsIn('main', at)).toBe(3);
    const noReason = await h.post(`/api/v1/bookings/${cancelMe}/cancel`, {}, 'store');
    expect(noReason.status).toBe(400);
    expect(await seatsIn('main', at)).toBe(3);
    const cancelled = await h.post(
      `/api/v1/bookings/${cancelMe}/cancel`,
      { reason: '车辆临时出差' },
      'store',
    );
    expect(cancelled.body.booking).toMatchObject({ status: 'cancelled', statusName: '已取消' });
    expect(cancelled.body.booking.history.at(-1)).toMatchObject({ action: 'cancel', reason: '车辆临时出差' });
    expect(await seatsIn('main', at)).toBe(2);
    expect(
      (await h.post(`/api/v1/bookings/${cancelMe}/cancel`, { reason: '再次' }, 'store')).body.duplicate,
    ).toBe(true);
    // The car's day is free again.
    expect((await book({ ...third, slotStart: slot('2026-12-09', '11:00') })).status).toBe(201);

    expect((await h.post('/api/v1/bookings/not-an-id/confirm', {}, 'store')).status).toBe(400);
    expect((await h.post(`/api/v1/bookings/${'b'.repeat(24)}/confirm`, {}, 'store')).status).toBe(404);
  });

  it('one car, one open booking per day', async () => {
    const { member, plate } = await memberWithCar();
    expect((await book({ member, plate, slotStart: slot('2026-12-14', '09:00') })).status).toBe(201);
    const twice = await book({ member, plate, serviceId: 'repair', slotStart: slot('2026-12-14', '15:00') });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'car_already_booked' });
    expect(twice.body.error.message).toContain('2026-12-14 已有预约');
    expect(await seatsIn('main', slot('2026-12-14', '15:00'))).toBe(0);
    expect((await book({ member, plate, slotStart: slot('2026-12-15', '15:00') })).status).toBe(201);
  });

  it('moves a booking: the new place is taken, the old one freed; a full slot offers the nearest free ones', async () => {
    const { member, plate } = await memberWithCar();
    const from = slot('2026-12-16', '09:00');
    const to = slot('2026-12-16', '14:00');
    const id = (await book({ member, plate, slotStart: from })).body.booking.id;
    const move = { requestId: 'move-1', slotStart: to };
    const moved = await h.post(`/api/v1/bookings/${id}/move`, move, 'store');
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ duplicate: false, booking: { time: '14:00', status: 'booked' } });
    expect([await seatsIn('main', from), await seatsIn('main', to)]).toEqual([0, 1]);
    expect((await h.post(`/api/v1/bookings/${id}/move`, move, 'store')).body.duplicate).toBe(true);

    const full = slot('2026-12-16', '10:00');
    for (let i = 0; i < 4; i++)
      expect((await book({ ...(await memberWithCar()), slotStart: full })).status).toBe(201);
    const refused = await h.post(
      `/api/v1/bookings/${id}/move`,
      { requestId: 'move-2', slotStart: full },
      'store',
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('slot_full');
    expect(refused.body.error.message).toBe(
      '这个时间已约满，最近可约：12-16 09:00、12-16 09:30、12-16 10:30。',
    );
    expect(refused.body.error.details.alternatives[0]).toMatchObject({
      day: '2026-12-16',
      time: '09:00',
      free: 4,
    });
    expect([await seatsIn('main', to), await seatsIn('main', full)]).toEqual([1, 4]);
    expect((await h.get(`/api/v1/bookings?date=2026-12-16&status=booked`)).body.bookings).toHaveLength(5);
  });

  it('a member cannot cancel or move after the cut-off; staff can', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-08', '11:00');
    const id = (await book({ member, plate, slotStart: at })).body.booking.id;
    h.setNow('2026-12-08T09:30:00+08:00');
    try {
      const asMember = { channel: 'member' as const, role: null, storeId: null };
      const late = await h.runtime.services.bookings.transition(id, 'cancel', { actor: asMember });
      expect(late).toMatchObject({
        ok: false,
        reason: 'after_cutoff',
        message: '预约开始前 2 小时内不能在线修改或取消，请致电门店。',
      });
      const moveLate = await h.runtime.services.bookings.move(id, {
        requestId: 'late',
        slotStart: new Date(slot('2026-12-09', '11:00')),
        actor: asMember,
      });
      expect(moveLate).toMatchObject({ reason: 'after_cutoff' });
      expect(
        (await h.post(`/api/v1/bookings/${id}/cancel`, { reason: '门店设备检修' }, 'store')).status,
      ).toBe(200);
    } finally {
      h.setNow(NOW);
    }
  });
});

describe('bookings: exact capacity under concurrency', () => {
  it('200 concurrent bookings for a slot of 5 → exactly 5 bookings and 195 clear answers', async () => {
    const at = slot('2026-12-17', '09:00');
    const cars = await Promise.all(Array.from({ length: 200 }, () => memberWithCar()));
    const answers = await Promise.all(cars.map((car) => book({ ...car, storeId: 'race', slotStart: at })));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(195);
    expect(
      answers.filter((res) => res.status === 409).every((res) => res.body.error.code === 'slot_full'),
    ).toBe(true);
    expect(await seatsIn('race', at)).toBe(5);
    expect(
      await db.bookings.bookings.countDocuments({
        storeId: 'race',
        slotStart: new Date(at),
        status: 'booked',
      }),
    ).toBe(5);
    expect(await db.bookings.bookings.countDocuments({ storeId: 'race', status: 'pending' })).toBe(0);
  });

  it('concurrent moves into a slot with one place left: one wins, the others keep their places', async () => {
    const target = slot('2026-12-18', '09:00');
    for (let i = 0; i < 4; i++)
      await book({ ...(await memberWithCar()), storeId: 'race', slotStart: target });
    const movers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const made = await book({
          ...(await memberWithCar()),
          storeId: 'race',
          slotStart: slot('2026-12-18', i < 5 ? '13:00' : '14:00'),
        });
        return made.body.booking.id as string;
      }),
    );
    const answers = await Promise.all(
      movers.map((id) =>
        h.post(`/api/v1/bookings/${id}/move`, { requestId: `into-${id}`, slotStart: target }),
      ),
    );
    expect(answers.filter((res) => res.status === 200)).toHaveLength(1);
    expect(answers.filter((res) => res.status === 409 && res.body.error.code === 'slot_full')).toHaveLength(
      9,
    );
    expect(await seatsIn('race', target)).toBe(5);
    expect(
      (await seatsIn('race', slot('2026-12-18', '13:00'))) +
        (await seatsIn('race', slot('2026-12-18', '14:00'))),
    ).toBe(9);
  });

  it('a move race on one booking leaves it holding exactly one place', async () => {
    for (let round = 0; round < 5; round++) {
      const { member, plate } = await memberWithCar();
      const id = (await book({ member, plate, storeId: 'race', slotStart: slot('2026-12-21', '09:00') })).body
        .booking.id;
      const targets = ['10:00', '10:30', '11:00', '11:30'].map((t) => slot('2026-12-21', t));
      const answers = await Promise.all(
        targets.map((to, i) =>
          h.post(`/api/v1/bookings/${id}/move`, { requestId: `race-${round}-${i}`, slotStart: to }),
        ),
      );
      const record = await db.bookings.bookings.findById(id).lean<BookingRecord>();
      const seats = await db.bookings.seats.find({ holder: id }).lean();
      expect(seats).toHaveLength(1);
      expect(seats[0]!._id).toBe(record!.seatKey);
      expect(seats[0]!.settled).toBe(true);
      expect(seats[0]!.slotStart.toISOString()).toBe(record!.slotStart.toISOString());
      expect(answers.some((res) => res.status === 200)).toBe(true);
      expect(answers.every((res) => res.status === 200 || res.body.error.code === 'conflict')).toBe(true);
      await h.post(`/api/v1/bookings/${id}/cancel`, { reason: '测试结束' });
    }
    expect(
      await db.bookings.seats.countDocuments({
        storeId: 'race',
        slotStart: {
          $gte: new Date(slot('2026-12-21', '00:00')),
          $lt: new Date(slot('2026-12-22', '00:00')),
        },
      }),
    ).toBe(0);
  });
});

describe('bookings: a crash mid-way is recovered by the sweep', () => {
  const crash = () => {
    throw new Error('simulated crash');
  };
  const services = () => h.runtime.services;
  const asStaff = { channel: 'staff' as const, role: 'admin', storeId: null };

  async function sweepLater() {
    h.setNow(new Date(h.now().getTime() + 2 * 60_000));
    try {
      return await services().recovery.sweep();
    } finally {
      h.setNow(NOW);
    }
  }

  it('a crash after taking the place completes the booking; no lost place, no double booking', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-22', '09:00');
    const crashing = new BookingService(services(), { afterSeat: crash });
    const input = {
      requestId: 'crash-1',
      member: { id: member._id },
      plate,
      storeId: 'main',
      serviceId: 'maintenance',
      slotStart: new Date(at),
      mileageKm: null,
      actor: asStaff,
    };
    await expect(crashing.create(input)).rejects.toThrow('simulated crash');
    expect(await db.bookings.bookings.findOne({ requestKey: 'staff:crash-1' }).lean()).toMatchObject({
      status: 'pending',
      seatKey: null,
    });
    expect(await seatsIn('main', at)).toBe(1);

    const counts = await sweepLater();
    expect(counts.bookings).toBe(1);
    const done = await db.bookings.bookings.findOne({ requestKey: 'staff:crash-1' }).lean<BookingRecord>();
    expect(done).toMatchObject({ status: 'booked' });
    expect(await db.bookings.seats.find({ holder: done!._id }).lean()).toEqual([
      expect.objectContaining({ _id: done!.seatKey, settled: true }),
    ]);
    // The client's retry finds the booking the sweep finished.
    const retried = await services().bookings.create(input);
    expect(retried).toMatchObject({
      ok: true,
      duplicate: true,
      booking: { id: done!._id, status: 'booked' },
    });
    expect(await seatsIn('main', at)).toBe(1);
    expect((await sweepLater()).bookings).toBe(0);
  });

  it('a crash before taking the place drops the intent and frees the car’s day', async () => {
    const { member, plate } = await memberWithCar();
    const at = slot('2026-12-22', '10:00');
    const crashing = new BookingService(services(), { afterIntent: crash });
    const input = {
      requestId: 'crash-2',
      member: { id: member._id },
      plate,
      storeId: 'main',
      serviceId: 'maintenance',
      slotStart: new Date(at),
      mileageKm: null,
      actor: asStaff,
    };
    await expect(crashing.create(input)).rejects.toThrow('simulated crash');
    expect(await seatsIn('main', at)).toBe(0);
    expect((await sweepLater()).bookings).toBe(1);
    expect(await db.bookings.bookings.countDocuments({ requestKey: 'staff:crash-2' })).toBe(0);
    expect(await services().bookings.create(input)).toMatchObject({
      ok: true,
      duplicate: false,
      booking: { status: 'booked' },
    });
  });

  it('a crash in a move after taking the new place keeps the old one and releases the new', async () => {
    const { member, plate } = await memberWithCar();
    const from = slot('2026-12-22', '11:00');
    const to = slot('2026-12-22', '11:30');
    const id = (await book({ member, plate, slotStart: from })).body.booking.id;
    const crashing = new BookingService(services(), { afterNewSeat: crash });
    await expect(
      crashing.move(id, { requestId: 'crash-move', slotStart: new Date(to), actor: asStaff }),
    ).rejects.toThrow('simulated crash');
    expect([await seatsIn('main', from), await seatsIn('main', to)]).toEqual([1, 1]);
    expect((await sweepLater()).bookings).toBe(2);
    expect([await seatsIn('main', from), await seatsIn('main', to)]).toEqual([1, 0]);
    expect(await db.bookings.seats.findOne({ holder: id }).lean()).toMatchObject({ settled: true });
    const retried = await services().bookings.move(id, {
      requestId: 'crash-move',
      slotStart: new Date(to),
      actor: asStaff,
    });
    expect(retried).toMatchObject({ ok: true, duplicate: false, booking: { time: '11:30' } });
    expect([await seatsIn('main', from), await seatsIn('main', to)]).toEqual([0, 1]);
  });
});

describe('bookings: program publish', () => {
  it('refuses a version that drops a service or a store with open bookings, listing them', async () => {
    const { member, plate } = await memberWithCar();
    const made = await book({
      member,
      plate,
      storeId: 'north',
      serviceId: 'body-paint',
      slotStart: slot('2026-12-19', '09:00'),
    });
    const number = made.body.booking.number;
    const file = (await h.get('/api/v1/program')).body.file;
    const withoutBodyPaint = file.stores.map((store: { id: string; booking?: { services: string[] } }) =>
      store.id === 'north' && store.booking
        ? {
            ...store,
            booking: { ...store.booking, services: store.booking.services.filter((s) => s !== 'body-paint') },
          }
        : store,
    );
    for (const path of ['/api/v1/program/check', '/api/v1/program']) {
      const res = await h.post(path, { stores: withoutBodyPaint });
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems).toEqual([
        expect.stringContaining(`service "body-paint" of store "north" has 1 open booking(s) (${number})`),
      ]);
    }
    const withoutNorth = file.stores.filter((store: { id: string }) => store.id !== 'north');
    const dropped = await h.post('/api/v1/program', { stores: withoutNorth });
    expect(dropped.status).toBe(400);
    expect(dropped.body.error.details.problems.join('\n')).toContain('store "north" has');
    expect((await h.get('/api/v1/program')).body.version).toBe(program.version);

    expect(
      (await h.post(`/api/v1/bookings/${made.body.booking.id}/cancel`, { reason: '改到其他门店' })).status,
    ).toBe(200);
    const northBookings = (await h.get('/api/v1/bookings?storeId=north')).body.bookings.filter(
      (b: { status: string }) => b.status === 'booked' || b.status === 'confirmed',
    );
    for (const b of northBookings) await h.post(`/api/v1/bookings/${b.id}/cancel`, { reason: '门店调整' });
    expect((await h.post('/api/v1/program', { stores: withoutNorth })).status).toBe(201);
  });
});
