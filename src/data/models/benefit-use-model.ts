import { type Connection, type Model, Schema } from 'mongoose';

/**
 * Where a use is: `pending` (recorded, the member's count not yet confirmed) → `used`; an undo goes
 * `used → undoing → undone`. A use refused (none left) is deleted: a refusal leaves nothing. The
 * recovery sweep finishes anything a crash left `pending` or `undoing`.
 */
export type BenefitUseStatus = 'pending' | 'used' | 'undoing' | 'undone';

/**
 * One use of a counted tier benefit (a free maintenance). `_id` is `memberId:requestId`, so a
 * retried request — from the counter or a booking's check-in (`booking:<id>`) — is one use.
 * The member's count moves under the operation keys `benefit:<_id>` and `benefit-undo:<_id>`.
 */
export interface BenefitUseRecord {
  _id: string;
  memberId: string;
  benefitId: string;
  requestId: string;
  /** First day of the membership year the use counts in, `YYYY-MM-DD`. */
  yearStart: string;
  /** The member's tier when the use was recorded (for the report per tier). */
  tierCode: string;
  storeId: string | null;
  source: { kind: 'booking'; bookingId: string } | { kind: 'staff'; role: string | null };
  note: string | null;
  status: BenefitUseStatus;
  createdAt: Date;
  usedAt: Date | null;
  undoneAt: Date | null;
  updatedAt: Date;
}

const benefitUseSchema = new Schema<BenefitUseRecord>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    benefitId: { type: String, required: true },
    requestId: { type: String, required: true },
    yearStart: { type: String, required: true },
    tierCode: { type: String, required: true },
    storeId: { type: String, default: null },
    source: { type: Schema.Types.Mixed, required: true },
    note: { type: String, default: null },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    undoneAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'benefit_uses', versionKey: false, minimize: false },
);
benefitUseSchema.index({ memberId: 1, requestId: 1 }, { unique: true });
benefitUseSchema.index({ memberId: 1, benefitId: 1, createdAt: -1 });
// The recovery sweep: uses and undos a crash left half-way.
benefitUseSchema.index({ status: 1, updatedAt: 1 });
// The report: uses in a date range.
benefitUseSchema.index({ usedAt: 1 });

export type BenefitUseModel = Model<BenefitUseRecord>;

export function benefitUseModel(connection: Connection): BenefitUseModel {
  return (
    (connection.models.BenefitUse as BenefitUseModel | undefined) ??
    connection.model<BenefitUseRecord>('BenefitUse', benefitUseSchema)
  );
}
