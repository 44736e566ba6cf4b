import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A published program (RULES.md: "versioned"). `input` is the whole program as a person writes it
 * (decimals), validated when published and parsed again when loaded; `_id` is its version, which
 * every ledger entry decided under it records. The latest `publishedAt` is in force.
 */
export interface ProgramVersionRecord {
  _id: string;
  input: Record<string, unknown>;
  publishedAt: Date;
  /** The version it was merged over. */
  basedOn: string;
  publishedBy: string | null;
}

const programVersionSchema = new Schema<ProgramVersionRecord>(
  {
    _id: { type: String, required: true },
    input: { type: Schema.Types.Mixed, required: true },
    publishedAt: { type: Date, required: true },
    basedOn: { type: String, required: true },
    publishedBy: { type: String, default: null },
  },
  { collection: 'program_versions', versionKey: false, minimize: false },
);
programVersionSchema.index({ publishedAt: -1 });

export type ProgramVersionModel = Model<ProgramVersionRecord>;

export function programVersionModel(connection: Connection): ProgramVersionModel {
  return (
    (connection.models.ProgramVersion as ProgramVersionModel | undefined) ??
    connection.model<ProgramVersionRecord>('ProgramVersion', programVersionSchema)
  );
}
