import type { Connection } from 'mongoose';
import { type BookingModel, bookingModel } from './models/booking-model';
import { type BookingSeatModel, bookingSeatModel } from './models/booking-seat-model';

/** Service bookings and the seats (places in a slot) they hold. */
export interface BookingModels {
  bookings: BookingModel;
  seats: BookingSeatModel;
}

export function bookingModels(connection: Connection): BookingModels {
  return { bookings: bookingModel(connection), seats: bookingSeatModel(connection) };
}
