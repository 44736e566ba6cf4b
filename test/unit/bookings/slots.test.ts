import { describe, expect, it } from 'vitest';
import { decideTransition } from '../../../src/bookings/booking-transitions';
import { decideBookingRequest, memberMayChange } from '../../../src/bookings/decide-booking';
import { nearestFreeSlots } from '../../../src/bookings/nearest-slots';
import { openBookingProblems } from '../../../src/bookings/open-booking-problems';
import { bookableSlotsOfDay, isoWeekday, slotsOfDay } from '../../../src/bookings/slots';
import { ConfigError } from '../../../src/config/config-error';
import { deepMerge } from '../../../src/config/deep-merge';
import { defaultProgram } from '../../../src/config/default-program';
import { defaultProgramInput } from '../../../src/config/default-program-input';
import { parseProgram } from '../../../src/config/parse-program';

const config = defaultProgram.bookings!;
const store = defaultProgram.stores[0]!.booking!;
const tz = 'Asia/Shanghai';
const d = (year: number, month: number, day: number) => ({ year, month, day });

/** A program with `change` merged over the default (lists replace). */
function programWith(change: Record<string, unknown>) {
  return parseProgram(deepMerge(defaultProgramInput, change) as Record<string, unknown>, 'test program');
}

describe('slots of a store day', () => {
  it('cuts opening hours into slots in Shanghai time (no daylight saving: +08:00 all year)', () => {
    for (const date of [d(2026, 12, 8), d(2027, 7, 13)]) {
      const slots = slotsOfDay(config, store, date, tz);
      expect(slots).toHaveLength(18);
      expect(slots[0]!.time).toBe('08:30');
      expect(slots.at(-1)!.time).toBe('17:00');
      const iso = `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
      expect(slots[0]!.start.toISOString()).toBe(new Date(`${iso}T08:30:00+08:00`).toISOString());
      expect(slots.at(-1)!.start.toISOString()).toBe(new Date(`${iso}T17:00:00+08:00`).toISOString());
    }
  });

  it('has no slots on a closed date (group or store) or a weekday the store does not open', () => {
    expect(slotsOfDay(config, store, d(2027, 1, 1), tz)).toEqual([]);
    const weekdaysOnly = { ...store, weekdays: [1, 2, 3, 4, 5], closedDates: ['2026-12-09'] };
    expect(isoWeekday(d(2026, 12, 12))).toBe(6);
    expect(slotsOfDay(config, weekdaysOnly, d(2026, 12, 12), tz)).toEqual([]);
    expect(slotsOfDay(config, weekdaysOnly, d(2026, 12, 9), tz)).toEqual([]);
    expect(slotsOfDay(config, weekdaysOnly, d(2026, 12, 10), tz)).toHaveLength(18);
  });

  it('a slot must fit before closing: 45-minute slots from 08:30 to 17:30 end at 16:45', () => {
    const slots = slotsOfDay({ ...config, slotMinutes: 45 }, store, d(2026, 12, 8), tz);
    expect(slots.map((slot) => slot.time).at(-1)).toBe('16:45');
    expect(slots).toHaveLength(12);
  });

  it('bookable slots start at least earliestMinutes ahead and stay within the horizon', () => {
    const now = new Date('2026-12-08T10:10:00+08:00');
    const today = bookableSlotsOfDay(config, store, d(2026, 12, 8), tz, now);
    expect(today[0]!.time).toBe('12:30');
    expect(bookableSlotsOfDay(config, store, d(2026, 12, 22), tz, now)).toHaveLength(18);
    expect(bookableSlotsOfDay(config, store, d(2026, 12, 23), tz, now)).toEqual([]);
    expect(bookableSlotsOfDay(config, store, d(2026, 12, 7), tz, now)).toEqual([]);
  });
});

describe('a booking request', () => {
  const now = new Date('2026-12-08T10:10:00+08:00');
  const ask = (slotStart: string, serviceId = 'maintenance', storeId = 'main') =>
    decideBookingRequest(defaultProgram, { storeId, serviceId, slotStart: new Date(slotStart) }, now);

  it.each([
    ['2026-12-08T09:00:00+08:00', 'past_slot', '已经过去'],
    ['2026-12-08T11:30:00+08:00', 'too_soon', '请至少提前 2 小时预约'],
    ['2026-12-23T09:00:00+08:00', 'beyond_horizon', '最多可预约 14 天内'],
    ['2027-01-01T09:00:00+08:00', 'beyond_horizon', '最多可预约 14 天内'],
    ['2026-12-09T09:10:00+08:00', 'not_a_slot', '08:30–17:30，每 30 分钟一段'],
    ['2026-12-09T17:30:00+08:00', 'not_a_slot', '08:30–17:30'],
    ['2026-12-09T07:00:00+08:00', 'not_a_slot', '08:30–17:30'],
  ])('%s → %s', (slotStart, reason, message) => {
    const decision = ask(slotStart);
    expect(decision).toMatchObject({ ok: false, reason });
    expect(decision.ok ? '' : decision.message).toContain(message);
  });

  it('refuses a closed day, a service the store does not offer and a store without bookings', () => {
    const program = programWith({
      bookings: { closedDates: ['2026-12-10'] },
      stores: [
        {
          ...defaultProgramInput.stores[0],
          booking: { ...defaultProgramInput.stores[0]!.booking, services: ['maintenance', 'repair'] },
        },
        { id: 'north', name: '北区店' },
      ],
    });
    const at = (slotStart: string, serviceId: string, storeId: string) =>
      decideBookingRequest(program, { storeId, serviceId, slotStart: new Date(slotStart) }, now);
    const closed = at('2026-12-10T09:00:00+08:00', 'maintenance', 'main');
    expect(closed).toMatchObject({
      ok: false,
      reason: 'closed_day',
      message: '2026-12-10 门店不营业，请选择其他日期。',
    });
    expect(at('2026-12-11T09:00:00+08:00', 'body-paint', 'main')).toMatchObject({
      ok: false,
      reason: 'service_not_offered',
      message: '该门店不提供此项服务，可预约：保养、维修。',
    });
    expect(at('2026-12-11T09:00:00+08:00', 'no-such', 'main')).toMatchObject({
      reason: 'service_not_offered',
    });
    expect(at('2026-12-11T09:00:00+08:00', 'maintenance', 'north')).toMatchObject({
      reason: 'store_not_bookable',
    });
    const { bookings: _off, ...withoutBookings } = program;
    expect(
      decideBookingRequest(
        withoutBookings,
        { storeId: 'main', serviceId: 'maintenance', slotStart: new Date('2026-12-11T09:00:00+08:00') },
        now,
      ),
    ).toMatchObject({ reason: 'bookings_off' });
  });

  it('accepts a slot from earliest to the horizon, with its local day, time and capacity', () => {
    expect(ask('2026-12-08T12:30:00+08:00')).toMatchObject({
      ok: true,
      day: '2026-12-08',
      time: '12:30',
      capacity: 4,
    });
    expect(ask('2026-12-22T17:00:00+08:00')).toMatchObject({ ok: true, day: '2026-12-22', time: '17:00' });
  });

  it('a member may change until changeCutoffMinutes before the slot', () => {
    const slot = new Date('2026-12-08T14:00:00+08:00');
    expect(memberMayChange(config, slot, new Date('2026-12-08T12:00:00+08:00'))).toBe(true);
    expect(memberMayChange(config, slot, new Date('2026-12-08T12:00:01+08:00'))).toBe(false);
  });
});

describe('transitions, nearest slots, publish checks, schema', () => {
  it('a repeat is a duplicate, a wrong state is named', () => {
    expect(decideTransition('booked', 'confirm')).toEqual({ kind: 'apply', to: 'confirmed' });
    expect(decideTransition('confirmed', 'confirm')).toEqual({ kind: 'duplicate' });
    expect(decideTransition('confirmed', 'check_in')).toEqual({ kind: 'apply', to: 'checked_in' });
    expect(decideTransition('cancelled', 'check_in')).toEqual({ kind: 'wrong_state', status: 'cancelled' });
    expect(decideTransition('checked_in', 'cancel')).toEqual({ kind: 'wrong_state', status: 'checked_in' });
    expect(decideTransition('cancelled', 'cancel')).toEqual({ kind: 'duplicate' });
    expect(decideTransition('checked_in', 'confirm')).toEqual({ kind: 'wrong_state', status: 'checked_in' });
  });

  it('offers the nearest free slots, earlier first on a tie, in time order', () => {
    // 08:30 and 10:30 are both an hour from 09:30: the earlier one is offered.
    const at = (hhmm: string) => ({ start: new Date(`2026-12-09T${hhmm}:00+08:00`), time: hhmm });
    const free = [at('08:30'), at('09:00'), at('10:00'), at('10:30'), at('13:00')];
    expect(nearestFreeSlots(free, new Date('2026-12-09T09:30:00+08:00')).map((s) => s.time)).toEqual([
      '08:30',
      '09:00',
      '10:00',
    ]);
  });

  it('a version removing a store or service with open bookings is refused with the list', () => {
    const uses = [{ storeId: 'main', serviceId: 'repair', numbers: ['B00000001', 'B00000002'] }];
    expect(openBookingProblems(defaultProgram, uses)).toEqual([]);
    const noRepair = programWith({
      stores: [
        {
          ...defaultProgramInput.stores[0],
          booking: { ...defaultProgramInput.stores[0]!.booking, services: ['maintenance'] },
        },
      ],
    });
    expect(openBookingProblems(noRepair, uses)).toEqual([
      expect.stringContaining(
        'service "repair" of store "main" has 2 open booking(s) (B00000001, B00000002)',
      ),
    ]);
    const otherStore = programWith({ stores: [{ id: 'north', name: '北区店' }] });
    expect(openBookingProblems(otherStore, uses)).toEqual([
      expect.stringContaining('store "main" has 2 open booking(s)'),
    ]);
  });

  it('the schema names bad booking settings', () => {
    const problems = (change: Record<string, unknown>) => {
      try {
        programWith(change);
        return [];
      } catch (err) {
        return err instanceof ConfigError ? [...err.problems] : [String(err)];
      }
    };
    expect(
      problems({
        bookings: { slotMinutes: 0, closedDates: ['2027-13-01'] },
        stores: [
          {
            id: 'main',
            name: '本店',
            booking: {
              services: ['wash'],
              weekdays: [8],
              opens: '18:00',
              closes: '09:00',
              capacityPerSlot: 0,
              closedDates: [],
            },
          },
        ],
      }),
    ).toEqual([
      expect.stringContaining('stores[0].booking.weekdays[0]'),
      expect.stringContaining('stores[0].booking.capacityPerSlot'),
      'stores[0].booking.closes: must be after opens',
      expect.stringContaining('bookings.slotMinutes'),
      expect.stringContaining('bookings.closedDates[0]'),
      expect.stringContaining('stores[0].booking.services[0]: is "wash"'),
    ]);
    expect(
      problems({
        stores: [
          {
            id: 'main',
            name: '本店',
            booking: { ...defaultProgramInput.stores[0]!.booking, services: ['wash'] },
          },
        ],
      }),
    ).toEqual([
      expect.stringContaining('stores[0].booking.services[0]: is "wash", which is not a booking service id'),
    ]);
  });
});
