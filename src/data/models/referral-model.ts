import { type Connection, type Model, Schema } from 'mongoose';

export type ReferralStatus = 'opened' | 'joined' | 'rewarded' | 'rejected';

export interface ReferralRewardRecord {
  kind: string;
  memberId: string;
  points: number;
  /** The ledger entry id and operation key of the credit (`referral:<id>:<kind>`). */
  key: string;
  grantedAt: Date;
}

/**
 * One referral (RULES.md §6): a person opened a member's link or scanned their QR code
 * (`opened`), signed up (`joined`, or `rejected` with the reason), and made a first qualifying
 * transaction (`rewarded`: the referrer's +2,000 was credited). The newcomer's openid and mobile
 * are kept only as salted hashes (`newcomerKeys`), enough to recognise them at sign-up without
 * storing a person's number for someone who may never join.
 */
export interface ReferralRecord {
  _id: string;
  referrerMemberId: string;
  code: string;
  newcomerKeys: string[];
  /** `<code>|<identity hash>` of an open, unique: repeated scans keep the first one. */
  openKey: string | null;
  newcomerMemberId: string | null;
  firstOpenedAt: Date;
  joinedAt: Date | null;
  status: ReferralStatus;
  reason: string | null;
  /** False when the referrer was over the yearly cap: the friend is rewarded, the referrer not. */
  referrerRewarded: boolean;
  rewards: ReferralRewardRecord[];
  /** The friend's first qualifying transaction, claimed before the referrer's reward is granted. */
  completedByTransactionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const referralSchema = new Schema<ReferralRecord>(
  {
    _id: { type: String, required: true },
    referrerMemberId: { type: String, required: true },
    code: { type: String, required: true },
    newcomerKeys: { type: [String], default: [] },
    openKey: { type: String, default: null },
    newcomerMemberId: { type: String, default: null },
    firstOpenedAt: { type: Date, required: true },
    joinedAt: { type: Date, default: null },
    status: { type: String, enum: ['opened', 'joined', 'rewarded', 'rejected'], required: true },
    reason: { type: String, default: null },
    referrerRewarded: { type: Boolean, default: false },
    rewards: {
      type: [
        new Schema(
          { kind: String, memberId: String, points: Number, key: String, grantedAt: Date },
          { _id: false },
        ),
      ],
      default: [],
    },
    completedByTransactionId: { type: String, default: null },
  },
  { collection: 'referrals', timestamps: true, versionKey: false, minimize: false },
);
referralSchema.index(
  { openKey: 1 },
  { unique: true, partialFilterExpression: { openKey: { $type: 'string' } } },
);
// A member is referred at most once.
referralSchema.index(
  { newcomerMemberId: 1 },
  { unique: true, partialFilterExpression: { newcomerMemberId: { $type: 'string' } } },
);
// Sign-up looks for earlier opens by the newcomer's identity.
referralSchema.index({ newcomerKeys: 1, status: 1 });
// A referrer's friends and rewards; the recovery sweep reads joined referrals.
referralSchema.index({ referrerMemberId: 1, joinedAt: -1 });
referralSchema.index({ status: 1, completedByTransactionId: 1 });

export type ReferralModel = Model<ReferralRecord>;

export function referralModel(connection: Connection): ReferralModel {
  return (
    (connection.models.Referral as ReferralModel | undefined) ??
    connection.model<ReferralRecord>('Referral', referralSchema)
  );
}
