import { type Connection, type Model, Schema } from 'mongoose';
import type { RewardPeriod } from '../../config/program-schema';

/**
 * Where a redemption is: `started → stock_reserved → points_deducted → completed`; a step that
 * fails for an expected reason leads to `failed` (nothing to undo) or `compensating →
 * compensated` (the reserved unit goes back); a cancelled voucher leads `completed → cancelling →
 * cancelled`. Anything left in a non-final status by a crash is resumed by the recovery sweep.
 */
export type RedemptionStatus =
  | 'started'
  | 'stock_reserved'
  | 'points_deducted'
  | 'completed'
  | 'failed'
  | 'compensating'
  | 'compensated'
  | 'cancelling'
  | 'cancelled';

/** The reward's terms when the redemption started; what it costs and issues never changes later. */
export interface RedemptionTermsRecord {
  name: string;
  cost: number;
  minTier: string | null;
  perMemberLimit: { count: number; period: RewardPeriod } | null;
  validityDays: number;
  storeIds: string[] | null;
}

/**
 * One redemption (`_id` = a server id). The unique `requestId` makes a repeated request return the
 * original outcome; every step is idempotent (the stock reservation is keyed by the request id, the
 * deduction by the member operation `redeem:<requestId>`, the voucher by `redemption:<id>`), so
 * the steps can be resumed from `status` after a crash.
 */
export interface RedemptionRecord {
  _id: string;
  requestId: string;
  memberId: string;
  rewardId: string;
  terms: RedemptionTermsRecord;
  /** The store it was redeemed at; null in chat (the voucher's stores are checked when used). */
  storeId: string | null;
  status: RedemptionStatus;
  /** True once a unit of stock is held for it (false for rewards without stock). */
  stockReserved: boolean;
  /** The per-member limit counter it counts under; null without a limit. */
  limitKey: string | null;
  voucherCode: string | null;
  /** Available balance right after the deduction. */
  balanceAfter: number | null;
  /** Why it failed or was compensated, as the decision gave it (`reason`, `missing`…). */
  failure: { reason: string; [detail: string]: unknown } | null;
  /** The answer returned to the caller, kept so a repeat gets the very same body. */
  result: Record<string, unknown> | null;
  cancellation: {
    requestedAt: Date;
    storeId: string | null;
    result: Record<string, unknown> | null;
  } | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  cancelledAt: Date | null;
}

const redemptionSchema = new Schema<RedemptionRecord>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    memberId: { type: String, required: true },
    rewardId: { type: String, required: true },
    terms: { type: Schema.Types.Mixed, required: true },
    storeId: { type: String, default: null },
    status: {
      type: String,
      enum: [
        'started',
        'stock_reserved',
        'points_deducted',
        'completed',
        'failed',
        'compensating',
        'compensated',
        'cancelling',
        'cancelled',
      ],
      required: true,
    },
    stockReserved: { type: Boolean, default: false },
    limitKey: { type: String, default: null },
    voucherCode: { type: String, default: null },
    balanceAfter: { type: Number, default: null },
    failure: { type: Schema.Types.Mixed, default: null },
    result: { type: Schema.Types.Mixed, default: null },
    cancellation: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
  },
  { collection: 'redemptions', versionKey: false, minimize: false },
);
// A repeated request finds the original.
redemptionSchema.index({ requestId: 1 }, { unique: true });
// A member's redemptions (history in chat and for staff).
redemptionSchema.index({ memberId: 1, createdAt: -1 });
// Reports per reward.
redemptionSchema.index({ rewardId: 1, createdAt: -1 });
// The recovery sweep reads only redemptions stuck in an intermediate status.
redemptionSchema.index({ status: 1, updatedAt: 1 });

export type RedemptionModel = Model<RedemptionRecord>;

export function redemptionModel(connection: Connection): RedemptionModel {
  return (
    (connection.models.Redemption as RedemptionModel | undefined) ??
    connection.model<RedemptionRecord>('Redemption', redemptionSchema)
  );
}
