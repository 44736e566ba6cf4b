import type { Program } from '../config/program-schema';
import { bookingStoreOf } from './booking-store-of';

/** The open (future, not cancelled) bookings of one store and service. */
export interface OpenBookingUse {
  storeId: string;
  serviceId: string;
  numbers: string[];
}

/**
 * Why a new program version cannot be published while bookings are open: it removes a store, stops
 * a store taking bookings, or drops a service some open booking is for. One problem per store and
 * service, naming up to 5 booking numbers.
 */
export function openBookingProblems(program: Program, uses: readonly OpenBookingUse[]): string[] {
  const problems: string[] = [];
  for (const use of uses) {
    const listed = `${use.numbers.length} open booking(s) (${use.numbers.slice(0, 5).join(', ')}${use.numbers.length > 5 ? ', …' : ''})`;
    const store = bookingStoreOf(program, use.storeId);
    if (!store) {
      problems.push(
        `stores: store "${use.storeId}" has ${listed}; keep it taking bookings until they are done or cancelled`,
      );
    } else if (
      !store.services.includes(use.serviceId) ||
      !program.bookings?.services.some((s) => s.id === use.serviceId)
    ) {
      problems.push(
        `stores: service "${use.serviceId}" of store "${use.storeId}" has ${listed}; keep it in the store's booking.services until they are done or cancelled`,
      );
    }
  }
  return problems;
}
