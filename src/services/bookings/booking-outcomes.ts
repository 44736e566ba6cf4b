import type { BookingStatus } from '../../bookings/booking-transitions';
import type { BookingRefusal } from '../../bookings/decide-booking';
import type { BookingView } from './booking-view';

/** A free slot offered instead of a full one. */
export interface FreeSlot {
  start: string;
  day: string;
  time: string;
  free: number;
}

/** What a booking request or action came to: expected failures are values with a Chinese message. */
export type BookingOutcome =
  | { ok: true; duplicate: boolean; booking: BookingView }
  | { ok: false; reason: BookingRefusal; message: string }
  | { ok: false; reason: 'slot_full'; message: string; alternatives: FreeSlot[] }
  | { ok: false; reason: 'unknown_member' | 'unknown_car' | 'car_already_booked'; message: string }
  | { ok: false; reason: 'not_found' | 'forbidden_store'; message: string }
  | { ok: false; reason: 'after_cutoff'; message: string }
  | { ok: false; reason: 'wrong_state'; status: BookingStatus; message: string }
  | { ok: false; reason: 'request_reused'; message: string }
  | { ok: false; reason: 'free_maintenance_not_allowed' | 'no_free_maintenance_left'; message: string }
  | { ok: false; reason: 'conflict'; message: string };

export type BookingFailure = Extract<BookingOutcome, { ok: false }>;
