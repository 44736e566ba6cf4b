import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A member's complaint (投诉) made in the chat: what they wrote, their last few messages and the
 * store it goes to. Recorded as a staff alert (like a low post-service rating) and closed by
 * setting `handledAt` once. `requestKey` (the chat message that made it) is unique, so a retried
 * message records it once.
 */
export interface ComplaintRecord {
  _id: string;
  requestKey: string;
  memberId: string;
  storeId: string;
  text: string;
  /** Oldest first, as the member typed them. */
  recentMessages: { text: string; at: Date }[];
  createdAt: Date;
  handledAt: Date | null;
  handledBy: { role: string; storeId: string | null } | null;
}

const complaintSchema = new Schema<ComplaintRecord>(
  {
    _id: { type: String, required: true },
    requestKey: { type: String, required: true },
    memberId: { type: String, required: true },
    storeId: { type: String, required: true },
    text: { type: String, default: '' },
    recentMessages: { type: Schema.Types.Mixed, default: [] },
    createdAt: { type: Date, required: true },
    handledAt: { type: Date, default: null },
    handledBy: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'complaints', versionKey: false, minimize: false },
);
complaintSchema.index({ requestKey: 1 }, { unique: true });
// The staff alert list per store, newest first, open or handled.
complaintSchema.index({ handledAt: 1, storeId: 1, createdAt: -1 });
complaintSchema.index({ memberId: 1 });

export type ComplaintModel = Model<ComplaintRecord>;

export function complaintModel(connection: Connection): ComplaintModel {
  return (
    (connection.models.Complaint as ComplaintModel | undefined) ??
    connection.model<ComplaintRecord>('Complaint', complaintSchema)
  );
}
