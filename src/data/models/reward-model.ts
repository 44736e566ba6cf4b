import { type Connection, type Model, Schema } from 'mongoose';
import type { RewardPeriod } from '../../config/program-schema';

/**
 * A catalogue reward as staff manage it (`_id` = the reward id, kebab-case). `stock` is the units
 * still free (null: unlimited). A unit is held for a redemption by one conditional update that
 * decrements `stock` and pushes the redemption's request id into `reservations`, so reserving
 * twice, releasing twice or releasing what was never reserved changes nothing; `returns` does the
 * same for units a cancelled voucher gives back. Both arrays only hold work in flight.
 */
export interface RewardRecord {
  _id: string;
  name: string;
  cost: number;
  stock: number | null;
  perMemberLimit: { count: number; period: RewardPeriod } | null;
  minTier: string | null;
  validityDays: number;
  storeIds: string[] | null;
  active: boolean;
  /** Request ids of redemptions holding a unit they have not completed or released yet. */
  reservations: string[];
  /** Redemption ids of cancellations whose unit is back in `stock` but not yet marked done. */
  returns: string[];
  createdAt: Date;
  updatedAt: Date;
}

const rewardSchema = new Schema<RewardRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    cost: { type: Number, required: true },
    stock: { type: Number, default: null },
    perMemberLimit: {
      type: new Schema(
        { count: { type: Number, required: true }, period: { type: String, required: true } },
        { _id: false },
      ),
      default: null,
    },
    minTier: { type: String, default: null },
    validityDays: { type: Number, required: true },
    storeIds: { type: [String], default: null },
    active: { type: Boolean, required: true, default: true },
    reservations: { type: [String], default: [] },
    returns: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'rewards', versionKey: false, minimize: false },
);
// Members see the active catalogue.
rewardSchema.index({ active: 1 });

export type RewardModel = Model<RewardRecord>;

export function rewardModel(connection: Connection): RewardModel {
  return (
    (connection.models.Reward as RewardModel | undefined) ??
    connection.model<RewardRecord>('Reward', rewardSchema)
  );
}
