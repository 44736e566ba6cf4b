import { describe, expect, it } from 'vitest';
import {
  plateOfCareKey,
  reminderCoveredByBooking,
  suggestedBooking,
} from '../../../src/bookings/care-booking';
import { defaultProgram } from '../../../src/config/default-program';
import { vehicleKey } from '../../../src/rules/vehicle-key';

const now = new Date('2026-12-08T02:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);
const booking = (plate: string, serviceId: string, slotStart: Date) => ({ plate, serviceId, slotStart });
const reminder = (
  kind: 'maintenance_due' | 'insurance_renewal' | 'inspection_due' | 'birthday',
  plate = '沪A12345',
) => ({
  kind,
  facts: { plate, date: '2026-12-15', daysBefore: 7 },
});

describe('a care reminder covered by an open booking', () => {
  it('maintenance due is covered by an open 保养 booking of the same car ahead, not by another service or car', () => {
    const open = [booking('沪A12345', 'maintenance', inDays(3))];
    expect(reminderCoveredByBooking(reminder('maintenance_due'), open, now)).toBe(true);
    expect(reminderCoveredByBooking(reminder('maintenance_due', '沪B99999'), open, now)).toBe(false);
    expect(
      reminderCoveredByBooking(reminder('maintenance_due'), [booking('沪A12345', 'repair', inDays(3))], now),
    ).toBe(false);
  });

  it('insurance and inspection are covered by 续保咨询 and 年检代办; a booking already past covers nothing', () => {
    expect(
      reminderCoveredByBooking(
        reminder('insurance_renewal'),
        [booking('沪A12345', 'insurance', inDays(1))],
        now,
      ),
    ).toBe(true);
    expect(
      reminderCoveredByBooking(
        reminder('inspection_due'),
        [booking('沪A12345', 'inspection', inDays(1))],
        now,
      ),
    ).toBe(true);
    expect(
      reminderCoveredByBooking(
        reminder('inspection_due'),
        [booking('沪A12345', 'inspection', inDays(-1))],
        now,
      ),
    ).toBe(false);
  });

  it('other kinds and reminders for a car without a plate are never covered', () => {
    const open = [booking('沪A12345', 'maintenance', inDays(3))];
    expect(reminderCoveredByBooking(reminder('birthday'), open, now)).toBe(false);
    expect(reminderCoveredByBooking(reminder('maintenance_due', ''), open, now)).toBe(false);
  });
});

describe('the service a 预约 starts with after a reminder', () => {
  const key = (kind: string, plate: string | null) => `care:${kind}:m1:${vehicleKey(plate, 0)}:2026-06-01:7`;

  it('maps the reminder to its service and names the car from the key', () => {
    expect(plateOfCareKey(key('maintenance_due', '沪A12345'))).toBe('沪A12345');
    expect(plateOfCareKey(key('maintenance_due', null))).toBeNull();
    const sent = { kind: 'maintenance_due', key: key('maintenance_due', '沪A12345'), sentAt: inDays(-1) };
    expect(suggestedBooking(sent, null, defaultProgram, now)).toEqual({
      serviceId: 'maintenance',
      plate: '沪A12345',
    });
    expect(suggestedBooking({ ...sent, kind: 'inspection_due' }, null, defaultProgram, now)?.serviceId).toBe(
      'inspection',
    );
    expect(
      suggestedBooking({ ...sent, kind: 'insurance_renewal' }, null, defaultProgram, now)?.serviceId,
    ).toBe('insurance');
  });

  it('suggests nothing after 14 days, after a booking made since, or without the service', () => {
    const sent = { kind: 'maintenance_due', key: key('maintenance_due', '沪A12345'), sentAt: inDays(-1) };
    expect(suggestedBooking(null, null, defaultProgram, now)).toBeNull();
    expect(suggestedBooking({ ...sent, sentAt: inDays(-15) }, null, defaultProgram, now)).toBeNull();
    expect(suggestedBooking(sent, inDays(-0.5), defaultProgram, now)).toBeNull();
    expect(suggestedBooking(sent, inDays(-2), defaultProgram, now)).not.toBeNull();
    expect(suggestedBooking({ ...sent, kind: 'birthday' }, null, defaultProgram, now)).toBeNull();
    expect(suggestedBooking(sent, null, { bookings: undefined }, now)).toBeNull();
  });
});
