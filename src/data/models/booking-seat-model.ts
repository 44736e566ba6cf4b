import { type Connection, type Model, Schema } from 'mongoose';

/**
 * One place in a store's slot, held by one booking. `_id` is `storeId|slotStartISO|n` for n from 0
 * to the slot's capacity − 1, so the primary key itself makes a place impossible to give twice:
 * taking a place is inserting the first free n, and a duplicate-key answer means someone else has
 * it. No counter, no upsert race. Releasing a place deletes its document.
 *
 * `settled` is false while the place is being taken, moved away from or released; the recovery
 * sweep reconciles unsettled seats older than a minute with their booking.
 */
export interface BookingSeatRecord {
  _id: string;
  storeId: string;
  slotStart: Date;
  holder: string;
  settled: boolean;
  takenAt: Date;
  updatedAt: Date;
}

const bookingSeatSchema = new Schema<BookingSeatRecord>(
  {
    _id: { type: String, required: true },
    storeId: { type: String, required: true },
    slotStart: { type: Date, required: true },
    holder: { type: String, required: true },
    settled: { type: Boolean, required: true },
    takenAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'booking_seats', versionKey: false, minimize: false },
);
bookingSeatSchema.index({ storeId: 1, slotStart: 1 });
bookingSeatSchema.index({ holder: 1 });
bookingSeatSchema.index({ settled: 1, updatedAt: 1 });

export type BookingSeatModel = Model<BookingSeatRecord>;

export function bookingSeatModel(connection: Connection): BookingSeatModel {
  return (
    (connection.models.BookingSeat as BookingSeatModel | undefined) ??
    connection.model<BookingSeatRecord>('BookingSeat', bookingSeatSchema)
  );
}
