import type { CampaignAudience, CampaignStatus } from '../../data/models/campaign-model';
import type { MemberRecord } from '../../data/models/member-model';
import type { TestSendResult } from '../../delivery/test-send-outcome';
import type { CampaignLiability } from '../../rules/campaign-liability';

export type { CampaignAudience, CampaignStatus, TestSendResult };

/** The fan-out's cursor over the audience (a mongoose query cursor of lean members). */
export interface AudienceStream {
  next(): Promise<MemberRecord | null>;
  close(): Promise<unknown>;
}

/** Adds the fan-out job of a campaign round after `delayMs`; idempotent per campaign and round. */
export interface CampaignJobs {
  add(campaignId: string, round: number, delayMs: number): Promise<void>;
}

export interface LiveCounts {
  targeted: number;
  /** Delivery records created for the campaign. */
  queued: number;
  /** Waiting in delivery (queued, sending, deferred, held for the member's next message). */
  inProgress: number;
  /** Of them, deferred (quiet hours, the day's cap) until `deferredUntil` at the latest. */
  deferred: number;
  deferredUntil: Date | null;
  /** Of them, held until the member writes again (WeChat's 5 customer-service messages used up). */
  held: number;
  sent: number;
  /** Handed to the mass-send batcher (marketing outside the 48-hour window). */
  massPending: number;
  skipped: Record<string, number>;
  failed: number;
  /** Recipients credited the bonus with their message. */
  bonusCredited: number;
  /** Recipients whose message finally did not go out: no bonus (their skip or failure says why). */
  bonusWithheld: number;
  /** Bonuses of messages with an outcome, being credited or withheld right now (keeps it 发送中). */
  bonusPending: number;
}

export interface CampaignView {
  id: string;
  name: string;
  status: CampaignStatus;
  audience: CampaignAudience;
  text: string;
  genericText: string | null;
  bonusPoints: number;
  window: { startsAt: Date; endsAt: Date; multiplierMilli: number } | null;
  startAt: Date;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  /** The whole audience handed to delivery; `completedAt` follows when every message is settled. */
  fannedOutAt: Date | null;
  completedAt: Date | null;
  counts: LiveCounts;
}

export interface CampaignPreview {
  /** Active members matching the filter (balance range included). */
  audienceSize: number;
  /** Of them, members who may receive marketing (consent, not opted out): they get the bonus. */
  recipients: number;
  samples: { memberId: string; text: string }[];
  liability: CampaignLiability & { referenceDays: number };
}

export type CampaignFailure =
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid_state'; status: CampaignStatus }
  | { ok: false; reason: 'unknown_tier'; tiers: string[] };

export type FanOutResult =
  | { status: 'not_found' }
  | { status: 'not_due'; startAt: string }
  | { status: CampaignStatus; pages: number };

/** Observes each page handed over (metrics, and tests that interrupt a fan-out between pages). */
export type CampaignPageListener = (page: {
  campaignId: string;
  number: number;
  targeted: number;
  queued: number;
  /** Recipients whose message carries the bonus. */
  bonusOffered: number;
}) => void | Promise<void>;

/**
 * How far a fan-out may run ahead of delivery: before a page it waits while more than `backlog`
 * messages wait for a delivery worker, for at most `maxWaitMs` a page (so a page is always
 * written well within the stall limit, and a stuck delivery queue slows a campaign, never stops
 * it). Pacing keeps Redis and the workers' memory flat for a campaign of any size and lets care
 * messages and conversations' deliveries in between instead of behind the whole audience.
 */
export interface FanOutPacing {
  backlog: number;
  maxWaitMs: number;
  pollMs: number;
}

/** What a test send did: each recipient's real outcome, and the targets no member matched. */
export interface TestSendReport {
  results: TestSendResult[];
  notFound: string[];
}
