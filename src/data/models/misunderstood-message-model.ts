import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A member's message the assistant did not understand, kept (masked) for staff to label as a new
 * intent example. `_id` is `<message id>:<kind>`, so a re-delivered message is kept once.
 * `expiresAt` is when it goes: a TTL index removes it on MongoDB, and reads skip it anyway.
 */
export interface MisunderstoodMessageRecord {
  _id: string;
  /** Masked (`maskChatText`): no full mobile, plate, ID number or stated name. */
  text: string;
  kind: 'not_understood' | 'unresolved_clarification';
  at: Date;
  /** The member's home store; null for someone not (yet) a member. */
  storeId: string | null;
  /** The model's two closest intents (never `none`), best first. */
  closest: { intent: string; score: number }[];
  expiresAt: Date;
}

const misunderstoodMessageSchema = new Schema<MisunderstoodMessageRecord>(
  {
    _id: { type: String, required: true },
    text: { type: String, required: true },
    kind: { type: String, enum: ['not_understood', 'unresolved_clarification'], required: true },
    at: { type: Date, required: true },
    storeId: { type: String, default: null },
    closest: { type: Schema.Types.Mixed, default: [] },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'misunderstood_messages', versionKey: false, minimize: false },
);
misunderstoodMessageSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
// Staff review: newest first, group-wide or per store.
misunderstoodMessageSchema.index({ at: -1 });
misunderstoodMessageSchema.index({ storeId: 1, at: -1 });

export type MisunderstoodMessageModel = Model<MisunderstoodMessageRecord>;

export function misunderstoodMessageModel(connection: Connection): MisunderstoodMessageModel {
  return (
    (connection.models.MisunderstoodMessage as MisunderstoodMessageModel | undefined) ??
    connection.model<MisunderstoodMessageRecord>('MisunderstoodMessage', misunderstoodMessageSchema)
  );
}
