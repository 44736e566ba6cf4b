import { describe, expect, it } from 'vitest';
import {
  actionsFor,
  type BoardBooking,
  type BookingStatus,
  boardSections,
  dayLabel,
  newBookingRequestId,
  shiftDate,
} from '../../../src/console/ui/booking-board';

let serial = 0;
function row(time: string, status: BookingStatus): BoardBooking {
  serial++;
  return {
    id: `b${serial}`,
    number: `B${String(serial).padStart(8, '0')}`,
    memberId: 'm',
    member: null,
    plate: `沪A${serial}`,
    storeId: 'main',
    serviceId: 'maintenance',
    serviceName: '保养',
    slotStart: new Date(`2026-12-08T${time}:00+08:00`).toISOString(),
    day: '2026-12-08',
    time,
    mileageKm: null,
    note: null,
    useFreeMaintenance: false,
    freeMaintenanceUse: null,
    channel: 'staff',
    status,
    statusName: status,
    history: [],
  };
}

const summary = (sections: ReturnType<typeof boardSections>) =>
  sections.map((s) => [s.id, s.groups.map((g) => [g.time, g.bookings.map((b) => b.status)])]);

describe('the booking board (console)', () => {
  const bookings = [
    row('11:00', 'cancelled'),
    row('09:00', 'checked_in'),
    row('10:00', 'booked'),
    row('09:00', 'no_show'),
    row('10:00', 'confirmed'),
    row('14:00', 'booked'),
  ];

  it('today: the bookings still to come first, then those arrived, then the rest, each by slot', () => {
    expect(summary(boardSections({ date: '2026-12-08', today: '2026-12-08', bookings }))).toEqual([
      [
        'upcoming',
        [
          ['10:00', ['booked', 'confirmed']],
          ['14:00', ['booked']],
        ],
      ],
      ['arrived', [['09:00', ['checked_in']]]],
      [
        'rest',
        [
          ['09:00', ['no_show']],
          ['11:00', ['cancelled']],
        ],
      ],
    ]);
  });

  it('another day: every booking by slot; empty sections are left out', () => {
    expect(summary(boardSections({ date: '2026-12-09', today: '2026-12-08', bookings }))).toEqual([
      [
        'all',
        [
          ['09:00', ['checked_in', 'no_show']],
          ['10:00', ['booked', 'confirmed']],
          ['11:00', ['cancelled']],
          ['14:00', ['booked']],
        ],
      ],
    ]);
    expect(
      boardSections({ date: '2026-12-08', today: '2026-12-08', bookings: [row('09:00', 'booked')] }),
    ).toHaveLength(1);
  });

  it('offers only the actions the API allows in each state', () => {
    expect(actionsFor('booked')).toEqual(['confirm', 'move', 'check-in', 'no-show', 'cancel']);
    expect(actionsFor('confirmed')).toEqual(['move', 'check-in', 'no-show', 'cancel']);
    for (const done of ['checked_in', 'no_show', 'cancelled'] as const) expect(actionsFor(done)).toEqual([]);
  });

  it('moves days across months and years, and names them for people', () => {
    expect(shiftDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(dayLabel('2026-12-08')).toBe('12月8日 周二');
  });

  it('makes request ids the booking API accepts, a new one each time', () => {
    const a = newBookingRequestId();
    expect(a).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    expect(newBookingRequestId()).not.toBe(a);
  });
});
