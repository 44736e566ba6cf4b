import type { CampaignRecord } from '../../data/models/campaign-model';
import type { MemberRecord } from '../../data/models/member-model';
import {
  audienceProjection,
  audienceQuery,
  inPointsRange,
  isCampaignRecipient,
} from '../../delivery/campaign-audience';
import { availableBalance } from '../../rules/points-account';
import type { DeliveryService } from '../delivery-service';
import type { ServiceContext } from '../service-context';
import { bonusOpKey, campaignRequest } from './campaign-message';
import type { CampaignProgress } from './campaign-progress';
import type {
  AudienceStream,
  CampaignJobs,
  CampaignPageListener,
  FanOutPacing,
  FanOutResult,
} from './campaign-types';

/** A running fan-out without progress for this long has lost its job. */
const STALLED_MS = 10 * 60_000;

/**
 * The fan-out job: streams the audience from a cursor sorted by `_id` in pages and hands each
 * member to delivery under `campaign:<id>:<member>` (exactly-once by the delivery record's unique
 * key); a recipient's message carries the bonus, credited when it goes out (`DeliveryBonus`). The
 * position and the page's counts are written together after each page (guarded by the previous
 * position), so a crash resumes after the last written page and a repeated page changes nothing.
 * After the last page the campaign records `fannedOutAt` and stays `running` until its messages
 * settle (`CampaignProgress`).
 */
export class CampaignFanOut {
  readonly pageListeners: CampaignPageListener[] = [];
  readonly fannedOutListeners: ((campaignId: string) => Promise<void>)[] = [];
  /** Set when the process stops: a fan-out waiting for delivery ends its attempt. */
  stopping = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: DeliveryService,
    private readonly progress: CampaignProgress,
    private readonly jobs: () => CampaignJobs,
    /** The campaign started: promotion windows change (the service's cache). */
    private readonly onStarted: () => void,
    private readonly pageSize: number,
    private readonly pacing: FanOutPacing,
  ) {}

  /**
   * Starts a due scheduled campaign, then hands the audience over page by page from the recorded
   * position, re-reading the status before each page (pause, cancel), and records the end after
   * the last page. Safe to run twice or concurrently: every effect is keyed.
   */
  async run(id: string): Promise<FanOutResult> {
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
        if (moved.modifiedCount === 1) await this.jobs().add(id, round, this.delayUntil(campaign.startAt));
        return { status: 'not_due', startAt: campaign.startAt.toISOString() };
      }
      await campaigns.updateOne(
        { _id: id, status: 'scheduled' },
        { $set: { status: 'running', startedAt: now, updatedAt: now } },
      );
      this.onStarted();
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
        if (!last) return { status: await this.finishFanOut(campaign, now), pages };
        const counts = await this.handOver(campaign, members, now);
        paced = false;
        const moved = await campaigns.updateOne(
          { _id: id, cursor: position },
          {
            $set: { cursor: last._id, updatedAt: now },
            $inc: {
              'counters.targeted': counts.targeted,
              'counters.queued': counts.queued,
              'counters.bonusOffered': counts.bonusOffered,
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
   * Crash recovery: a running campaign still fanning out without progress for 10 minutes (its job
   * failed for good, or Redis lost it), or a scheduled one well past its start, gets the next
   * round's job. A second runner is harmless: pages are keyed and positions guarded.
   */
  async recoverStuck(): Promise<number> {
    const now = this.ctx.clock();
    const idleSince = new Date(now.getTime() - STALLED_MS);
    const stuck = await this.ctx.db.campaigns
      .find(
        {
          $or: [
            { status: 'running', fannedOutAt: null, updatedAt: { $lt: idleSince } },
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
        await this.jobs().add(campaign._id, round, 0);
        recovered++;
      }
    }
    return recovered;
  }

  /**
   * The whole audience is handed over: `fannedOutAt` once (its listeners then: the mass-send
   * batcher), and completion when everything already settled (all skipped, say).
   */
  private async finishFanOut(campaign: CampaignRecord, now: Date) {
    const marked = await this.ctx.db.campaigns.updateOne(
      { _id: campaign._id, status: 'running', fannedOutAt: null },
      { $set: { fannedOutAt: now, updatedAt: now } },
    );
    if (marked.modifiedCount === 1) {
      for (const listener of this.fannedOutListeners) await listener(campaign._id);
    }
    const current = await this.ctx.db.campaigns.findById(campaign._id).lean<CampaignRecord>();
    if (!current) return 'cancelled' as const;
    const settled = await this.progress.completeIfSettled(current, await this.progress.counts(current));
    return settled.status;
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
   * One page: the balance range checked on each member, then every message of the page recorded
   * and queued in bulk (`DeliveryService.enqueueMany`), a recipient's carrying the bonus.
   */
  private async handOver(
    campaign: CampaignRecord,
    members: MemberRecord[],
    now: Date,
  ): Promise<{ targeted: number; queued: number; bonusOffered: number }> {
    const targeted = members.filter((member) => {
      // The balance before this campaign's own bonus (a re-run of the page after some messages
      // went out and brought it), so every run of a page selects the same members.
      const own = member.recentOps?.includes(bonusOpKey(campaign._id, member._id)) ? campaign.bonusPoints : 0;
      return inPointsRange(campaign.audience, availableBalance(member.account, now) - own);
    });
    const keys = targeted.map((member) => `campaign:${campaign._id}:${member._id}`);
    const bonus = targeted.map((member) => campaign.bonusPoints > 0 && isCampaignRecipient(member));
    const outcomes = await this.delivery.enqueueMany(
      targeted.map((member, i) =>
        campaignRequest(campaign, member, keys[i]!, now, { bonus: bonus[i]!, test: false }),
      ),
    );
    let queued = 0;
    let bonusOffered = 0;
    outcomes.forEach((outcome, i) => {
      // A record found from an earlier run counts too: every run of a page counts the same.
      if (outcome.ok) {
        queued++;
        if (bonus[i]) bonusOffered++;
      } else
        this.ctx.logger.error(
          { key: keys[i], issues: outcome.issues },
          'campaign message rejected by delivery',
        );
    });
    return { targeted: targeted.length, queued, bonusOffered };
  }

  private delayUntil(at: Date): number {
    return Math.max(0, at.getTime() - this.ctx.clock().getTime());
  }
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
