import type {
  CampaignAudience,
  CampaignCounters,
  CampaignRecord,
  CampaignStatus,
} from '../data/models/campaign-model';
import type { MemberRecord } from '../data/models/member-model';
import {
  audienceProjection,
  audienceQuery,
  inPointsRange,
  isCampaignRecipient,
} from '../delivery/campaign-audience';
import type { CampaignInput } from '../delivery/campaign-input';
import { type CampaignTemplate, campaignTemplates } from '../delivery/campaign-templates';
import { fillCampaignValues, placeholdersIn, renderMessage } from '../delivery/render-message';
import { newId } from '../lib/new-id';
import type { CampaignWindow } from '../rules/active-promotion';
import { type CampaignLiability, campaignLiability } from '../rules/campaign-liability';
import { creditPoints } from '../rules/credit-points';
import { lotExpiresAt } from '../rules/lot-expiry';
import { availableBalance, expiringWithin } from '../rules/points-account';
import { applyAccountChanges } from './apply-account-change';
import type { DeliveryService } from './delivery-service';
import type { ServiceContext } from './service-context';

export type { CampaignStatus };

/** The fan-out's cursor over the audience (a mongoose query cursor of lean members). */
interface AudienceStream {
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
  /** Waiting in delivery (queued, sending, deferred to 09:00, held for the member's next message). */
  inProgress: number;
  sent: number;
  /** Handed to the mass-send batcher (marketing outside the 48-hour window). */
  massPending: number;
  skipped: Record<string, number>;
  failed: number;
  bonusCredited: number;
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
  bonusCredited: number;
}) => void | Promise<void>;

const PAGE_SIZE = 1_000;
const SAMPLE_SIZE = 5;
/** The promotion-window provider re-reads campaigns at most this often. */
const WINDOW_CACHE_MS = 30_000;
/** Windows that ended this long ago still apply to transactions reported late. */
const WINDOW_LOOKBACK_MS = 30 * 86_400_000;
/** The window estimate's reference period: points earned over the last 30 days. */
const REFERENCE_DAYS = 30;
/** A running fan-out without progress for this long has lost its job. */
const STALLED_MS = 10 * 60_000;

/**
 * How far a fan-out may run ahead of delivery: before a page it waits while more than `backlog`
 * messages wait for a delivery worker, for at most `maxWaitMs` a page (so a page is always
 * written well within STALLED_MS, and a stuck delivery queue slows a campaign, never stops it).
 * Pacing keeps Redis and the workers' memory flat for a campaign of any size and lets care
 * messages and conversations' deliveries in between instead of behind the whole audience.
 */
export interface FanOutPacing {
  backlog: number;
  maxWaitMs: number;
  pollMs: number;
}

const DEFAULT_PACING: FanOutPacing = { backlog: 5_000, maxWaitMs: 60_000, pollMs: 200 };

/**
 * Marketing campaigns (RULES.md §8): create, preview, test send, schedule, pause/resume/cancel,
 * and the fan-out job, which streams the audience from a cursor sorted by `_id` in pages and hands
 * each member to delivery under `campaign:<id>:<member>` (exactly-once by the delivery record's
 * unique key) after crediting the bonus once (`campaign-bonus:<id>:<member>`, an opKey of
 * `MemberStore.apply`). The position and the page's counts are written together after each page
 * (guarded by the previous position), so a crash resumes after the last written page and a
 * repeated page changes nothing. Live counts are read from the campaign's delivery records (a
 * key range on the `_id` index). Campaigns with a promotion window feed `windows()`, which the
 * rules engine reads when points are earned.
 */
