import { type Connection, type Model, Schema } from 'mongoose';

/**
 * "This mobile (or openid) once belonged to a member", without the number: `_id` is a salted
 * SHA-256 of the identity. Written at sign-up and kept after erasure (PIPL), so a person who
 * deletes their data and joins again is still recognised as not new for referral rewards.
 */
export interface IdentityHashRecord {
  _id: string;
  kind: 'mobile' | 'openid';
  firstSeenAt: Date;
}

const identityHashSchema = new Schema<IdentityHashRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['mobile', 'openid'], required: true },
    firstSeenAt: { type: Date, required: true },
  },
  { collection: 'identity_hashes', versionKey: false },
);

export type IdentityHashModel = Model<IdentityHashRecord>;

export function identityHashModel(connection: Connection): IdentityHashModel {
  return (
    (connection.models.IdentityHash as IdentityHashModel | undefined) ??
    connection.model<IdentityHashRecord>('IdentityHash', identityHashSchema)
  );
}
