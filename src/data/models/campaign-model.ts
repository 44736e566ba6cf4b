import { type Connection, type Model, Schema } from 'mongoose';
import type { CampaignAudience } from '../../delivery/campaign-audience';

export type { CampaignAudience };

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface CampaignWindowRecord {
  startsAt: Date;
  endsAt: Date;
  multiplierMilli: number;
}

export interface CampaignCounters {
  /** Members of the audience the fan-out has visited (balance range applied). */
  targeted: number;
  /** Delivery records created (a re-run finds them and adds nothing). */
  queued: number;
  /**
   * Recipients whose message carries the bonus (credited when it goes out, withheld when it does
   * not: the live counts say which).
   */
  bonusOffered: number;
}

/**
 * One marketing campaign. The fan-out walks the audience by `_id` in pages and records its
 * position (`cursor`, the last member id handed over) with each page's counts in one conditional
 * update, so a crashed or paused fan-out resumes after the last completed page and counts nothing
 * twice. `round` numbers the fan-out jobs (a resume adds the next round).
 */
export interface CampaignRecord {
  _id: string;
  name: string;
  audience: CampaignAudience;
  text: string;
  genericText: string | null;
  bonusPoints: number;
  window: CampaignWindowRecord | null;
  startAt: Date;
  status: CampaignStatus;
  cursor: string | null;
  round: number;
  counters: CampaignCounters;
  /** Test sends so far (numbers the test delivery keys). */
  testSends: number;
  createdBy: string | null;
  startedAt: Date | null;
  /**
   * When the fan-out had handed the whole audience to delivery. The campaign stays `running` until
   * every delivery has a final outcome (`completed` then, with `completedAt`); absent on older records.
   */
  fannedOutAt?: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const audienceSchema = new Schema(
  {
    tiers: { type: [String], default: null },
    tags: { type: [String], default: null },
    birthdayMonth: { type: Number, default: null },
    lastVisitBefore: { type: Date, default: null },
    lastVisitAfter: { type: Date, default: null },
    vehicleModel: { type: String, default: null },
    minPoints: { type: Number, default: null },
    maxPoints: { type: Number, default: null },
    signedUpAfter: { type: Date, default: null },
    signedUpBefore: { type: Date, default: null },
  },
  { _id: false },
);

const campaignSchema = new Schema<CampaignRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    audience: { type: audienceSchema, required: true },
    text: { type: String, required: true },
    genericText: { type: String, default: null },
    bonusPoints: { type: Number, required: true, default: 0 },
    window: {
      type: new Schema(
        {
          startsAt: { type: Date, required: true },
          endsAt: { type: Date, required: true },
          multiplierMilli: { type: Number, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    startAt: { type: Date, required: true },
    status: {
      type: String,
      enum: ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'],
      required: true,
    },
    cursor: { type: String, default: null },
    round: { type: Number, required: true, default: 0 },
    counters: {
      type: new Schema(
        {
          targeted: { type: Number, default: 0 },
          queued: { type: Number, default: 0 },
          bonusOffered: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      default: () => ({ targeted: 0, queued: 0, bonusOffered: 0 }),
    },
    testSends: { type: Number, required: true, default: 0 },
    createdBy: { type: String, default: null },
    startedAt: { type: Date, default: null },
    fannedOutAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    // From the service's clock, so tests and the fan-out agree on time.
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'campaigns', versionKey: false, minimize: false },
);

// The staff list (newest first) and the promotion-window provider (windows not yet over).
campaignSchema.index({ createdAt: -1 });
campaignSchema.index({ 'window.endsAt': 1 }, { sparse: true });
// The recovery sweep completes running campaigns whose fan-out is done once their deliveries settle.
campaignSchema.index({ status: 1, fannedOutAt: 1 });

export type CampaignModel = Model<CampaignRecord>;

export function campaignModel(connection: Connection): CampaignModel {
  return (
    (connection.models.Campaign as CampaignModel | undefined) ??
    connection.model<CampaignRecord>('Campaign', campaignSchema)
  );
}
