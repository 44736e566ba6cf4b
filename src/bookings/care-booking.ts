import type { Program } from '../config/program-schema';
import type { CareKind } from '../rules/care-due';

/** The care reminders that lead to a booking, and the booking service each is about. */
export const careBookingServices: Partial<Record<CareKind, string>> = {
  maintenance_due: 'maintenance',
  insurance_renewal: 'insurance',
  inspection_due: 'inspection',
};

export const careBookingKinds = Object.keys(careBookingServices) as CareKind[];

/** A reminder counts as the reason for a 预约 this long after it went out. */
export const SUGGESTION_DAYS = 14;
const DAY_MS = 86_400_000;

/**
 * The plate a care delivery key names (`care:<kind>:<member>:<vehicle>:…`, the vehicle part the
 * base64url of the plate, or `vehicle-<n>` for a car without one), or null.
 */
export function plateOfCareKey(key: string): string | null {
  const part = key.split(':')[3];
  if (!part || part.startsWith('vehicle-')) return null;
  const plate = Buffer.from(part, 'base64url').toString('utf8');
  return plate || null;
}

/**
 * The service a 预约 starts with, from the last booking-related care reminder the member was sent:
 * only within `SUGGESTION_DAYS`, only when no booking was made since, and only when the program
 * still has that service. Pure: the reminder, the last booking and the time are inputs.
 */
export function suggestedBooking(
  reminder: { kind: string; key: string; sentAt: Date } | null,
  lastBookingAt: Date | null,
  program: Pick<Program, 'bookings'>,
  now: Date,
): { serviceId: string; plate: string | null } | null {
  if (!reminder) return null;
  const serviceId = careBookingServices[reminder.kind as CareKind];
  if (!serviceId || !program.bookings?.services.some((service) => service.id === serviceId)) return null;
  if (now.getTime() - reminder.sentAt.getTime() > SUGGESTION_DAYS * DAY_MS) return null;
  if (lastBookingAt && lastBookingAt.getTime() >= reminder.sentAt.getTime()) return null;
  return { serviceId, plate: plateOfCareKey(reminder.key) };
}

/** An open booking as the care scan reads it. */
export interface OpenCarBooking {
  plate: string;
  serviceId: string;
  slotStart: Date;
}

/**
 * Whether a care reminder is pointless because the car already has an open booking for what it is
 * about (maintenance due → an open 保养 booking, insurance → 续保咨询, inspection → 年检代办) from
 * now on; bookings only reach `bookings.horizonDays` ahead, so that is the window. Pure.
 */
export function reminderCoveredByBooking(
  message: { kind: CareKind; facts: Readonly<Record<string, string | number | boolean>> },
  openBookings: readonly OpenCarBooking[],
  now: Date,
): boolean {
  const serviceId = careBookingServices[message.kind];
  const plate = typeof message.facts.plate === 'string' ? message.facts.plate : '';
  if (!serviceId || !plate) return false;
  return openBookings.some(
    (booking) =>
      booking.plate === plate &&
      booking.serviceId === serviceId &&
      booking.slotStart.getTime() > now.getTime(),
  );
}