export class CampaignService {
  private jobs: CampaignJobs | null = null;
  private readonly pageListeners: CampaignPageListener[] = [];
  private readonly completedListeners: ((campaignId: string) => Promise<void>)[] = [];
  private windowCache: { at: number; windows: CampaignWindow[] } | null = null;
  /** Set when the process stops: a fan-out waiting for delivery ends its attempt. */
  private stopping = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: DeliveryService,
    private readonly pageSize = PAGE_SIZE,
    private readonly pacing: FanOutPacing = DEFAULT_PACING,
  ) {}

  /**
   * The process is stopping: a fan-out waiting for delivery throws, so its job goes back to the
   * queue for another attempt (from the recorded position) instead of holding the shutdown.
   */
  stop(): void {
    this.stopping = true;
  }

  /** The `campaigns` queue producer; set at start-up. */
  connect(parts: { jobs: CampaignJobs }): void {
    this.jobs = parts.jobs;
  }

  onPage(listener: CampaignPageListener): void {
    this.pageListeners.push(listener);
  }

  /** Called once when a fan-out has handed over the whole audience (the mass-send batcher). */
  onCompleted(listener: (campaignId: string) => Promise<void>): void {
    this.completedListeners.push(listener);
  }

  templates(): readonly CampaignTemplate[] {
    return campaignTemplates;
  }

  async create(
    input: CampaignInput,
    createdBy: string | null,
  ): Promise<{ ok: true; campaign: CampaignView } | CampaignFailure> {
    const unknown = this.unknownTiers(input.audience);
    if (unknown) return unknown;
    const now = this.ctx.clock();
    const record: CampaignRecord = {
      _id: newId(),
      name: input.name,
      audience: input.audience,
      text: input.text,
      genericText: input.genericText,
      bonusPoints: input.bonusPoints,
      window: input.window,
      startAt: input.startAt,
      status: 'draft',
      cursor: null,
      round: 0,
      counters: { targeted: 0, queued: 0, bonusCredited: 0 },
      testSends: 0,
      createdBy,
      startedAt: null,
      completedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.ctx.db.campaigns.create(record);
    return { ok: true, campaign: await this.view(record) };
  }

  /**
   * Audience size, recipients, five messages rendered for real recipients, and the liability.
   * Streams the audience (flat memory); nothing is written.
   */
  async preview(input: CampaignInput): Promise<{ ok: true; preview: CampaignPreview } | CampaignFailure> {
    const unknown = this.unknownTiers(input.audience);
    if (unknown) return unknown;
    const now = this.ctx.clock();
    const program = this.ctx.program.current();
    let audienceSize = 0;
    let recipients = 0;
    const samples: CampaignPreview['samples'] = [];
    const cursor = this.ctx.db.members
      .find(audienceQuery(input.audience), audienceProjection)
      .sort({ _id: 1 })
      .lean<MemberRecord>()
      .cursor({ batchSize: this.pageSize });
    for await (const member of cursor) {
      const balance = availableBalance(member.account, now);
      if (!inPointsRange(input.audience, balance)) continue;
      audienceSize++;
      if (!isCampaignRecipient(member)) continue;
      recipients++;
      if (samples.length < SAMPLE_SIZE) {
        const text = fillCampaignValues(input.text, input);
        samples.push({ memberId: member._id, text: this.render(text, member, now) });
      }
    }
    let window = null;
    if (input.window) {
      const referencePeriodMs = REFERENCE_DAYS * 86_400_000;
      const earned = await this.ctx.db.ledger.aggregate<{ points: number }>([
        { $match: { type: 'earn', at: { $gt: new Date(now.getTime() - referencePeriodMs), $lte: now } } },
        { $group: { _id: null, points: { $sum: '$points' } } },
      ]);
      window = {
        multiplierMilli: input.window.multiplierMilli,
        durationMs: input.window.endsAt.getTime() - input.window.startsAt.getTime(),
        referenceEarnedPoints: earned[0]?.points ?? 0,
        referencePeriodMs,
      };
    }
    const liability = campaignLiability({
      recipients,
      bonusPoints: input.bonusPoints,
      pointsPerYuan: program.redemption.pointsPerYuan,
      window,
    });
    return {
      ok: true,
      preview: {
        audienceSize,
        recipients,
        samples,
        liability: { ...liability, referenceDays: REFERENCE_DAYS },
      },
    };
  }

  async get(id: string): Promise<CampaignView | null> {
    const record = await this.ctx.db.campaigns.findById(id).lean<CampaignRecord>();
    return record ? this.view(record) : null;
  }

  /** Newest first, with the fan-out's counters (live delivery counts are on `get`). */
  async list(options: {
    status?: CampaignStatus;
    limit: number;
  }): Promise<(Omit<CampaignView, 'counts'> & { counters: CampaignCounters })[]> {
    const records = await this.ctx.db.campaigns
      .find(options.status ? { status: options.status } : {})
      .sort({ createdAt: -1 })
      .limit(options.limit)
      .lean<CampaignRecord[]>();
    return records.map((r) => ({ ...summary(r), counters: r.counters }));
  }

  /** draft → scheduled, and the fan-out job at the start time (at once when it is past). */
  async schedule(id: string): Promise<{ ok: true; campaign: CampaignView } | CampaignFailure> {
    const moved = await this.transition(id, ['draft'], { status: 'scheduled' });
    if (!moved.ok) return moved;
    const record = moved.record;
    await this.requireJobs().add(id, record.round, this.delayUntil(record.startAt));
    return { ok: true, campaign: await this.view(record) };
  }

  /** scheduled | running → paused: the fan-out stops before its next page. */
  async pause(id: string): Promise<{ ok: true; campaign: CampaignView } | CampaignFailure> {
    const moved = await this.transition(id, ['scheduled', 'running'], { status: 'paused' });
    return moved.ok ? { ok: true, campaign: await this.view(moved.record) } : moved;
  }

  /** paused → running (or scheduled when it never started), with a fan-out job for the next round. */
  async resume(id: string): Promise<{ ok: true; campaign: CampaignView } | CampaignFailure> {
    const current = await this.ctx.db.campaigns.findById(id, { startedAt: 1 }).lean<CampaignRecord>();
    if (!current) return { ok: false, reason: 'not_found' };
    const moved = await this.transition(id, ['paused'], {
      status: current.startedAt ? 'running' : 'scheduled',
      bumpRound: true,
    });
    if (!moved.ok) return moved;
    // A campaign that had started continues at once; one paused before its start waits for it.
    const delayMs = current.startedAt ? 0 : this.delayUntil(moved.record.startAt);
    await this.requireJobs().add(id, moved.record.round, delayMs);
    return { ok: true, campaign: await this.view(moved.record) };
  }

  /** Anything not finished → cancelled: no more pages, and its promotion window no longer applies. */
  async cancel(id: string): Promise<{ ok: true; campaign: CampaignView } | CampaignFailure> {
    const moved = await this.transition(id, ['draft', 'scheduled', 'running', 'paused'], {
      status: 'cancelled',
    });
    return moved.ok ? { ok: true, campaign: await this.view(moved.record) } : moved;
  }

  /**
   * Sends the campaign's message now to the given members (staff who are members, found by id or
   * openid), each under a new key `campaign-test:<id>:<member>:<n>`, through the same delivery
   * policy as the real thing (so a member without marketing consent is skipped, as they would be).
   */
  async testSend(
    id: string,
    targets: { memberIds: string[]; openids: string[] },
  ): Promise<
    | { ok: true; sent: { memberId: string; key: string; status: string }[]; notFound: string[] }
    | CampaignFailure
  > {
    const found = await this.ctx.db.members
      .find(
        {
          status: 'active',
          $or: [{ _id: { $in: targets.memberIds } }, { openid: { $in: targets.openids } }],
        },
        { ...audienceProjection, openid: 1 },
      )
      .lean<MemberRecord[]>();
    const campaign = await this.ctx.db.campaigns
      .findOneAndUpdate(
        { _id: id, status: { $ne: 'cancelled' } },
        { $inc: { testSends: 1 }, $set: { updatedAt: this.ctx.clock() } },
        { returnDocument: 'after' },
      )
      .lean<CampaignRecord>();
    if (!campaign) return this.failureFor(id, []);
    const known = new Set(found.flatMap((m) => [m._id, m.openid ?? '']));
    const notFound = [...targets.memberIds, ...targets.openids].filter((t) => !known.has(t));
    const now = this.ctx.clock();
    const sent = [];
    for (const member of found) {
      const key = `campaign-test:${id}:${member._id}:${campaign.testSends}`;
      const outcome = await this.delivery.enqueue(this.request(campaign, member, key, now));
      sent.push({ memberId: member._id, key, status: outcome.ok ? outcome.status : outcome.reason });
    }
    return { ok: true, sent, notFound };
  }

  /**
   * The fan-out job: starts a due scheduled campaign, then hands the audience over page by page
   * from the recorded position, re-reading the status before each page (pause, cancel), and
   * completes it after the last page. Safe to run twice or concurrently: every effect is keyed.
   */
  async fanOut(id: string): Promise<FanOutResult> {
    const campaigns = this.ctx.db.campaigns;
    let campaign = await campaigns.findById(id).lean<CampaignRecord>();
    if (!campaign) return { status: 'not_found' };
    if (campaign.status === 'scheduled') {
      const now = this.ctx.clock();
      if (now.getTime() < campaign.startAt.getTime()) {
        // The job ran early (promoted, or clocks apart): wait again for the rest of the delay.
        const round = campaign.round + 1;
        const moved = await campaigns.updateOne(
          { _id: id, status: 'scheduled', round: campaign.round },
          { $set: { round, updatedAt: now } },
        );
        if (moved.modifiedCount === 1)
          await this.requireJobs().add(id, round, this.delayUntil(campaign.startAt));
        return { status: 'not_due', startAt: campaign.startAt.toISOString() };
      }
      await campaigns.updateOne(
        { _id: id, status: 'scheduled' },
        { $set: { status: 'running', startedAt: now, updatedAt: now } },
      );
      this.windowCache = null;
    }
    const query = audienceQuery(campaign.audience);
    let pages = 0;
    // One cursor streams the audience from the recorded position (one query, not one per page);
    // it is opened again from the recorded position when a concurrent run moved it.
    let stream: AudienceStream | null = null;
    let position: string | null = null;
    let paced = false;
    try {
      for (;;) {
        // Between pages: a pause or cancel stops here; a concurrent run may have moved the position.
        campaign = await campaigns.findById(id).lean<CampaignRecord>();
        if (campaign?.status !== 'running') return { status: campaign?.status ?? 'cancelled', pages };
        // Once per page (after the first): delivery catches up; then the campaign is read again.
        if (pages > 0 && !paced) {
          paced = true;
          if (await this.waitForDelivery()) continue;
        }
        if (stream === null || campaign.cursor !== position) {
          await stream?.close();
          position = campaign.cursor;
          stream = this.ctx.db.members
            .find(position === null ? query : { ...query, _id: { $gt: position } }, audienceProjection)
            .sort({ _id: 1 })
            .lean<MemberRecord>()
            .cursor({ batchSize: this.pageSize });
        }
        const members = await nextPage(stream, this.pageSize);
        const now = this.ctx.clock();
        const last = members.at(-1);
        if (!last) {
          const completed = await campaigns.updateOne(
            { _id: id, status: 'running' },
            { $set: { status: 'completed', completedAt: now, updatedAt: now } },
          );
          if (completed.modifiedCount === 1)
            for (const listener of this.completedListeners) await listener(id);
          return { status: 'completed', pages };
        }
        const counts = await this.handOver(campaign, members, now);
        paced = false;
        const moved = await campaigns.updateOne(
          { _id: id, cursor: position },
          {
            $set: { cursor: last._id, updatedAt: now },
            $inc: {
              'counters.targeted': counts.targeted,
              'counters.queued': counts.queued,
              'counters.bonusCredited': counts.bonusCredited,
            },
          },
        );
        if (moved.modifiedCount === 1) {
          position = last._id;
          pages++;
          for (const listener of this.pageListeners) {
            await listener({ campaignId: id, number: pages, ...counts });
          }
        }
      }
    } finally {
      await stream?.close();
    }
  }

  /**
   * Waits while delivery is more than a backlog behind, up to `maxWaitMs`. True when it waited
   * (the caller re-reads the campaign: it may have been paused or cancelled meanwhile).
   */
  private async waitForDelivery(): Promise<boolean> {
    const { backlog, maxWaitMs, pollMs } = this.pacing;
    const giveUpAt = Date.now() + maxWaitMs;
    let waited = false;
    while ((await this.delivery.backlog()) > backlog && Date.now() < giveUpAt) {
      if (this.stopping) throw new Error('stopping: the fan-out continues in its next attempt');
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return waited;
  }

  /**
   * Crash recovery: a running campaign whose fan-out made no progress for 10 minutes (its job
   * failed for good, or Redis lost it), or a scheduled one well past its start, gets the next
   * round's job. A second runner is harmless: pages are keyed and positions guarded.
   */
  async recoverStuck(): Promise<number> {
    if (!this.jobs) return 0;
    const now = this.ctx.clock();
    const idleSince = new Date(now.getTime() - STALLED_MS);
    const stuck = await this.ctx.db.campaigns
      .find(
        {
          $or: [
            { status: 'running', updatedAt: { $lt: idleSince } },
            { status: 'scheduled', startAt: { $lt: idleSince }, updatedAt: { $lt: idleSince } },
          ],
        },
        { round: 1 },
      )
      .lean<Pick<CampaignRecord, '_id' | 'round'>[]>();
    let recovered = 0;
    for (const campaign of stuck) {
      const round = campaign.round + 1;
      const moved = await this.ctx.db.campaigns.updateOne(
        { _id: campaign._id, round: campaign.round },
        { $set: { round, updatedAt: now } },
      );
      if (moved.modifiedCount === 1) {
        await this.requireJobs().add(campaign._id, round, 0);
        recovered++;
      }
    }
    return recovered;
  }

  /**
   * The promotion windows in force for earning (RULES.md §2: the rules engine takes the highest):
   * campaigns with a window that are scheduled, running, paused or completed (a draft is not
   * announced, a cancelled one is withdrawn), ended at most 30 days ago. Cached briefly.
   */
  async windows(): Promise<CampaignWindow[]> {
    const now = this.ctx.clock().getTime();
    if (this.windowCache && Math.abs(now - this.windowCache.at) < WINDOW_CACHE_MS) {
      return this.windowCache.windows;
    }
    const records = await this.ctx.db.campaigns
      .find(
        {
          'window.endsAt': { $gt: new Date(now - WINDOW_LOOKBACK_MS) },
          status: { $in: ['scheduled', 'running', 'paused', 'completed'] },
        },
        { name: 1, window: 1 },
      )
      .lean<Pick<CampaignRecord, '_id' | 'name' | 'window'>[]>();
    const windows = records.flatMap((r) =>
      r.window
        ? [
            {
              id: r._id,
              name: r.name,
              multiplierMilli: r.window.multiplierMilli,
              startsAt: r.window.startsAt,
              endsAt: r.window.endsAt,
            },
          ]
        : [],
    );
    this.windowCache = { at: now, windows };
    return windows;
  }

  /**
   * One page: the balance range checked on each member, the bonus credited to the recipients in
   * bulk (`applyAccountChanges`: each member once, by its key), then every message of the page
   * recorded and queued in bulk (`DeliveryService.enqueueMany`).
   */
  private async handOver(
    campaign: CampaignRecord,
    members: MemberRecord[],
    now: Date,
  ): Promise<{ targeted: number; queued: number; bonusCredited: number }> {
    const targeted = members.filter((member) => {
      // The balance before this campaign's own bonus, so a re-run of the page selects the same members.
      const own = member.recentOps?.includes(bonusOpKey(campaign._id, member._id)) ? campaign.bonusPoints : 0;
      return inPointsRange(campaign.audience, availableBalance(member.account, now) - own);
    });
    const bonusCredited =
      campaign.bonusPoints > 0 ? await this.creditBonuses(campaign, targeted.filter(isCampaignRecipient)) : 0;
    const keys = targeted.map((member) => `campaign:${campaign._id}:${member._id}`);
    const outcomes = await this.delivery.enqueueMany(
      targeted.map((member, i) => this.request(campaign, member, keys[i]!, now)),
    );
    let queued = 0;
    outcomes.forEach((outcome, i) => {
      // A record found from an earlier run counts too: every run of a page counts the same.
      if (outcome.ok) queued++;
      else
        this.ctx.logger.error(
          { key: keys[i], issues: outcome.issues },
          'campaign message rejected by delivery',
        );
    });
    return { targeted: targeted.length, queued, bonusCredited };
  }

  /** How many of the recipients have the bonus (now or from an earlier run). */
  private async creditBonuses(campaign: CampaignRecord, recipients: MemberRecord[]): Promise<number> {
    if (recipients.length === 0) return 0;
    // Whole documents, read just now: each member's update is guarded by the revision read here.
    const current = await this.ctx.db.members
      .find({ _id: { $in: recipients.map((m) => m._id) } })
      .lean<MemberRecord[]>();
    const outcomes = await applyAccountChanges(
      this.ctx,
      current.map((member) => ({ member, opKey: bonusOpKey(campaign._id, member._id) })),
      null,
      (account, now, program, opKey) =>
        creditPoints(account, {
          entryId: opKey,
          type: 'bonus',
          now,
          points: campaign.bonusPoints,
          earnedAt: now,
          expiresAt: lotExpiresAt(now, program),
          reason: `活动奖励：${campaign.name}`,
          reference: `campaign:${campaign._id}`,
        }),
    );
    return outcomes.filter((o) => o.status === 'applied' || o.status === 'already_applied').length;
  }

  private request(campaign: CampaignRecord, member: MemberRecord, key: string, now: Date) {
    const usesExpiring = [campaign.text, campaign.genericText ?? ''].some((t) =>
      placeholdersIn(t).includes('expiringPoints'),
    );
    return {
      key,
      memberId: member._id,
      category: 'marketing' as const,
      kind: 'campaign',
      text: fillCampaignValues(campaign.text, campaign),
      genericText: campaign.genericText === null ? null : fillCampaignValues(campaign.genericText, campaign),
      values: {
        expiringPoints: usesExpiring ? expiringWithin(member.account, now, 30).points : null,
        date: null,
      },
    };
  }

  private render(text: string, member: MemberRecord, now: Date): string {
    const program = this.ctx.program.current();
    return renderMessage(text, {
      name: member.name,
      tierName: program.tiers.find((t) => t.code === member.tier.tierCode)?.name ?? null,
      points: availableBalance(member.account, now),
      expiringPoints: expiringWithin(member.account, now, 30).points,
      date: null,
    });
  }

  private unknownTiers(audience: CampaignAudience): CampaignFailure | null {
    const codes = new Set(this.ctx.program.current().tiers.map((t) => t.code));
    const unknown = (audience.tiers ?? []).filter((t) => !codes.has(t));
    return unknown.length > 0 ? { ok: false, reason: 'unknown_tier', tiers: unknown } : null;
  }

  /** A conditional status change (`from` → `to`); the window cache follows at once in this process. */
  private async transition(
    id: string,
    from: CampaignStatus[],
    to: { status: CampaignStatus; bumpRound?: boolean },
  ): Promise<{ ok: true; record: CampaignRecord } | CampaignFailure> {
    const record = await this.ctx.db.campaigns
      .findOneAndUpdate(
        { _id: id, status: { $in: from } },
        {
          $set: { status: to.status, updatedAt: this.ctx.clock() },
          ...(to.bumpRound ? { $inc: { round: 1 } } : {}),
        },
        { returnDocument: 'after' },
      )
      .lean<CampaignRecord>();
    if (!record) return this.failureFor(id, from);
    this.windowCache = null;
    return { ok: true, record };
  }

  private async failureFor(id: string, _from: CampaignStatus[]): Promise<CampaignFailure> {
    const current = await this.ctx.db.campaigns.findById(id, { status: 1 }).lean<CampaignRecord>();
    return current
      ? { ok: false, reason: 'invalid_state', status: current.status }
      : { ok: false, reason: 'not_found' };
  }

  private delayUntil(at: Date): number {
    return Math.max(0, at.getTime() - this.ctx.clock().getTime());
  }

  private async view(record: CampaignRecord): Promise<CampaignView> {
    return { ...summary(record), counts: await this.liveCounts(record) };
  }

  /** From the campaign's delivery records: keys `campaign:<id>:…` are one range of `_id`. */
  private async liveCounts(record: CampaignRecord): Promise<LiveCounts> {
    const groups = await this.ctx.db.delivery.deliveries.aggregate<{
      _id: { status: string; reason: string | null };
      n: number;
    }>([
      { $match: { _id: { $gte: `campaign:${record._id}:`, $lt: `campaign:${record._id};` } } },
      { $group: { _id: { status: '$status', reason: '$reason' }, n: { $sum: 1 } } },
    ]);
    const counts: LiveCounts = {
      targeted: record.counters.targeted,
      queued: 0,
      inProgress: 0,
      sent: 0,
      massPending: 0,
      skipped: {},
      failed: 0,
      bonusCredited: record.counters.bonusCredited,
    };
    for (const { _id: group, n } of groups) {
      counts.queued += n;
      if (group.status === 'sent') counts.sent += n;
      else if (group.status === 'mass_pending') counts.massPending += n;
      else if (group.status === 'failed') counts.failed += n;
      else if (group.status === 'skipped') {
        const reason = group.reason ?? 'unknown';
        counts.skipped[reason] = (counts.skipped[reason] ?? 0) + n;
      } else counts.inProgress += n;
    }
    return counts;
  }

  private requireJobs(): CampaignJobs {
    if (!this.jobs) throw new Error('CampaignService has no job queue (connect() was not called)');
    return this.jobs;
  }
}

function summary(record: CampaignRecord): Omit<CampaignView, 'counts'> {
  return {
    id: record._id,
    name: record.name,
    status: record.status,
    audience: record.audience,
    text: record.text,
    genericText: record.genericText,
    bonusPoints: record.bonusPoints,
    window: record.window,
    startAt: record.startAt,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    completedAt: record.completedAt,
  };
}

/** A page of the audience stream: up to `size` members, fewer at its end. */
async function nextPage(stream: AudienceStream, size: number): Promise<MemberRecord[]> {
  const page: MemberRecord[] = [];
  while (page.length < size) {
    const member = await stream.next();
    if (!member) break;
    page.push(member);
  }
  return page;
}

/** The opKey and ledger entry id of a campaign's bonus for one member: credited once, ever. */
function bonusOpKey(campaignId: string, memberId: string): string {
  return `campaign-bonus:${campaignId}:${memberId}`;
}
