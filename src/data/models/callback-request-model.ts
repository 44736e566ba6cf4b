import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A member's "call me back" (人工) request for staff (or an alert about the member: `kind`): the store, a short note and the member's last
 * few messages, so whoever calls knows what it is about. `requestKey` (the chat message that made
 * it) is unique, so a retried message records it once. `status` moves open → done.
 */
export interface CallbackRequestRecord {
  _id: string;
  requestKey: string;
  /**
   * `request`: the member asked (人工); `rebind_alert`: the membership moved to another WeChat
   * more than once in 30 days, for staff to check with the member. Absent on older records (request).
   */
  kind?: 'request' | 'rebind_alert';
  memberId: string;
  storeId: string;
  note: string | null;
  /** Oldest first, as the member typed them. */
  recentMessages: { text: string; at: Date }[];
  status: 'open' | 'done';
  createdAt: Date;
  doneAt: Date | null;
  doneBy: { role: string; storeId: string | null } | null;
}

const callbackRequestSchema = new Schema<CallbackRequestRecord>(
  {
    _id: { type: String, required: true },
    requestKey: { type: String, required: true },
    kind: { type: String, enum: ['request', 'rebind_alert'], default: 'request' },
    memberId: { type: String, required: true },
    storeId: { type: String, required: true },
    note: { type: String, default: null },
    recentMessages: { type: Schema.Types.Mixed, default: [] },
    status: { type: String, enum: ['open', 'done'], required: true },
    createdAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
    doneBy: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'callback_requests', versionKey: false, minimize: false },
);
callbackRequestSchema.index({ requestKey: 1 }, { unique: true });
// The staff queue, oldest first, per store or group-wide.
callbackRequestSchema.index({ status: 1, storeId: 1, createdAt: 1 });

export type CallbackRequestModel = Model<CallbackRequestRecord>;

export function callbackRequestModel(connection: Connection): CallbackRequestModel {
  return (
    (connection.models.CallbackRequest as CallbackRequestModel | undefined) ??
    connection.model<CallbackRequestRecord>('CallbackRequest', callbackRequestSchema)
  );
}
