import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { DeliveryStatus } from '../../src/data/models/delivery-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import { deliveryRequestSchema } from '../../src/delivery/delivery-request';
import { newDeliveryRecord } from '../../src/services/enqueue-deliveries';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/**
 * The booking reports through the staff API on the real runtime: bookings per store and ISO week
 * (booked, arrived, no-show, cancelled by member / by store) and care reminder → booking
 * conversion, over bookings made through the API and seeded delivery records.
 */
const booking = defaultProgramInput.stores[0]!.booking;
const program = parseProgram(
  {
    ...defaultProgramInput,
    stores: [
      { ...defaultProgramInput.stores[0]!, booking },
      { id: 'north', name: '北区店', booking },
    ],
  },
  'booking reports test program',
);
const NOW = '2026-12-08T08:00:00+08:00'; // Tuesday of 2026-W50
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

let h: ApiHarness;
let plates = 30_000;
let requests = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: NOW, program });
});
afterAll(async () => {
  await h?.stop();
});

async function memberWithCars(count = 1): Promise<{ member: MemberRecord; plates: string[] }> {
  const own = Array.from({ length: count }, () => `沪C${plates++}`);
  const member = await h.insertMember({ vehicles: own.map((plate) => newVehicle(plate, '途观')) });
  return { member, plates: own };
}

async function book(member: MemberRecord, plate: string, slotStart: string, storeId = 'main') {
  const res = await h.post('/api/v1/bookings', {
    requestId: `report-${++requests}`,
    memberId: member._id,
    plate,
    storeId,
    serviceId: 'maintenance',
    slotStart,
  });
  expect(res.status).toBe(201);
  return res.body.booking.id as string;
}

async function sentReminder(
  kind: string,
  memberId: string,
  vehicle: string,
  sentAt: string,
  status: DeliveryStatus = 'sent',
) {
  const key = `care:${kind}:${memberId}:${vehicle}:2027-01-01:30`;
  const request = deliveryRequestSchema.parse({ key, memberId, category: 'service', kind, text: '提醒' });
  const record = newDeliveryRecord(request, new Date(sentAt));
  await h.runtime.services.db.delivery.deliveries.create({
    ...record,
    status,
    sentAt: status === 'sent' ? new Date(sentAt) : null,
    channel: status === 'sent' ? 'customer_service' : null,
  });
}

const b64 = (plate: string) => Buffer.from(plate, 'utf8').toString('base64url');

describe('GET /reports/bookings', () => {
  it('counts per store and ISO week; store keys see their own store', async () => {
    const { member, plates: cars } = await memberWithCars(6);
    const arrived = await book(member, cars[0]!, slot('2026-12-09', '09:00'));
    const noShow = await book(member, cars[1]!, slot('2026-12-09', '09:30'));
    const storeCancel = await book(member, cars[2]!, slot('2026-12-10', '09:00'));
    const memberCancel = await book(member, cars[3]!, slot('2026-12-10', '09:30'));
    await book(member, cars[4]!, slot('2026-12-15', '09:00'));
    await book(member, cars[5]!, slot('2026-12-09', '10:00'), 'north');

    expect((await h.post(`/api/v1/bookings/${arrived}/check-in`, {}, 'store')).status).toBe(200);
    expect((await h.post(`/api/v1/bookings/${noShow}/no-show`, {}, 'store')).status).toBe(200);
    const cancel = await h.post(`/api/v1/bookings/${storeCancel}/cancel`, { reason: '设备检修' }, 'store');
    expect(cancel.status).toBe(200);
    const own = await h.runtime.services.bookings.transition(memberCancel, 'cancel', {
      actor: { channel: 'member', role: null, storeId: null },
    });
    expect(own.ok).toBe(true);

    const res = await h.get('/api/v1/reports/bookings?from=2026-12-07&to=2026-12-20', 'marketing');
    expect(res.status).toBe(200);
    expect(res.body.weeks).toEqual(['2026-W50', '2026-W51']);
    const empty = { arrived: 0, noShow: 0, cancelledByMember: 0, cancelledByStore: 0, open: 0 };
    expect(res.body.rows).toEqual([
      {
        storeId: 'main',
        week: '2026-W50',
        booked: 4,
        arrived: 1,
        noShow: 1,
        cancelledByMember: 1,
        cancelledByStore: 1,
        open: 0,
      },
      { storeId: 'main', week: '2026-W51', booked: 1, ...empty, open: 1 },
      { storeId: 'north', week: '2026-W50', booked: 1, ...empty, open: 1 },
    ]);

    // A narrower range clips the weeks; a store key sees only its store.
    const mine = await h.get('/api/v1/reports/bookings?from=2026-12-10&to=2026-12-13', 'store');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ storeId: 'main', weeks: ['2026-W50'] });
    expect(mine.body.rows).toEqual([
      {
        storeId: 'main',
        week: '2026-W50',
        booked: 2,
        ...empty,
        cancelledByMember: 1,
        cancelledByStore: 1,
      },
    ]);
    const other = await h.get(
      '/api/v1/reports/bookings?from=2026-12-07&to=2026-12-13&storeId=north',
      'store',
    );
    expect(other.status).toBe(403);
    const north = await h.get('/api/v1/reports/bookings?from=2026-12-07&to=2026-12-13&storeId=north');
    expect(north.body.rows).toEqual([{ storeId: 'north', week: '2026-W50', booked: 1, ...empty, open: 1 }]);
  });

  it.each([
    ['to before from', 'from=2026-12-10&to=2026-12-09'],
    ['no such day', 'from=2026-02-30&to=2026-03-02'],
    ['a missing to', 'from=2026-12-01'],
    ['an unknown field', 'from=2026-12-01&to=2026-12-02&week=1'],
    ['a range over 400 days', 'from=2025-01-01&to=2026-12-31'],
  ])('rejects %s with 400', async (_what, query) => {
    const res = await h.get(`/api/v1/reports/bookings?${query}`, 'marketing');
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });
});

