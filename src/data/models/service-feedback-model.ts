import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A post-service rating question (RULES.md §7) and its answer. `_id` is the DMS transaction id, so
 * the follow-up job, its retries and a re-run of the transaction's listeners can only ever create
 * one. `rating` is set once (a conditional update on `rating: null`); a rating at or below the
 * program's `alertAtOrBelow` sets `alertedAt` in the same update, which is the staff alert, and
 * staff close it by setting `handledAt`.
 */
export interface ServiceFeedbackRecord {
  _id: string;
  memberId: string;
  storeId: string;
  category: string;
  /** When the service took place (the transaction's `occurredAt`). */
  servedAt: Date;
  askedAt: Date;
  rating: number | null;
  comment: string | null;
  answeredAt: Date | null;
  commentedAt: Date | null;
  alertedAt: Date | null;
  handledAt: Date | null;
  handledBy: { role: string; storeId: string | null } | null;
}

const serviceFeedbackSchema = new Schema<ServiceFeedbackRecord>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    storeId: { type: String, required: true },
    category: { type: String, required: true },
    servedAt: { type: Date, required: true },
    askedAt: { type: Date, required: true },
    rating: { type: Number, default: null },
    comment: { type: String, default: null },
    answeredAt: { type: Date, default: null },
    commentedAt: { type: Date, default: null },
    alertedAt: { type: Date, default: null },
    handledAt: { type: Date, default: null },
    handledBy: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'service_feedback', versionKey: false, minimize: false },
);
// A member's latest question (the chat asks "is a rating expected?"), the alert queue per store,
// and the per-store summary.
serviceFeedbackSchema.index({ memberId: 1, askedAt: -1 });
serviceFeedbackSchema.index({ alertedAt: 1, handledAt: 1, storeId: 1 });
serviceFeedbackSchema.index({ storeId: 1, answeredAt: 1 });
// The ratings report: answers per week across stores.
serviceFeedbackSchema.index({ answeredAt: 1 });

export type ServiceFeedbackModel = Model<ServiceFeedbackRecord>;

export function serviceFeedbackModel(connection: Connection): ServiceFeedbackModel {
  return (
    (connection.models.ServiceFeedback as ServiceFeedbackModel | undefined) ??
    connection.model<ServiceFeedbackRecord>('ServiceFeedback', serviceFeedbackSchema)
  );
}
