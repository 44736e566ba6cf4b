import { type Connection, type Model, Schema } from 'mongoose';

/**
 * `assembling` (created, its deliveries being claimed) → `ready` (recipients frozen, a send job
 * added) → `sending` (claimed by one worker) → `sent` (WeChat accepted it; deliveries being
 * recorded) → `done`; or `failed` (a final WeChat error: every delivery of it failed with it).
 */
export type MassSendBatchStatus = 'assembling' | 'ready' | 'sending' | 'sent' | 'done' | 'failed';

/** WeChat's MASSSENDJOBFINISH for the batch's msg_id (`Status` as WeChat wrote it). */
export interface MassSendReport {
  status: string;
  totalCount: number;
  filterCount: number | null;
  sentCount: number;
  errorCount: number;
  at: Date;
}

/**
 * One call of WeChat's `message/mass/send`: one generic text to up to 10,000 members waiting for
 * it (`mass_pending` deliveries of one source, e.g. a campaign). The `_id` is derived from the
 * group and the delivery keys it was assembled from, and `clientMsgId` from the `_id`, so a retried
 * or recovered send repeats the same `clientmsgid` and WeChat refuses to send it twice. The status
 * moves by conditional updates only: one worker claims a batch, so it is sent at most once however
 * many workers or sweeps look at it.
 */
export interface MassSendBatchRecord {
  _id: string;
  /** `<source>|<text hash>`, the deliveries' `massGroup`. */
  group: string;
  /** Where the deliveries come from, e.g. `campaign:<id>` or `care:win_back`. */
  source: string;
  text: string;
  clientMsgId: string;
  /** The delivery keys it was assembled from (each delivery is claimed by at most one batch). */
  candidates: string[];
  /** Frozen at `ready`: the deliveries it sends (claimed by this batch) and their openids. */
  deliveryKeys: string[];
  openids: string[];
  status: MassSendBatchStatus;
  /** Send-job generation: bumped when a send is put off (quiet hours) or recovered. */
  round: number;
  /** Claims (send attempts), for inspection. */
  attempts: number;
  sendingSince: Date | null;
  /**
   * Set before calling WeChat, cleared once WeChat answered: set while a claim finds it means an
   * earlier call's outcome is unknown (a crash, a timeout), so only the same `clientmsgid` may go.
   */
  callStartedAt: Date | null;
  msgId: string | null;
  msgDataId: string | null;
  errcode: number | null;
  errmsg: string | null;
  reason: string | null;
  report: MassSendReport | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const reportSchema = new Schema<MassSendReport>(
  {
    status: { type: String, required: true },
    totalCount: { type: Number, required: true },
    filterCount: { type: Number, default: null },
    sentCount: { type: Number, required: true },
    errorCount: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const massSendBatchSchema = new Schema<MassSendBatchRecord>(
  {
    _id: { type: String, required: true },
    group: { type: String, required: true },
    source: { type: String, required: true },
    text: { type: String, required: true },
    clientMsgId: { type: String, required: true },
    candidates: { type: [String], default: [] },
    deliveryKeys: { type: [String], default: [] },
    openids: { type: [String], default: [] },
    status: {
      type: String,
      enum: ['assembling', 'ready', 'sending', 'sent', 'done', 'failed'],
      required: true,
    },
    round: { type: Number, required: true, default: 0 },
    attempts: { type: Number, required: true, default: 0 },
    sendingSince: { type: Date, default: null },
    callStartedAt: { type: Date, default: null },
    msgId: { type: String, default: null },
    msgDataId: { type: String, default: null },
    errcode: { type: Number, default: null },
    errmsg: { type: String, default: null },
    reason: { type: String, default: null },
    report: { type: reportSchema, default: null },
    sentAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'mass_send_batches', versionKey: false, minimize: false },
);

// The sweep finds batches a crash left unfinished.
massSendBatchSchema.index({ status: 1, updatedAt: 1 });
// MASSSENDJOBFINISH carries the msg_id.
massSendBatchSchema.index({ msgId: 1 }, { sparse: true });
// A campaign's batches, for staff and tests.
massSendBatchSchema.index({ source: 1 });

export type MassSendBatchModel = Model<MassSendBatchRecord>;

export function massSendBatchModel(connection: Connection): MassSendBatchModel {
  return (
    (connection.models.MassSendBatch as MassSendBatchModel | undefined) ??
    connection.model<MassSendBatchRecord>('MassSendBatch', massSendBatchSchema)
  );
}
