import type { CampaignCounters, CampaignRecord } from '../data/models/campaign-model';
import type { MemberRecord } from '../data/models/member-model';
import {
  audienceProjection,
  audienceQuery,
  inPointsRange,
  isCampaignRecipient,
} from '../delivery/campaign-audience';
import type { CampaignInput } from '../delivery/campaign-input';
import { type CampaignTemplate, campaignTemplates } from '../delivery/campaign-templates';
import { fillCampaignValues } from '../delivery/render-message';
import { newId } from '../lib/new-id';
import type { CampaignWindow } from '../rules/active-promotion';
import { campaignLiability } from '../rules/campaign-liability';
import { availableBalance } from '../rules/points-account';
import { CampaignFanOut } from './campaigns/campaign-fan-out';
import { renderFor } from './campaigns/campaign-message';
import { CampaignProgress } from './campaigns/campaign-progress';
import { sendCampaignTest } from './campaigns/campaign-test-send';
import type {
  CampaignAudience,
  CampaignFailure,
  CampaignJobs,
  CampaignPageListener,
  CampaignPreview,
  CampaignStatus,
  CampaignView,
  FanOutPacing,
  FanOutResult,
  TestSendReport,
} from './campaigns/campaign-types';
import type { DeliveryService } from './delivery-service';
import type { ServiceContext } from './service-context';

export type {
  CampaignFailure,
  CampaignJobs,
  CampaignPageListener,
  CampaignPreview,
  CampaignStatus,
  CampaignView,
  FanOutPacing,
  FanOutResult,
  LiveCounts,
  TestSendReport,
} from './campaigns/campaign-types';

const PAGE_SIZE = 1_000;
const SAMPLE_SIZE = 5;
/** The promotion-window provider re-reads campaigns at most this often. */
const WINDOW_CACHE_MS = 30_000;
/** Windows that ended this long ago still apply to transactions reported late. */
const WINDOW_LOOKBACK_MS = 30 * 86_400_000;
/** The window estimate's reference period: points earned over the last 30 days. */
const REFERENCE_DAYS = 30;

const DEFAULT_PACING: FanOutPacing = { backlog: 5_000, maxWaitMs: 60_000, pollMs: 200 };

/**
 * Marketing campaigns (RULES.md §8): create, preview, test send (`campaigns/campaign-test-send`),
 * schedule, pause/resume/cancel, and the fan-out job (`campaigns/campaign-fan-out`), which hands
 * each member of the audience to delivery once, a recipient's message carrying the bonus (credited
 * when it goes out). Live counts come from the campaign's delivery records, and a campaign is
 * `completed` only once all its messages are settled (`campaigns/campaign-progress`). Campaigns
 * with a promotion window feed `windows()`, which the rules engine reads when points are earned.
 */
export class CampaignService {
  private jobs: CampaignJobs | null = null;
  private windowCache: { at: number; windows: CampaignWindow[] } | null = null;
  private readonly progress: CampaignProgress;
  private readonly fanOuts: CampaignFanOut;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: DeliveryService,
    private readonly pageSize = PAGE_SIZE,
    pacing: FanOutPacing = DEFAULT_PACING,
  ) {
    this.progress = new CampaignProgress(ctx);
    this.fanOuts = new CampaignFanOut(
      ctx,
      delivery,
      this.progress,
      () => this.requireJobs(),
      () => {
        this.windowCache = null;
      },
      pageSize,
      pacing,
    );
  }

  /**
   * The process is stopping: a fan-out waiting for delivery throws, so its job goes back to the
   * queue for another attempt (from the recorded position) instead of holding the shutdown.
   */
  stop(): void {
    this.fanOuts.stopping = true;
  }

  /** The `campaigns` queue producer; set at start-up. */
  connect(parts: { jobs: CampaignJobs }): void {
    this.jobs = parts.jobs;
  }

  onPage(listener: CampaignPageListener): void {
    this.fanOuts.pageListeners.push(listener);
  }

  /** Called once when a fan-out has handed over the whole audience (the mass-send batcher). */
  onFannedOut(listener: (campaignId: string) => Promise<void>): void {
    this.fanOuts.fannedOutListeners.push(listener);
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
      counters: { targeted: 0, queued: 0, bonusOffered: 0 },
      testSends: 0,
      createdBy,
      startedAt: null,
      fannedOutAt: null,
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
        samples.push({ memberId: member._id, text: renderFor(text, member, now, program) });
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

  /** The campaign's message now to these members, with each one's real outcome. */
  testSend(
    id: string,
    targets: { memberIds: string[]; openids: string[] },
  ): Promise<({ ok: true } & TestSendReport) | CampaignFailure> {
    return sendCampaignTest(this.ctx, this.delivery, id, targets);
  }

  /** The fan-out job (see `CampaignFanOut.run`). */
  fanOut(id: string): Promise<FanOutResult> {
    return this.fanOuts.run(id);
  }

  /**
   * The recovery sweep: fan-outs that lost their job get it again, and running campaigns whose
   * messages have all settled are completed.
   */
  async recoverStuck(): Promise<number> {
    const completed = await this.progress.settleRunning();
    if (!this.jobs) return completed;
    return completed + (await this.fanOuts.recoverStuck());
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

  /** The campaign with its live counts; completed here when its messages have just settled. */
  private async view(record: CampaignRecord): Promise<CampaignView> {
    const counts = await this.progress.counts(record);
    const current = await this.progress.completeIfSettled(record, counts);
    return { ...summary(current), counts };
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
    fannedOutAt: record.fannedOutAt ?? null,
    completedAt: record.completedAt,
  };
}
