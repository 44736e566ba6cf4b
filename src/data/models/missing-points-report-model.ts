import { type Connection, type Model, Schema } from 'mongoose';

export type MissingPointsStatus = 'open' | 'resolving' | 'resolved' | 'rejected';

export interface MissingPointsDecision {
  kind: 'resolve' | 'reject';
  points: number;
  qualifyingPoints: number;
  reason: string;
  at: Date;
  byRole: string;
}

/**
 * A member's "积分没到账" report (RULES.md §3): a transaction they say is missing. Staff resolve it
 * with an adjustment (exactly once: the operation key `missing-report:<id>`) or reject it with a
 * reason. `status` moves open → resolving → resolved, or open → rejected; `resolving` is a claimed
 * decision whose credit may not be applied yet (finished by the recovery sweep). `outcome` is what
 * the member is told; the chat channel sets `notifiedAt` once it has told them.
 */
export interface MissingPointsReportRecord {
  _id: string;
  memberId: string;
  /** Local date of the transaction, YYYY-MM-DD. */
  date: string;
  amountFen: number;
  storeId: string;
  /** The program category the member named when reporting (保养 → maintenance); null if none. */
  category?: string | null;
  invoice: { url: string | null; mediaId: string | null } | null;
  note: string | null;
  channel: string;
  status: MissingPointsStatus;
  decision: MissingPointsDecision | null;
  outcome: { status: 'resolved' | 'rejected'; points: number; reason: string; message: string } | null;
  notifiedAt: Date | null;
  openedAt: Date;
  decidedAt: Date | null;
}

const missingPointsReportSchema = new Schema<MissingPointsReportRecord>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    date: { type: String, required: true },
    amountFen: { type: Number, required: true },
    storeId: { type: String, required: true },
    category: { type: String, default: null },
    invoice: { type: Schema.Types.Mixed, default: null },
    note: { type: String, default: null },
    channel: { type: String, required: true },
    status: { type: String, enum: ['open', 'resolving', 'resolved', 'rejected'], required: true },
    decision: { type: Schema.Types.Mixed, default: null },
    outcome: { type: Schema.Types.Mixed, default: null },
    notifiedAt: { type: Date, default: null },
    openedAt: { type: Date, required: true },
    decidedAt: { type: Date, default: null },
  },
  { collection: 'missing_points_reports', versionKey: false, minimize: false },
);
// The staff queue (per store or group-wide), a member's reports, and outcomes awaiting delivery.
missingPointsReportSchema.index({ status: 1, storeId: 1, openedAt: 1 });
missingPointsReportSchema.index({ memberId: 1, openedAt: -1 });
missingPointsReportSchema.index({ notifiedAt: 1, decidedAt: 1 });

export type MissingPointsReportModel = Model<MissingPointsReportRecord>;

export function missingPointsReportModel(connection: Connection): MissingPointsReportModel {
  return (
    (connection.models.MissingPointsReport as MissingPointsReportModel | undefined) ??
    connection.model<MissingPointsReportRecord>('MissingPointsReport', missingPointsReportSchema)
  );
}
