import { type Connection, type Model, Schema } from 'mongoose';

/**
 * Rewarded referrals of one referrer in one membership year (`_id` = `<memberId>:<year start>`).
 * A slot is claimed with one conditional update (`count < cap` and the referral not yet listed),
 * so concurrent sign-ups can never reward a referrer past the yearly cap, and a retried claim for
 * the same referral is recognised.
 */
export interface ReferralQuotaRecord {
  _id: string;
  count: number;
  referralIds: string[];
}

const referralQuotaSchema = new Schema<ReferralQuotaRecord>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    referralIds: { type: [String], default: [] },
  },
  { collection: 'referral_quotas', versionKey: false },
);

export type ReferralQuotaModel = Model<ReferralQuotaRecord>;

export function referralQuotaModel(connection: Connection): ReferralQuotaModel {
  return (
    (connection.models.ReferralQuota as ReferralQuotaModel | undefined) ??
    connection.model<ReferralQuotaRecord>('ReferralQuota', referralQuotaSchema)
  );
}
