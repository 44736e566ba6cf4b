import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { MemberRecord } from '../../src/data/models/member-model';
import { bookingBoardSchema } from '../../src/services/bookings/booking-board';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/**
 * The store's booking board (`GET /bookings/board`) and the phone booking's note, through the staff
 * API on the real runtime. Store keys act for `main`; `north` takes bookings, `office` does not.
 */
const booking = defaultProgramInput.stores[0]!.booking;
const program = parseProgram(
  {
    ...defaultProgramInput,
    stores: [
      { ...defaultProgramInput.stores[0]!, booking },
      { id: 'north', name: '北区店', booking: { ...booking, capacityPerSlot: 3 } },
      { id: 'office', name: '集团办公室' },
    ],
  },
  'booking board test program',
);
const NOW = '2026-12-08T08:00:00+08:00';
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

let h: ApiHarness;
let serial = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: NOW, program });
});
afterAll(async () => {
  await h?.stop();
});

async function memberWithCar(name: string): Promise<{ member: MemberRecord; plate: string }> {
  const plate = `苏E${20_000 + serial++}`;
  const member = await h.insertMember({ name, vehicles: [newVehicle(plate, '帕萨特')] });
  return { member, plate };
}

async function book(
  who: { member: MemberRecord; plate: string },
  fields: { storeId: string; slotStart: string; serviceId?: string; note?: string; mileageKm?: number },
) {
  const res = await h.post('/api/v1/bookings', {
    requestId: `board-${serial++}`,
    memberId: who.member._id,
    plate: who.plate,
    serviceId: 'maintenance',
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.booking as { id: string };
}

describe('bookings: the store board', () => {
  it('shows one store and day: bookings by slot with member and service names, counts and places held', async () => {
    const wang = await memberWithCar('王建国');
    const li = await memberWithCar('李娜');
    const zhao = await memberWithCar('赵敏');
    const sun = await memberWithCar('孙丽');
    const day = '2026-12-09';
    const first = await book(wang, {
      storeId: 'north',
      slotStart: slot(day, '10:00'),
      note: '客户说刹车有异响',
      mileageKm: 35_200,
    });
    const second = await book(li, { storeId: 'north', slotStart: slot(day, '09:00'), serviceId: 'repair' });
    const third = await book(zhao, { storeId: 'north', slotStart: slot(day, '10:00') });
    const fourth = await book(sun, { storeId: 'north', slotStart: slot(day, '11:00') });
    // Another store's and another day's bookings stay off this board.
    await book(await memberWithCar('周杰'), { storeId: 'main', slotStart: slot(day, '10:00') });
    await book(await memberWithCar('吴磊'), { storeId: 'north', slotStart: slot('2026-12-10', '10:00') });

    expect((await h.post(`/api/v1/bookings/${first.id}/confirm`, {})).status).toBe(200);
    expect((await h.post(`/api/v1/bookings/${second.id}/check-in`, {})).status).toBe(200);
    expect((await h.post(`/api/v1/bookings/${third.id}/no-show`, {})).status).toBe(200);
    expect((await h.post(`/api/v1/bookings/${fourth.id}/cancel`, { reason: '客户改天再来' })).status).toBe(
      200,
    );

    const res = await h.get(`/api/v1/bookings/board?storeId=north&date=${day}`, 'marketing');
    expect(res.status).toBe(200);
    const board = bookingBoardSchema.parse(res.body);
    expect(board).toMatchObject({
      storeId: 'north',
      date: day,
      today: '2026-12-08',
      now: new Date(NOW).toISOString(),
      closed: false,
      capacityPerSlot: 3,
      counts: { open: 1, booked: 0, confirmed: 1, checkedIn: 1, noShow: 1, cancelled: 1 },
    });
    expect(board.bookings.map((b) => [b.time, b.member?.name, b.status])).toEqual([
      ['09:00', '李娜', 'checked_in'],
      ['10:00', '王建国', 'confirmed'],
      ['10:00', '赵敏', 'no_show'],
      ['11:00', '孙丽', 'cancelled'],
    ]);
    const wangRow = board.bookings[1]!;
    expect(wangRow).toMatchObject({
      serviceName: '保养',
      note: '客户说刹车有异响',
      mileageKm: 35_200,
      plate: wang.plate,
      statusName: '已确认',
      member: { name: '王建国', tierName: '铜卡' },
    });
    expect(board.bookings[0]!.serviceName).toBe('维修');
    // Marketing and store keys see masked mobiles; the cancel reason is in the history.
    expect(wangRow.member!.mobile).toBe(
      `${wang.member.mobile!.slice(0, 3)}****${wang.member.mobile!.slice(7)}`,
    );
    expect(board.bookings[3]!.history.at(-1)).toMatchObject({ action: 'cancel', reason: '客户改天再来' });
    // Every slot of the day (08:30–17:00), each with the places held: the cancelled one is free again.
    expect(board.slots).toHaveLength(18);
    const at = (time: string) => board.slots.find((s) => s.time === time)!;
    expect(at('08:30')).toMatchObject({ held: 0, free: 3 });
    expect(at('09:00')).toMatchObject({ held: 1, free: 2 });
    expect(at('10:00')).toMatchObject({ held: 2, free: 1 });
    expect(at('11:00')).toMatchObject({ held: 0, free: 3 });

    const admin = await h.get(`/api/v1/bookings/board?storeId=north&date=${day}`, 'admin');
    expect(admin.body.bookings[1].member.mobile).toBe(wang.member.mobile);
  });

  it('defaults to the store key’s store and to today; keeps store keys to their store', async () => {
    const chen = await memberWithCar('陈晨');
    const today = await book(chen, { storeId: 'main', slotStart: slot('2026-12-08', '15:00') });
    const own = await h.get('/api/v1/bookings/board', 'store');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ storeId: 'main', date: '2026-12-08', today: '2026-12-08' });
    expect(own.body.bookings.map((b: { id: string }) => b.id)).toEqual([today.id]);
    expect(own.body.counts).toMatchObject({ open: 1, booked: 1 });

    const other = await h.get('/api/v1/bookings/board?storeId=north', 'store');
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden_store');
    // Admin and marketing name the store when the group has more than one.
    const unnamed = await h.get('/api/v1/bookings/board', 'admin');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.code).toBe('store_required');
  });

  it('refuses a store without bookings, an unknown store and bad dates', async () => {
    const office = await h.get('/api/v1/bookings/board?storeId=office', 'admin');
    expect(office.status).toBe(400);
    expect(office.body.error).toMatchObject({ code: 'store_not_bookable' });
    expect((await h.get('/api/v1/bookings/board?storeId=nowhere', 'admin')).body.error.code).toBe(
      'unknown_store',
    );
    for (const date of ['2026-02-30', '12/09/2026']) {
      const res = await h.get(`/api/v1/bookings/board?storeId=north&date=${date}`, 'admin');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await h.get('/api/v1/bookings/board?storeId=north&extra=1', 'admin')).status).toBe(400);
  });

  it('a closed day shows no slots but keeps its bookings listed', async () => {
    const res = await h.get('/api/v1/bookings/board?storeId=north&date=2027-01-01', 'admin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ closed: true, slots: [], bookings: [] });
  });

  it('a phone booking keeps its note (trimmed, at most 200 characters)', async () => {
    const who = await memberWithCar('郑爽');
    const body = {
      requestId: 'note-1',
      memberId: who.member._id,
      plate: who.plate,
      storeId: 'north',
      serviceId: 'inspection',
      slotStart: slot('2026-12-11', '14:00'),
    };
    const long = await h.post('/api/v1/bookings', { ...body, note: '长'.repeat(201) }, 'admin');
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toContain('备注最多 200 字');
    const created = await h.post('/api/v1/bookings', { ...body, note: '  需要代步车  ' }, 'admin');
    expect(created.status).toBe(201);
    expect(created.body.booking.note).toBe('需要代步车');
    const plain = await h.post(
      '/api/v1/bookings',
      { ...body, requestId: 'note-2', slotStart: slot('2026-12-12', '14:00') },
      'admin',
    );
    expect(plain.body.booking.note).toBeNull();
  });
});
