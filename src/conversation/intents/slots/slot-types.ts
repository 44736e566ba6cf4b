import type { LocalDate } from '../../../rules/local-date';

/** A date a member named: one day, or a span such as 上周 (Monday to Sunday). */
export type DateSlot =
  | { kind: 'day'; date: LocalDate }
  | { kind: 'range'; from: LocalDate; to: LocalDate; label: string };

/**
 * A service word, by the ids the program's `bookings.services` use (the default program's
 * categories share `maintenance`, `repair` and `insurance`; see `serviceIdIn`).
 */
export const serviceKinds = ['maintenance', 'repair', 'body-paint', 'insurance', 'inspection'] as const;
export type ServiceKind = (typeof serviceKinds)[number];

/** What a message says, each only when it says it (an empty object for 「查积分」). */
export interface Slots {
  date?: DateSlot;
  /** Money in fen (¥12.34 → 1234). */
  amountFen?: number;
  mileageKm?: number;
  /** Canonical, as `normalizePlate` gives it (沪A12345). */
  plate?: string;
  service?: ServiceKind;
}

export interface SlotOptions {
  /** The instant "today", "上周" are read at, and the program's time zone (Asia/Shanghai). */
  now: Date;
  timeZone: string;
  /**
   * `past` (the default: "when did it happen"): a day after today is not taken, a span ends at
   * today; `any` for dates that may lie ahead (a booking).
   */
  tense?: 'past' | 'any';
}
