import type { BookingStoreConfig, Program } from '../config/program-schema';

/** A store's booking hours and capacity, or null when it takes no bookings (or is not in the program). */
export function bookingStoreOf(program: Program, storeId: string): BookingStoreConfig | null {
  if (!program.bookings) return null;
  return program.stores.find((store) => store.id === storeId)?.booking ?? null;
}
