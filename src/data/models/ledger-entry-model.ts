import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import type { LedgerEntry } from '../../rules/ledger-entry';

/**
 * A ledger entry as stored: the rules engine's entry plus who it belongs to and where it sits in
 * the member's order of changes (`seq`, then `idx`), so replaying a member's entries in that
 * order rebuilds the stored account exactly. Append-only; `_id` is the entry id, whose unique
 * index makes every credit and debit exactly-once.
 */
export interface LedgerEntryRecord extends LedgerEntry {
  memberId: string;
  /** The operation that wrote it (`txn:<id>`, `redeem:<requestId>`…); several entries may share one. */
  opKey: string;
  /** The member's `rev` after the change that wrote the entry. */
  seq: number;
  /** Position within that change. */
  idx: number;
  storeId: string | null;
  programVersion: string | null;
}

export const ledgerEntryFields: SchemaDefinition = {
  entryId: { type: String, required: true },
  memberId: { type: String, required: true },
  opKey: { type: String, required: true },
  seq: { type: Number, required: true },
  idx: { type: Number, required: true },
  type: { type: String, required: true },
  at: { type: Date, required: true },
  points: { type: Number, required: true },
  qualifyingPoints: { type: Number, default: 0 },
  lot: { type: Schema.Types.Mixed, default: null },
  allocations: { type: Schema.Types.Mixed, default: [] },
  debtChange: { type: Number, default: 0 },
  pendingAdded: { type: Schema.Types.Mixed, default: null },
  pendingRemoved: { type: String, default: null },
  transactionId: { type: String, default: null },
  relatedEntryId: { type: String, default: null },
  reference: { type: String, default: null },
  reason: { type: String, default: null },
  breakdown: { type: Schema.Types.Mixed, default: null },
  storeId: { type: String, default: null },
  programVersion: { type: String, default: null },
};

const ledgerSchema = new Schema(
  { _id: { type: String, required: true }, ...ledgerEntryFields },
  {
    collection: 'ledger',
    versionKey: false,
    minimize: false,
  },
);
ledgerSchema.index({ memberId: 1, seq: 1, idx: 1 });
ledgerSchema.index({ opKey: 1 });
ledgerSchema.index({ transactionId: 1 }, { sparse: true });
ledgerSchema.index({ type: 1, at: 1 });

export type LedgerModel = Model<LedgerEntryRecord & { _id: string }>;

export function ledgerModel(connection: Connection): LedgerModel {
  return (
    (connection.models.LedgerEntry as LedgerModel | undefined) ??
    connection.model<LedgerEntryRecord & { _id: string }>('LedgerEntry', ledgerSchema)
  );
}
