import { type Connection, type Model, Schema } from 'mongoose';
import type { PointsAccount } from '../../rules/points-account';
import type { TierState } from '../../rules/tier-state';
import type { LedgerEntryRecord } from './ledger-entry-model';
import { ledgerEntryFields } from './ledger-entry-model';

export interface VehicleRecord {
  plate: string | null;
  model: string | null;
  mileageKm: number | null;
  mileageReportedAt: Date | null;
  insuranceEndsOn: string | null;
  inspectionDueOn: string | null;
  lastServiceAt: Date | null;
  lastServiceKm: number | null;
  /**
   * Service visits from DMS transactions, oldest first (the last few kept); the last service and the
   * maintenance due date are derived from them (`src/rules/vehicle-service-history.ts`). Optional:
   * vehicles stored before the history existed lack these fields.
   */
  services?: ServiceVisitRecord[];
  /** `YYYY-MM-DD`: when the next maintenance is due; the nightly care scan looks it up by index. */
  maintenanceDueOn?: string | null;
  maintenanceDueBy?: 'date' | 'mileage' | null;
}

export interface ServiceVisitRecord {
  transactionId: string;
  at: Date;
  mileageKm: number | null;
}

export interface ConsentRecord {
  kind: 'privacy' | 'marketing';
  granted: boolean;
  /** Privacy policy version for `privacy`; null for marketing. */
  version: string | null;
  at: Date;
  /** Where it was given: chat, counter, import, api. */
  channel: string;
}

/**
 * One change of the WeChat account a member is reached on (bind or unbind). Openids are kept as
 * salted hashes only (`IdentityHasher`): enough to tell accounts apart and to recognise the old
 * account when it writes again, without keeping WeChat's identifier after it is gone.
 */
export interface BindingRecord {
  /** Unique per member: keys the notice to the old account and the staff alert. */
  id: string;
  at: Date;
  action: 'bind' | 'unbind';
  /** signup: joined in chat; rebind: taken over from another WeChat by SMS; relink: bound again
   * after an unfollow (or a member created without WeChat); unfollow; erase. */
  reason: 'signup' | 'rebind' | 'relink' | 'unfollow' | 'erase';
  /** chat, counter, staff… */
  channel: string;
  oldOpenidHash: string | null;
  newOpenidHash: string | null;
}

/**
 * One member, with the points account and tier state embedded: every change to points is a
 * single-document atomic update guarded by `rev` (optimistic concurrency), so no multi-document
 * transaction is ever needed. Ledger entries are written into `outbox` in the same update and
 * copied into the ledger collection right after (and by the recovery sweep after a crash).
 */
export interface MemberRecord {
  _id: string;
  status: 'active' | 'erased';
  name: string | null;
  mobile: string | null;
  openid: string | null;
  referralCode: string;
  signedUpAt: Date;
  homeStoreId: string;
  birthday: { month: number; day: number; year: number | null } | null;
  vehicles: VehicleRecord[];
  consents: ConsentRecord[];
  marketingConsent: boolean;
  marketingOptOut: boolean;
  tags: string[];
  tier: TierState;
  account: PointsAccount;
  firstTransactionAt: Date | null;
  lastVisitAt: Date | null;
  referredBy: { memberId: string; referralId: string } | null;
  /** Earliest moment the nightly run has work for this account (activation or expiry). */
  nextAccountEventAt: Date | null;
  /** Start (instant) of the next membership year: the annual tier review is due then. */
  tierReviewAt: Date;
  /** Redemptions per reward and period (`<rewardId>|<periodKey>` → count) for per-member limits. */
  redemptionCounts: Record<string, number>;
  /** Bumped by every account or tier change; the guard of the optimistic update. */
  rev: number;
  /** Keys of the latest operations applied to this member (idempotency for retries). */
  recentOps: string[];
  outbox: LedgerEntryRecord[];
  erasedAt: Date | null;
  /** WeChat binding history, oldest first (absent on members stored before it existed). */
  bindings?: BindingRecord[];
  createdAt: Date;
  updatedAt: Date;
}

const lotSchema = new Schema(
  {
    lotId: { type: String, required: true },
    entryId: { type: String, required: true },
    earnedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    amount: { type: Number, required: true },
    remaining: { type: Number, required: true },
  },
  { _id: false },
);

