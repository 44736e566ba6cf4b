import type { CampaignRecord } from '../../data/models/campaign-model';
import type { ServiceContext } from '../service-context';
import type { LiveCounts } from './campaign-types';

/** Delivery outcomes that are final. */
const FINAL = new Set(['sent', 'skipped', 'failed']);
/** Running campaigns checked for completion per sweep. */
const SETTLE_BATCH = 100;

/**
 * A campaign's progress from its delivery records (keys `campaign:<id>:…` are one range of `_id`),
 * and its completion: a campaign whose fan-out is done stays `running` (发送中) while any of its
 * messages may still go out — queued or being sent, deferred (quiet hours, the day's cap: the
 * counts say how many and until when), or waiting for the mass send — and becomes `completed`
 * once every one has its final outcome (sent, skipped, failed) and the bonus that came with it is
 * credited (or withheld: a mass send WeChat failed is settled by the bonus sweep). A message held for the member's
 * next message (WeChat's 5 customer-service messages used up) does not keep it open: that may
 * never come; such messages are counted apart (`held`).
 */
export class CampaignProgress {
  constructor(private readonly ctx: ServiceContext) {}

  async counts(record: CampaignRecord): Promise<LiveCounts> {
    const groups = await this.ctx.db.delivery.deliveries.aggregate<{
      _id: { status: string; reason: string | null; bonusState: string | null };
      n: number;
      until: Date | null;
    }>([
      { $match: { _id: { $gte: `campaign:${record._id}:`, $lt: `campaign:${record._id};` } } },
      {
        $group: {
          _id: { status: '$status', reason: '$reason', bonusState: '$bonusState' },
          n: { $sum: 1 },
          until: { $max: '$deferredUntil' },
        },
      },
    ]);
    const counts: LiveCounts = {
      targeted: record.counters.targeted,
      queued: 0,
      inProgress: 0,
      deferred: 0,
      deferredUntil: null,
      held: 0,
      sent: 0,
      massPending: 0,
      skipped: {},
      failed: 0,
      bonusCredited: 0,
      bonusWithheld: 0,
      bonusPending: 0,
    };
    for (const { _id: group, n, until } of groups) {
      counts.queued += n;
      if (group.bonusState === 'credited') counts.bonusCredited += n;
      else if (group.bonusState === 'withheld') counts.bonusWithheld += n;
      else if (group.bonusState === 'due' && FINAL.has(group.status)) counts.bonusPending += n;
      if (group.status === 'sent') counts.sent += n;
      else if (group.status === 'mass_pending') counts.massPending += n;
      else if (group.status === 'failed') counts.failed += n;
      else if (group.status === 'skipped') {
        const reason = group.reason ?? 'unknown';
        counts.skipped[reason] = (counts.skipped[reason] ?? 0) + n;
      } else {
        counts.inProgress += n;
        if (group.status === 'held') counts.held += n;
        if (group.status === 'deferred') {
          counts.deferred += n;
          const at = until ? new Date(until) : null;
          if (at && (!counts.deferredUntil || at > counts.deferredUntil)) counts.deferredUntil = at;
        }
      }
    }
    return counts;
  }

  /**
   * Completes the campaign when its fan-out is done and nothing of it can still go out (see the
   * class). Returns the record as it is now.
   */
  async completeIfSettled(record: CampaignRecord, counts: LiveCounts): Promise<CampaignRecord> {
    if (record.status !== 'running' || !record.fannedOutAt || !isSettled(counts)) return record;
    const now = this.ctx.clock();
    const completed = await this.ctx.db.campaigns
      .findOneAndUpdate(
        { _id: record._id, status: 'running' },
        { $set: { status: 'completed', completedAt: now, updatedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<CampaignRecord>();
    return completed ?? record;
  }

  /** The recovery sweep: completes running campaigns whose fan-out is done and messages settled. */
  async settleRunning(): Promise<number> {
    const running = await this.ctx.db.campaigns
      .find({ status: 'running', fannedOutAt: { $ne: null } })
      .sort({ fannedOutAt: 1 })
      .limit(SETTLE_BATCH)
      .lean<CampaignRecord[]>();
    let completed = 0;
    for (const record of running) {
      const after = await this.completeIfSettled(record, await this.counts(record));
      if (after.status === 'completed') completed++;
    }
    return completed;
  }
}

/**
 * Nothing of the campaign can still go out but held messages, and every bonus of a message with
 * an outcome is credited or withheld (see `CampaignProgress`).
 */
export function isSettled(counts: LiveCounts): boolean {
  return counts.inProgress - counts.held === 0 && counts.massPending === 0 && counts.bonusPending === 0;
}
