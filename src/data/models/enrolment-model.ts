import { type Connection, type Model, Schema } from 'mongoose';

export type EnrolmentChannel = 'counter' | 'chat' | 'import';

/**
 * The journal of one sign-up, written BEFORE the member document so that every step after it
 * (identity hashes, welcome points and voucher, opening balance, referral) can be finished by the
 * recovery sweep after a crash. `_id` is the new member's id. It holds no personal data: what it
 * needs to decide (was this mobile ever a member?) is recorded as facts at the time of sign-up.
 */
export interface EnrolmentRecord {
  _id: string;
  status: 'pending' | 'done' | 'abandoned';
  channel: EnrolmentChannel;
  /** The sign-up instant: the welcome, the referral window and the opening balance count from it. */
  at: Date;
  storeId: string;
  /** False for imported members: they are existing members of the dealer, not new sign-ups. */
  welcome: boolean;
  opening: { points: number; earnedAt: Date } | null;
  referral: {
    /** The referral's id, chosen before the member exists so a resumed sign-up attributes the same one. */
    referralId: string;
    /** True when it follows a recorded open (link or QR scan) whose record the sign-up completes. */
    fromOpen: boolean;
    referrerMemberId: string;
    code: string;
    firstOpenedAt: Date;
  } | null;
  /** Whether the mobile / openid had ever belonged to a member before this sign-up. */
  identity: { mobileWasMember: boolean; openidWasMember: boolean };
  outcome: Record<string, unknown> | null;
  finishedAt: Date | null;
}

const enrolmentSchema = new Schema<EnrolmentRecord>(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['pending', 'done', 'abandoned'], required: true },
    channel: { type: String, enum: ['counter', 'chat', 'import'], required: true },
    at: { type: Date, required: true },
    storeId: { type: String, required: true },
    welcome: { type: Boolean, required: true },
    opening: { type: Schema.Types.Mixed, default: null },
    referral: { type: Schema.Types.Mixed, default: null },
    identity: { type: Schema.Types.Mixed, required: true },
    outcome: { type: Schema.Types.Mixed, default: null },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'enrolments', versionKey: false, minimize: false },
);
// The recovery sweep reads only unfinished sign-ups.
enrolmentSchema.index({ status: 1, at: 1 });

export type EnrolmentModel = Model<EnrolmentRecord>;

export function enrolmentModel(connection: Connection): EnrolmentModel {
  return (
    (connection.models.Enrolment as EnrolmentModel | undefined) ??
    connection.model<EnrolmentRecord>('Enrolment', enrolmentSchema)
  );
}
