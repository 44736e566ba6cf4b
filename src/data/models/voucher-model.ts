import { type Connection, type Model, Schema } from 'mongoose';

/** What a voucher was issued for; `reward` vouchers come from a redemption and can be cancelled for points. */
export type VoucherKind = 'reward' | 'welcome' | 'birthday' | 'campaign' | 'gift';

export type VoucherStatus = 'issued' | 'used' | 'cancelled' | 'expired';

/**
 * A voucher a member holds. `code` (8 characters of the program's alphabet) is what the member
 * shows and staff type; `sourceKey` (`redemption:<id>`, `welcome-voucher:<memberId>`…) is unique
 * so whatever issues a voucher issues it once, however often it is retried. Used once (核销): the
 * change `issued → used` is a single conditional update.
 */
export interface VoucherRecord {
  _id: string;
  code: string;
  sourceKey: string;
  memberId: string;
  name: string;
  kind: VoucherKind;
  rewardId: string | null;
  redemptionId: string | null;
  /** Stores where it can be used; null: every store. */
  storeIds: string[] | null;
  status: VoucherStatus;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedStoreId: string | null;
  cancelledAt: Date | null;
  expiredAt: Date | null;
}

const voucherSchema = new Schema<VoucherRecord>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    sourceKey: { type: String, required: true },
    memberId: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    rewardId: { type: String, default: null },
    redemptionId: { type: String, default: null },
    storeIds: { type: [String], default: null },
    status: { type: String, enum: ['issued', 'used', 'cancelled', 'expired'], required: true },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    usedStoreId: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
    expiredAt: { type: Date, default: null },
  },
  { collection: 'vouchers', versionKey: false, minimize: false },
);
voucherSchema.index({ code: 1 }, { unique: true });
voucherSchema.index({ sourceKey: 1 }, { unique: true });
// A member's vouchers ("我的券" in chat).
voucherSchema.index({ memberId: 1, status: 1, expiresAt: 1 });
// Scans: vouchers to expire, and "expiring in 3 days" reminders (RULES.md §7).
voucherSchema.index({ status: 1, expiresAt: 1 });
voucherSchema.index({ redemptionId: 1 }, { sparse: true });

export type VoucherModel = Model<VoucherRecord>;

export function voucherModel(connection: Connection): VoucherModel {
  return (
    (connection.models.Voucher as VoucherModel | undefined) ??
    connection.model<VoucherRecord>('Voucher', voucherSchema)
  );
}