const pendingSchema = new Schema(
  {
    entryId: { type: String, required: true },
    transactionId: { type: String, default: null },
    amount: { type: Number, required: true },
    qualifyingPoints: { type: Number, required: true },
    availableAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { _id: false },
);

const vehicleSchema = new Schema(
  {
    plate: { type: String, default: null },
    model: { type: String, default: null },
    mileageKm: { type: Number, default: null },
    mileageReportedAt: { type: Date, default: null },
    insuranceEndsOn: { type: String, default: null },
    inspectionDueOn: { type: String, default: null },
    lastServiceAt: { type: Date, default: null },
    lastServiceKm: { type: Number, default: null },
    services: {
      type: [
        new Schema(
          {
            transactionId: { type: String, required: true },
            at: { type: Date, required: true },
            mileageKm: { type: Number, default: null },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    maintenanceDueOn: { type: String, default: null },
    maintenanceDueBy: { type: String, enum: ['date', 'mileage'], default: null },
  },
  { _id: false },
);

const consentSchema = new Schema(
  {
    kind: { type: String, enum: ['privacy', 'marketing'], required: true },
    granted: { type: Boolean, required: true },
    version: { type: String, default: null },
    at: { type: Date, required: true },
    channel: { type: String, required: true },
  },
  { _id: false },
);

const bindingSchema = new Schema(
  {
    id: { type: String, required: true },
    at: { type: Date, required: true },
    action: { type: String, enum: ['bind', 'unbind'], required: true },
    reason: { type: String, enum: ['signup', 'rebind', 'relink', 'unfollow', 'erase'], required: true },
    channel: { type: String, required: true },
    oldOpenidHash: { type: String, default: null },
    newOpenidHash: { type: String, default: null },
  },
  { _id: false },
);

const memberSchema = new Schema<MemberRecord>(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['active', 'erased'], required: true, default: 'active' },
    name: { type: String, default: null },
    mobile: { type: String, default: null },
    openid: { type: String, default: null },
    referralCode: { type: String, required: true },
    signedUpAt: { type: Date, required: true },
    homeStoreId: { type: String, required: true },
    birthday: {
      type: new Schema({ month: Number, day: Number, year: { type: Number, default: null } }, { _id: false }),
      default: null,
    },
    vehicles: { type: [vehicleSchema], default: [] },
    consents: { type: [consentSchema], default: [] },
    marketingConsent: { type: Boolean, default: false },
    marketingOptOut: { type: Boolean, default: false },
    tags: { type: [String], default: [] },
    tier: {
      type: new Schema(
        {
          tierCode: { type: String, required: true },
          yearStart: { type: String, required: true },
          qualifyingPoints: { type: Number, required: true },
          freeMaintenanceAllowance: { type: Number, required: true },
          freeMaintenanceUsed: { type: Number, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    account: {
      type: new Schema(
        {
          lots: { type: [lotSchema], default: [] },
          debt: { type: Number, default: 0 },
          pending: { type: [pendingSchema], default: [] },
        },
        { _id: false },
      ),
      required: true,
    },
    firstTransactionAt: { type: Date, default: null },
    lastVisitAt: { type: Date, default: null },
    referredBy: {
      type: new Schema({ memberId: String, referralId: String }, { _id: false }),
      default: null,
    },
    nextAccountEventAt: { type: Date, default: null },
    tierReviewAt: { type: Date, required: true },
    redemptionCounts: { type: Schema.Types.Mixed, default: {} },
    rev: { type: Number, required: true, default: 0 },
    recentOps: { type: [String], default: [] },
    outbox: { type: [new Schema(ledgerEntryFields, { _id: false })], default: [] },
    erasedAt: { type: Date, default: null },
    bindings: { type: [bindingSchema], default: undefined },
  },
  { collection: 'members', timestamps: true, versionKey: false, minimize: false },
);

// Unique identities; erased members drop mobile and openid, hence partial indexes on strings.
memberSchema.index({ mobile: 1 }, { unique: true, partialFilterExpression: { mobile: { $type: 'string' } } });
memberSchema.index({ openid: 1 }, { unique: true, partialFilterExpression: { openid: { $type: 'string' } } });
memberSchema.index({ referralCode: 1 }, { unique: true });
// Staff look members up by plate at the counter, and by name (a part of it: the keys are scanned,
// not the documents) when picking campaign test recipients.
memberSchema.index({ 'vehicles.plate': 1 });
memberSchema.index({ name: 1 });
// Nightly scans read only the members due (RULES.md §3).
memberSchema.index({ nextAccountEventAt: 1 });
memberSchema.index({ tierReviewAt: 1 });
// Daily care scans (RULES.md §7) read only the members due that day.
memberSchema.index({ 'birthday.month': 1, 'birthday.day': 1 });
memberSchema.index({ 'vehicles.insuranceEndsOn': 1 });
memberSchema.index({ 'vehicles.inspectionDueOn': 1 });
memberSchema.index({ 'vehicles.maintenanceDueOn': 1 });
memberSchema.index({ 'account.lots.expiresAt': 1 });
memberSchema.index({ lastVisitAt: 1 });
// Staff reports: members per tier, sign-ups per week.
memberSchema.index({ status: 1, 'tier.tierCode': 1 });
memberSchema.index({ signedUpAt: 1 });
// An old WeChat account writing again after its membership moved to another one.
memberSchema.index({ 'bindings.oldOpenidHash': 1 }, { sparse: true });
// Crash recovery: members whose ledger entries were not yet copied out.
memberSchema.index({ 'outbox.entryId': 1 }, { sparse: true });

export type MemberModel = Model<MemberRecord>;

export function memberModel(connection: Connection): MemberModel {
  return (
    (connection.models.Member as MemberModel | undefined) ??
    connection.model<MemberRecord>('Member', memberSchema)
  );
}
