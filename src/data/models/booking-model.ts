import { type Connection, type Model, Schema } from 'mongoose';
import type { BookingStatus } from '../../bookings/booking-transitions';

export interface BookingEvent {
  action: string;
  at: Date;
  by: { channel: 'member' | 'staff'; role: string | null; storeId: string | null };
  /** The idempotency key of the request that made it (a repeat finds it here). */
  requestId: string | null;
  reason: string | null;
  /** For moves: the slot it left. */
  fromSlot: Date | null;
}

/**
 * A service booking (预约). `requestKey` (channel + the caller's requestId) is unique, so a retried
 * request makes one booking. `openDayKey` (plate|local day) is set while the booking is pending or
 * open and null otherwise; its unique partial index allows one open booking per car and day.
 * `seatKey` names the capacity seat it holds (see booking-seat-model.ts), null when it holds none.
 */
export interface BookingRecord {
  _id: string;
  /** Short number members and staff quote (YY + 6 digits). */
  number: string;
  requestKey: string;
  memberId: string;
  plate: string;
  storeId: string;
  serviceId: string;
  slotStart: Date;
  /** Local date "YYYY-MM-DD" and time "HH:MM" of the slot. */
  day: string;
  time: string;
  mileageKm: number | null;
  /** Staff's note on a phone booking (what the customer said); absent on older records. */
  note?: string | null;
  channel: 'member' | 'staff';
  status: BookingStatus;
  openDayKey: string | null;
  seatKey: string | null;
  history: BookingEvent[];
  /** The member chose to pay with a free maintenance (used at check-in, keyed by the booking). */
  useFreeMaintenance?: boolean;
  /**
   * The use at check-in: `pending` is set together with the check-in, then `used`, or `none_left`
   * when the member had none left by then; null before check-in or without the choice.
   */
  freeMaintenanceUse?: 'pending' | 'used' | 'none_left' | null;
  createdAt: Date;
  updatedAt: Date;
}

const bookingSchema = new Schema<BookingRecord>(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    requestKey: { type: String, required: true },
    memberId: { type: String, required: true },
    plate: { type: String, required: true },
    storeId: { type: String, required: true },
    serviceId: { type: String, required: true },
    slotStart: { type: Date, required: true },
    day: { type: String, required: true },
    time: { type: String, required: true },
    mileageKm: { type: Number, default: null },
    note: { type: String, default: null },
    channel: { type: String, required: true },
    status: { type: String, required: true },
    openDayKey: { type: String, default: null },
    seatKey: { type: String, default: null },
    history: { type: Schema.Types.Mixed, default: [] },
    useFreeMaintenance: { type: Boolean, default: false },
    freeMaintenanceUse: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'bookings', versionKey: false, minimize: false },
);
bookingSchema.index({ requestKey: 1 }, { unique: true });
bookingSchema.index({ number: 1 }, { unique: true });
bookingSchema.index(
  { openDayKey: 1 },
  { unique: true, partialFilterExpression: { openDayKey: { $type: 'string' } } },
);
// The store's board (per store and day) and a DMS polling for changes.
bookingSchema.index({ storeId: 1, day: 1, slotStart: 1 });
bookingSchema.index({ updatedAt: 1 });
// The recovery sweep: intents a crash left pending.
bookingSchema.index({ status: 1, updatedAt: 1 });
bookingSchema.index({ memberId: 1, slotStart: 1 });
// The day-before reminders: tomorrow's bookings.
bookingSchema.index({ day: 1 });

export type BookingModel = Model<BookingRecord>;

export function bookingModel(connection: Connection): BookingModel {
  return (
    (connection.models.Booking as BookingModel | undefined) ??
    connection.model<BookingRecord>('Booking', bookingSchema)
  );
}
