import { type Connection, type Model, Schema } from 'mongoose';
import type { MarketingReservation, StoredCounters } from '../../delivery/delivery-counters';

/**
 * What delivery needs to know about one member (`_id` = memberId) beyond the member document:
 * the customer-service window (last inbound message, CS sends since), whether WeChat told us they
 * unfollowed, and the marketing counters (each tagged with its local day or month, so they never
 * need a reset job). In MongoDB rather than Redis: caps are a compliance promise that must
 * survive a Redis restart mid-broadcast, and one conditional update reserves a cap slot atomically.
 */
export interface DeliveryStateRecord extends StoredCounters {
  _id: string;
  lastInboundAt: Date | null;
  csSentSinceInbound: number;
  unfollowedAt: Date | null;
  /** Marketing slots taken by deliveries (the last few), so a retry after a crash knows its own. */
  reservations?: MarketingReservation[];
  /**
   * Held deliveries (WeChat 45047) counted up before each hold and down on each release, so an
   * inbound message skips the held query when none can exist; an over-count only costs a query.
   * Trusted once `heldTracked` is set: the first inbound after that field appears queries anyway
   * (states, and holds, from before the counter).
   */
  heldCount?: number;
  heldTracked?: boolean;
  updatedAt: Date;
}

const deliveryStateSchema = new Schema<DeliveryStateRecord>(
  {
    _id: { type: String, required: true },
    lastInboundAt: { type: Date, default: null },
    csSentSinceInbound: { type: Number, default: 0 },
    unfollowedAt: { type: Date, default: null },
    marketingDayKey: { type: String, default: null },
    marketingDay: { type: Number, default: 0 },
    marketingMonthKey: { type: String, default: null },
    marketingMonth: { type: Number, default: 0 },
    massMonth: { type: Number, default: 0 },
    reservations: {
      type: [
        new Schema(
          { key: String, mass: Boolean, day: String, month: String },
          { _id: false, versionKey: false },
        ),
      ],
      default: undefined,
    },
    heldCount: { type: Number },
    heldTracked: { type: Boolean },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'delivery_states', versionKey: false, minimize: false },
);

export type DeliveryStateModel = Model<DeliveryStateRecord>;

export function deliveryStateModel(connection: Connection): DeliveryStateModel {
  return (
    (connection.models.DeliveryState as DeliveryStateModel | undefined) ??
    connection.model<DeliveryStateRecord>('DeliveryState', deliveryStateSchema)
  );
}
