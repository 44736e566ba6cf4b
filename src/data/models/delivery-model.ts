import { type Connection, type Model, Schema } from 'mongoose';

export type DeliveryStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'skipped'
  | 'deferred'
  | 'held'
  | 'mass_pending'
  | 'failed';

export type DeliveryChannel = 'customer_service' | 'template' | 'mass_send';

/**
 * One outbound message to one member (`_id` = the delivery key, e.g. `care:birthday:<member>:<year>`
 * or `campaign:<id>:<member>`). The unique `_id` makes enqueuing exactly-once; `status` moves
 * `queued → sending → sent | skipped(reason) | deferred(until) | held | mass_pending | failed(errcode)`
 * by conditional updates, so a repeated or concurrent job never sends twice.
 * `held` waits for the member's next message (WeChat 45047); `mass_pending` waits for the mass-send
 * batcher (marketing outside the customer-service window).
 */
export interface DeliveryRecord {
  _id: string;
  memberId: string;
  category: 'service' | 'marketing';
  kind: string;
  /** The personalised text with placeholders, rendered when it is sent. */
  text: string;
  /** The generic variant for mass sends (no personal placeholders). */
  genericText: string | null;
  template: { id: string; fields: Record<string, string> } | null;
  /** Values of `{expiringPoints}` and `{date}` given by the producer. */
  values: { expiringPoints: number | null; date: string | null };
  expiresAt: Date | null;
  status: DeliveryStatus;
  /** Skip reason, or why it is held. */
  reason: string | null;
  deferredUntil: Date | null;
  channel: DeliveryChannel | null;
  /** The text as sent (customer service, mass send). */
  sentText: string | null;
  /** WeChat's template msgid (a string: it may exceed 2^53), matched by TEMPLATESENDJOBFINISH. */
  msgId: string | null;
  errcode: number | null;
  errmsg: string | null;
  /**
   * While `mass_pending`: `<source>|<text hash>`, the deliveries one mass send may carry together
   * (absent otherwise, so its index holds only waiting records).
   */
  massGroup?: string;
  /** The mass-send batch that claimed it (`mass_send_batches._id`). */
  batchId?: string;
  /** Send attempts (claims), for inspection. */
  attempts: number;
  /** The job generation: bumped each time a job is re-added (deferred, held, recovered). */
  round: number;
  sendingSince: Date | null;
  /**
   * The queue job that holds the `sending` claim: a re-run of that same job (BullMQ hands a job
   * whose worker died to another worker) takes the claim over at once instead of waiting for it to
   * go stale.
   */
  sendingJob: string | null;
  /** A token of the attempt holding the claim: claims made in one bulk write tell theirs apart by it. */
  claimedBy: string | null;
  /**
   * Written just before a customer-service send goes to WeChat (which has no idempotency key for
   * it): an attempt that died with a slot taken but this unset never sent, so the next one may.
   */
  sendStartedAt?: Date | null;
  sentAt: Date | null;
  /** Sent to this WeChat account instead of the member's own (`DeliveryRequest.recipientOpenid`). */
  recipientOpenid?: string | null;
  /** A staff test send (no quiet hours, no caps, counted nowhere); absent on older records. */
  test?: boolean;
  /** Points the message announces, credited once it has gone out (`DeliveryBonus`). */
  bonus?: DeliveryBonusGrant | null;
  /**
   * While the bonus is undecided `due`; then `credited` (the message went out) or `withheld` (it
   * was finally skipped or failed: no points, the record says why). Absent without a bonus.
   */
  bonusState?: 'due' | 'credited' | 'withheld';
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryBonusGrant {
  points: number;
  /** The ledger operation key: credited once, ever. */
  opKey: string;
  /** The ledger entry's reason (`活动奖励：双十一`) and reference (`campaign:<id>`). */
  reason: string;
  reference: string;
}

const deliverySchema = new Schema<DeliveryRecord>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    category: { type: String, enum: ['service', 'marketing'], required: true },
    kind: { type: String, required: true },
    text: { type: String, required: true },
    genericText: { type: String, default: null },
    template: {
      type: new Schema({ id: String, fields: { type: Schema.Types.Mixed, default: {} } }, { _id: false }),
      default: null,
    },
    values: {
      type: new Schema(
        { expiringPoints: { type: Number, default: null }, date: { type: String, default: null } },
        { _id: false },
      ),
      default: () => ({ expiringPoints: null, date: null }),
    },
    expiresAt: { type: Date, default: null },
    status: {
      type: String,
      enum: ['queued', 'sending', 'sent', 'skipped', 'deferred', 'held', 'mass_pending', 'failed'],
      required: true,
    },
    reason: { type: String, default: null },
    deferredUntil: { type: Date, default: null },
    channel: { type: String, enum: ['customer_service', 'template', 'mass_send', null], default: null },
    sentText: { type: String, default: null },
    msgId: { type: String, default: null },
    errcode: { type: Number, default: null },
    errmsg: { type: String, default: null },
    massGroup: { type: String },
    batchId: { type: String },
    attempts: { type: Number, required: true, default: 0 },
    round: { type: Number, required: true, default: 0 },
    sendingSince: { type: Date, default: null },
    sendingJob: { type: String, default: null },
    claimedBy: { type: String, default: null },
    sendStartedAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    recipientOpenid: { type: String },
    test: { type: Boolean },
    bonus: {
      type: new Schema(
        { points: Number, opKey: String, reason: String, reference: String },
        { _id: false, versionKey: false },
      ),
      default: undefined,
    },
    bonusState: { type: String, enum: ['due', 'credited', 'withheld'] },
    // Set from the service's clock (not mongoose timestamps), so tests and sweeps agree on time.
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'deliveries', versionKey: false, minimize: false },
);

// Held deliveries are released by the member's next message.
deliverySchema.index({ memberId: 1, status: 1 });
// The recovery sweep looks for records left queued or sending by a crash.
deliverySchema.index({ status: 1, updatedAt: 1 });
// The care-outcomes report counts each kind's records of a period.
deliverySchema.index({ kind: 1, createdAt: 1 });
// TEMPLATESENDJOBFINISH carries the msgid.
deliverySchema.index({ msgId: 1 }, { sparse: true });
// The mass-send batcher reads one group's waiting records, and a batch's records.
deliverySchema.index({ massGroup: 1 }, { sparse: true });
deliverySchema.index({ batchId: 1 }, { sparse: true });
// The bonus sweep finds bonuses still undecided whose delivery has an outcome.
deliverySchema.index({ bonusState: 1, status: 1 }, { sparse: true });

export type DeliveryModel = Model<DeliveryRecord>;

export function deliveryModel(connection: Connection): DeliveryModel {
  return (
    (connection.models.Delivery as DeliveryModel | undefined) ??
    connection.model<DeliveryRecord>('Delivery', deliverySchema)
  );
}
