import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A DMS transaction as received: `_id` is the DMS's transaction id, so the unique `_id` index is
 * what makes "submitting it again returns the original result and changes nothing" hold.
 * `status` moves received → applied (→ refunded); a `received` one older than a few seconds is
 * a crash mid-way and is finished by the recovery sweep.
 */
export interface TransactionRecord {
  _id: string;
  memberId: string;
  category: string;
  amountFen: number;
  occurredAt: Date;
  storeId: string;
  /** The vehicle the DMS named (normalised plate, odometer then); absent on older records. */
  vehicle?: { plate: string; mileageKm: number | null } | null;
  status: 'received' | 'applied' | 'rejected' | 'refunded';
  /** The points result returned to the caller, kept so a repeat gets the very same answer. */
  result: Record<string, unknown> | null;
  refund: Record<string, unknown> | null;
  receivedAt: Date;
  appliedAt: Date | null;
  refundedAt: Date | null;
  /** True from storing the result until the follow-ups (listeners) have run; a crash leaves it set. */
  followUpPending?: boolean;
}

const transactionSchema = new Schema<TransactionRecord>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    category: { type: String, required: true },
    amountFen: { type: Number, required: true },
    occurredAt: { type: Date, required: true },
    storeId: { type: String, required: true },
    vehicle: {
      type: new Schema(
        { plate: { type: String, required: true }, mileageKm: { type: Number, default: null } },
        { _id: false },
      ),
      default: null,
    },
    status: { type: String, enum: ['received', 'applied', 'rejected', 'refunded'], required: true },
    result: { type: Schema.Types.Mixed, default: null },
    refund: { type: Schema.Types.Mixed, default: null },
    receivedAt: { type: Date, required: true },
    appliedAt: { type: Date, default: null },
    refundedAt: { type: Date, default: null },
    followUpPending: { type: Boolean, default: false },
  },
  { collection: 'transactions', versionKey: false, minimize: false },
);
transactionSchema.index({ memberId: 1, occurredAt: -1 });
transactionSchema.index({ status: 1, receivedAt: 1 });
transactionSchema.index(
  { followUpPending: 1, appliedAt: 1 },
  { partialFilterExpression: { followUpPending: true } },
);
transactionSchema.index({ storeId: 1, occurredAt: -1 });

export type TransactionModel = Model<TransactionRecord>;

export function transactionModel(connection: Connection): TransactionModel {
  return (
    (connection.models.Transaction as TransactionModel | undefined) ??
    connection.model<TransactionRecord>('Transaction', transactionSchema)
  );
}
