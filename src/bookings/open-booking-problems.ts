import type { Program } from '../config/program-schema';

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
    const store = program.bookings?.stores[use.storeId];
    if (!program.stores.some((s) => s.id === use.storeId) || !store) {
      problems.push(
        `bookings.stores.${use.storeId}: store "${use.storeId}" has ${listed}; keep it taking bookings until they are done or cancelled`,
      );
    } else if (
      !store.services.includes(use.serviceId) ||
      !program.bookings?.services.some((s) => s.id === use.serviceId)
    ) {
      problems.push(
        `bookings.stores.${use.storeId}.services: service "${use.serviceId}" has ${listed}; keep it until they are done or cancelled`,
      );
    }
  }
  return problems;
}