describe('GET /reports/booking-conversion', () => {
  it('counts reminders sent per care kind and those followed by a booking of the same member and car', async () => {
    h.setNow(NOW);
    const converted = await memberWithCars(1);
    const otherCar = await memberWithCars(2);
    const noPlate = await memberWithCars(1);
    const notSent = await memberWithCars(1);
    await sentReminder(
      'maintenance_due',
      converted.member._id,
      b64(converted.plates[0]!),
      '2026-12-01T10:00:00+08:00',
    );
    await sentReminder(
      'maintenance_due',
      otherCar.member._id,
      b64(otherCar.plates[0]!),
      '2026-12-01T10:00:00+08:00',
    );
    await sentReminder('insurance_renewal', noPlate.member._id, 'vehicle-0', '2026-11-01T10:00:00+08:00');
    await sentReminder(
      'inspection_due',
      notSent.member._id,
      b64(notSent.plates[0]!),
      '2026-12-01T10:00:00+08:00',
      'skipped',
    );
    // Bookings made now (2026-12-08): 7 days after the maintenance reminders, 37 after insurance.
    await book(converted.member, converted.plates[0]!, slot('2026-12-11', '09:00'));
    await book(otherCar.member, otherCar.plates[1]!, slot('2026-12-11', '09:30'));
    await book(noPlate.member, noPlate.plates[0]!, slot('2026-12-11', '10:00'));
    await book(notSent.member, notSent.plates[0]!, slot('2026-12-11', '10:30'));

    const res = await h.get('/api/v1/reports/booking-conversion?from=2026-11-01&to=2026-12-07', 'marketing');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-11-01', to: '2026-12-07', withinDays: 14 });
    expect(res.body.rows).toEqual([
      { kind: 'maintenance_due', name: '保养到期', remindersSent: 2, booked: 1, conversionRate: 0.5 },
      { kind: 'insurance_renewal', name: '保险到期', remindersSent: 1, booked: 0, conversionRate: 0 },
      { kind: 'inspection_due', name: '年检到期', remindersSent: 0, booked: 0, conversionRate: null },
    ]);

    const longer = await h.get(
      '/api/v1/reports/booking-conversion?from=2026-11-01&to=2026-12-07&withinDays=60',
      'marketing',
    );
    expect(longer.body.rows[1]).toMatchObject({ remindersSent: 1, booked: 1, conversionRate: 1 });

    // Reminders sent outside the range are not counted.
    const later = await h.get(
      '/api/v1/reports/booking-conversion?from=2026-12-02&to=2026-12-07',
      'marketing',
    );
    expect(later.body.rows.map((r: { remindersSent: number }) => r.remindersSent)).toEqual([0, 0, 0]);

    expect(
      (await h.get('/api/v1/reports/booking-conversion?from=2026-11-01&to=2026-12-07', 'store')).status,
    ).toBe(403);
    const bad = await h.get('/api/v1/reports/booking-conversion?from=2026-11-01&to=2026-12-07&withinDays=0');
    expect(bad.status).toBe(400);
  });
});
