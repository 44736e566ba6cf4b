import { describe, expect, it } from 'vitest';
import { bookingConversionRows, plateOfCareKey, weeksBetween } from '../../../src/reports/booking-reports';

describe('booking reports (pure)', () => {
  it('cuts a range into ISO weeks on the local calendar, clipped to the range', () => {
    const weeks = weeksBetween(
      { year: 2026, month: 12, day: 9 },
      { year: 2026, month: 12, day: 22 },
      'Asia/Shanghai',
    );
    expect(weeks.map((w) => [w.label, w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-W50', '2026-12-08T16:00:00.000Z', '2026-12-13T16:00:00.000Z'],
      ['2026-W51', '2026-12-13T16:00:00.000Z', '2026-12-20T16:00:00.000Z'],
      ['2026-W52', '2026-12-20T16:00:00.000Z', '2026-12-22T16:00:00.000Z'],
    ]);
  });

  it('reads the car from a care key', () => {
    const plate = Buffer.from('沪A12345', 'utf8').toString('base64url');
    expect(plateOfCareKey(`care:maintenance_due:m1:${plate}:2026-06-01:30`)).toBe('沪A12345');
    expect(plateOfCareKey('care:insurance_renewal:m1:vehicle-0:2026-06-01:30')).toBeNull();
  });

  it('counts a reminder once, only for a booking after it and within the days', () => {
    const sentAt = new Date('2026-12-01T02:00:00Z');
    const rows = bookingConversionRows(
      [
        { key: 'care:maintenance_due:m1:vehicle-0:x:30', memberId: 'm1', kind: 'maintenance_due', sentAt },
        { key: 'care:maintenance_due:m2:vehicle-0:x:30', memberId: 'm2', kind: 'maintenance_due', sentAt },
      ],
      [
        { memberId: 'm1', plate: 'A', createdAt: new Date('2026-12-02T00:00:00Z') },
        { memberId: 'm1', plate: 'B', createdAt: new Date('2026-12-03T00:00:00Z') },
        // Before the reminder, and too late: neither counts.
        { memberId: 'm2', plate: 'A', createdAt: new Date('2026-11-30T00:00:00Z') },
        { memberId: 'm2', plate: 'A', createdAt: new Date('2026-12-16T00:00:00Z') },
      ],
      14,
    );
    expect(rows[0]).toMatchObject({ remindersSent: 2, booked: 1, conversionRate: 0.5 });
  });
});
