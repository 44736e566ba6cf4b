import { describe, expect, it } from 'vitest';
import { bookingDayZh, bookingReminderRequest } from '../../../src/bookings/booking-notices';
import {
  bookingReminderDue,
  bookingReminderKey,
  type ReminderCandidate,
  reminderScanDay,
} from '../../../src/bookings/booking-reminders';
import { defaultProgram } from '../../../src/config/default-program';
import { deliveryRequestSchema } from '../../../src/delivery/delivery-request';

const config = defaultProgram.bookings!;
const TZ = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);

function booking(fields: Partial<ReminderCandidate> = {}): ReminderCandidate {
  return {
    _id: '0123456789abcdef01234567',
    status: 'booked',
    slotStart: at('2026-12-09T10:00:00'),
    day: '2026-12-09',
    createdAt: at('2026-12-08T09:00:00'),
    history: [{ action: 'create', at: at('2026-12-08T09:00:00') }],
    ...fields,
  };
}

describe('bookingReminderDue', () => {
  it('is due from dayBeforeAt the day before until the slot starts', () => {
    expect(bookingReminderDue(booking(), config, TZ, at('2026-12-08T17:59:59'))).toBe(false);
    expect(bookingReminderDue(booking(), config, TZ, at('2026-12-08T18:00:00'))).toBe(true);
    expect(bookingReminderDue(booking(), config, TZ, at('2026-12-09T09:59:00'))).toBe(true);
    expect(bookingReminderDue(booking(), config, TZ, at('2026-12-09T10:00:00'))).toBe(false);
  });

  it('follows the configured time, and never when reminders are off', () => {
    const at20 = { ...config, reminder: { enabled: true, dayBeforeAt: '20:00' } };
    expect(bookingReminderDue(booking(), at20, TZ, at('2026-12-08T19:00:00'))).toBe(false);
    expect(bookingReminderDue(booking(), at20, TZ, at('2026-12-08T20:00:00'))).toBe(true);
    const off = { ...config, reminder: { enabled: false, dayBeforeAt: '18:00' } };
    expect(bookingReminderDue(booking(), off, TZ, at('2026-12-08T19:00:00'))).toBe(false);
  });

  it.each(['cancelled', 'checked_in', 'no_show', 'pending'] as const)(
    'is never due for a %s booking',
    (status) => {
      expect(bookingReminderDue(booking({ status }), config, TZ, at('2026-12-08T19:00:00'))).toBe(false);
    },
  );

  it('skips a booking made or moved after the reminder time (the member was just told)', () => {
    const late = booking({ createdAt: at('2026-12-08T18:30:00') });
    expect(bookingReminderDue(late, config, TZ, at('2026-12-08T19:00:00'))).toBe(false);
    const movedLate = booking({
      history: [
        { action: 'create', at: at('2026-12-08T09:00:00') },
        { action: 'move', at: at('2026-12-08T18:30:00') },
      ],
    });
    expect(bookingReminderDue(movedLate, config, TZ, at('2026-12-08T19:00:00'))).toBe(false);
    const confirmedLate = booking({
      status: 'confirmed',
      history: [
        { action: 'create', at: at('2026-12-08T09:00:00') },
        { action: 'confirm', at: at('2026-12-08T18:30:00') },
      ],
    });
    expect(bookingReminderDue(confirmedLate, config, TZ, at('2026-12-08T19:00:00'))).toBe(true);
  });
});

describe('the reminder message', () => {
  it('is keyed by booking and slot, and scans tomorrow', () => {
    expect(bookingReminderKey('b1', at('2026-12-09T10:00:00'))).toBe(
      `booking:reminder:b1:${at('2026-12-09T10:00:00').getTime()}`,
    );
    expect(reminderScanDay(at('2026-12-08T23:59:00'), TZ)).toBe('2026-12-09');
    expect(bookingDayZh('2026-12-13')).toBe('12月13日（周日）');
  });

  it('is a valid service delivery request naming the day, store and service', () => {
    const request = bookingReminderRequest(
      {
        ...booking(),
        number: 'B00000001',
        memberId: 'm1',
        plate: '沪A12345',
        storeId: 'main',
        serviceId: 'maintenance',
        time: '10:00',
      },
      defaultProgram,
    );
    const parsed = deliveryRequestSchema.parse(request);
    expect(parsed).toMatchObject({ category: 'service', kind: 'booking_reminder', template: null });
    expect(parsed.text).toBe(
      `温馨提醒：明天 12月9日（周三） 10:00，您在${defaultProgram.stores[0]!.name}预约了保养（沪A12345，预约号 B00000001），请按时到店。如需改期或取消，回复「我的预约」。`,
    );
    expect(parsed.expiresAt).toEqual(at('2026-12-09T10:00:00'));
  });
});
