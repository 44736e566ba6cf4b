import type { Program } from '../config/program-schema';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { DeliveryRecord } from '../data/models/delivery-model';
import type { DeliveryStateRecord } from '../data/models/delivery-state-model';
import type { MassSendBatchRecord, MassSendReport } from '../data/models/mass-send-batch-model';
import type { MemberRecord } from '../data/models/member-model';
import { counterKeys } from '../delivery/delivery-counters';
import {
  massBatchId,
  massEligibility,
  massFailureAction,
  massGroupOf,
  massReportFailedEveryone,
  massSendSettings,
  massSendWaitUntil,
  massSourceOf,
  nextBatchSize,
  SINGLE_WAIT_MS,
  sourceKeyRange,
  sourceOfGroup,
  UNCERTAIN_RETRY_LIMIT_MS,
} from '../delivery/mass-send-plan';
import type { SendFailure } from './delivery-service';
import type { ServiceContext } from './service-context';

/** What the batcher needs from the channel: `OaApi.massSendText`, or the simulator's logger. */
export interface MassSender {
  massSendText(message: {
    openids: readonly string[];
    text: string;
    clientMsgId: string;
  }): Promise<{ ok: true; msgId: string; msgDataId: string | null; duplicate: boolean } | SendFailure>;
}

/** Adds the jobs of the batcher; idempotent per source/batch and round. */
export interface MassSendJobs {
  assemble(source: string, round: number, delayMs: number): Promise<void>;
  send(batchId: string, round: number, delayMs: number): Promise<void>;
  /** Whether the batch's send job of this round still waits (or runs) in the queue. */
  sendQueued(batchId: string, round: number): Promise<boolean>;
}

export type AssembleOutcome =
  | { status: 'waiting'; source: string; inFlight: number; round: number }
  | { status: 'assembled'; source: string; batches: number; skipped: number };

export interface SweepOutcome {
  batches: number;
  skipped: number;
  /** Lone members who waited SINGLE_WAIT_MS for a companion and were skipped (`mass_too_few`). */
  tooFew: number;
  recovered: number;
}

export type BatchOutcome =
  | { status: 'sent'; batchId: string; deliveries: number; msgId: string; duplicate: boolean }
  | { status: 'deferred'; until: string }
  | { status: 'retry'; reason: string; errcode: number | null }
  | { status: 'failed'; reason: string; errcode: number | null; errmsg: string }
  | { status: 'noop'; current: string };

/** Deliveries that reached a final state through the batcher (metrics). */
export type MassSendListener = (event: { outcome: 'sent' | 'skipped' | 'failed'; count: number }) => void;

/** WeChat's MASSSENDJOBFINISH, as the inbound side reports it. */
export interface MassSendFinished {
  msgId: string;
  status: string;
  totalCount: number;
  filterCount: number | null;
  sentCount: number;
  errorCount: number;
}

/** A claim older than this belongs to a worker that died mid-send (BullMQ's lock is 30 s). */
const STALE_CLAIM_MS = 60_000;
/** A batch left `assembling`, `sent`, or a waiting delivery claimed by no batch, for this long: a crash. */
const STALE_STEP_MS = 2 * 60_000;
/** A `ready` batch without progress this long lost its job (the queue may hold many for the limiter). */
const STALE_READY_MS = 30 * 60_000;
/** While a source's deliveries are still being decided, its assembly looks again this often… */
const IN_FLIGHT_POLL_MS = 15_000;
/** …for this long, then batches what waits and leaves the rest to the scheduled sweep. */
const MAX_IN_FLIGHT_WAIT_MS = 3_600_000;
const RECOVERY_BATCH = 1_000;

const deliveryFields = { _id: 1, memberId: 1, kind: 1, sentText: 1, expiresAt: 1, sentAt: 1, updatedAt: 1 };
type WaitingDelivery = Pick<
  DeliveryRecord,
  '_id' | 'memberId' | 'kind' | 'sentText' | 'expiresAt' | 'sentAt' | 'updatedAt'
>;

/**
 * The mass-send batcher (WECHAT.md §4, RULES.md §8): marketing to members outside the 48-hour
 * window waits as `mass_pending` deliveries (the policy already took the member's caps and one of
 * the platform's 4 mass sends a month) with the generic text; this groups them by source and text
 * into batches of at most `batchSize` openids (never a batch of one), and sends each batch with one
 * `message/mass/send` call, rate-limited across processes.
 *
 * Exactly once without transactions: a batch's `_id` comes from its group and the deliveries it is
 * built from (two workers reading the same ones build the same batch), each delivery is claimed by
 * one batch with a conditional update, and the batch's recipients are frozen before its send job is
 * added. One worker claims a batch (`ready → sending`); its `clientmsgid` is derived from its key,
 * so a send retried after a crash or a lost answer is refused by WeChat (45065, with the first
 * msg_id) instead of reaching anyone twice. Then every delivery of the batch is `sent`
 * (channel `mass_send`), or `failed`/`skipped` with the reason, its cap slot given back.
 */
export class MassSendService {
  private jobs: MassSendJobs | null = null;
  private sender: MassSender | null = null;
  private readonly listeners: MassSendListener[] = [];
  private readonly sentListeners: ((keys: readonly string[]) => Promise<unknown>)[] = [];

  constructor(private readonly ctx: ServiceContext) {}

  /** The queue producers (every role) and the channel client (where jobs run); set at start-up. */
  connect(parts: { jobs?: MassSendJobs; sender?: MassSender }): void {
    if (parts.jobs) this.jobs = parts.jobs;
    if (parts.sender) this.sender = parts.sender;
  }

  onOutcome(listener: MassSendListener): void {
    this.listeners.push(listener);
  }

  /**
   * Called with a sent batch's delivery keys (the bonuses that came with them are credited now).
   * A failure is logged, not thrown: the batch went out, and the bonus sweep follows.
   */
  onDeliveriesSent(listener: (keys: readonly string[]) => Promise<unknown>): void {
    this.sentListeners.push(listener);
  }

  /**
   * A campaign's fan-out handed over its whole audience: assemble its waiting deliveries once they
   * settle. A failure to add the job is logged, not thrown (the fan-out is done; the sweep follows).
   */
  async afterCampaign(campaignId: string): Promise<void> {
    if (!this.jobs) return;
    const { settleMs } = massSendSettings(this.ctx.program.current());
    try {
      await this.jobs.assemble(`campaign:${campaignId}`, 0, settleMs);
    } catch (err) {
      this.ctx.logger.warn({ err, campaignId }, 'mass-send assembly not scheduled; the sweep will take it');
    }
  }

  /**
   * Assembly of one source (e.g. `campaign:<id>`): while some of its deliveries are still queued or
   * being decided, looks again later (a later round); then batches every group of the source.
   */
  async assembleSource(source: string, round = 0): Promise<AssembleOutcome> {
    const deliveries = this.ctx.db.delivery.deliveries;
    const inFlight = await deliveries.countDocuments({
      _id: sourceKeyRange(source),
      status: { $in: ['queued', 'sending'] },
    });
    // Polled more often when the settle period is short (tests), for about an hour at most.
    const { settleMs } = massSendSettings(this.ctx.program.current());
    const pollMs = Math.min(IN_FLIGHT_POLL_MS, Math.max(1_000, Math.floor(settleMs / 4)));
    if (inFlight > 0 && round < Math.ceil(MAX_IN_FLIGHT_WAIT_MS / pollMs)) {
      await this.requireJobs().assemble(source, round + 1, pollMs);
      return { status: 'waiting', source, inFlight, round };
    }
    const groups = await deliveries.distinct('massGroup', {
      _id: sourceKeyRange(source),
      status: 'mass_pending',
    });
    let batches = 0;
    let skipped = 0;
    for (const group of groups as string[]) {
      const done = await this.assembleGroup(group);
      batches += done.batches;
      skipped += done.skipped;
    }
    return { status: 'assembled', source, batches, skipped };
  }

  /**
   * The scheduled sweep: finishes what a crash left (`recoverStuck`), batches every group whose
   * newest waiting delivery is older than the settle period, and skips a member who waited alone
   * for a day (`mass_too_few`: WeChat sends to 2 openids at least).
   */
  async sweep(): Promise<SweepOutcome> {
    const recovered = await this.recoverStuck();
    const now = this.ctx.clock();
    const { settleMs } = massSendSettings(this.ctx.program.current());
    const deliveries = this.ctx.db.delivery.deliveries;
    const groups = (await deliveries.distinct('massGroup', { status: 'mass_pending' })) as string[];
    const outcome: SweepOutcome = { batches: 0, skipped: 0, tooFew: 0, recovered };
    for (const group of groups) {
      const waiting = await deliveries
        .find({ massGroup: group, status: 'mass_pending', batchId: null }, deliveryFields)
        .sort({ updatedAt: -1 })
        .limit(2)
        .lean<WaitingDelivery[]>();
      const newest = waiting[0];
      if (!newest || now.getTime() - newest.updatedAt.getTime() < settleMs) continue;
      if (waiting.length === 1) {
        const since = newest.sentAt ?? newest.updatedAt;
        const expired = newest.expiresAt !== null && newest.expiresAt.getTime() <= now.getTime();
        if (expired || now.getTime() - since.getTime() >= SINGLE_WAIT_MS) {
          if (await this.skipWaiting(newest, expired ? 'expired' : 'mass_too_few', now)) outcome.tooFew++;
        }
        continue;
      }
      const done = await this.assembleGroup(group);
      outcome.batches += done.batches;
      outcome.skipped += done.skipped;
    }
    return outcome;
  }

  /**
   * Sends one batch: waits out quiet hours, claims it, calls WeChat with its `clientmsgid`, and
   * records the outcome on the batch and its deliveries. `finalAttempt` turns a retry into `failed`.
   */
  async sendBatch(batchId: string, options: { finalAttempt?: boolean } = {}): Promise<BatchOutcome> {
    const batches = this.ctx.db.delivery.massSendBatches;
    const now = this.ctx.clock();
    const program = this.ctx.program.current();
    const current = await batches.findById(batchId).lean<MassSendBatchRecord>();
    if (!current) return { status: 'noop', current: 'missing' };
    if (current.status === 'sent') return this.finishSent(current, now);
    if (current.status !== 'ready' && current.status !== 'sending')
      return { status: 'noop', current: current.status };

    const waitUntil = massSendWaitUntil(now, program);
    if (waitUntil) return this.putOff(current, waitUntil, now);

    const batch = await batches
      .findOneAndUpdate(
        {
          _id: batchId,
          $or: [
            { status: 'ready' },
            { status: 'sending', sendingSince: { $lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
          ],
        },
        { $set: { status: 'sending', sendingSince: now, updatedAt: now }, $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      )
      .lean<MassSendBatchRecord>();
    if (!batch) {
      const again = await batches.findById(batchId, { status: 1 }).lean<MassSendBatchRecord>();
      if (again?.status === 'sending') return { status: 'retry', reason: 'in_progress', errcode: null };
      return { status: 'noop', current: again?.status ?? 'missing' };
    }
    if (batch.callStartedAt && now.getTime() - batch.callStartedAt.getTime() > UNCERTAIN_RETRY_LIMIT_MS) {
      // WeChat no longer remembers the clientmsgid of a call whose answer we never got: sending
      // again could reach everyone twice, so the batch fails rather than risk it.
      return this.failBatch(batch, now, {
        reason: 'outcome_unknown',
        errcode: batch.errcode,
        errmsg: 'an earlier call was not answered within the clientmsgid window',
        callAnswered: false,
      });
    }
    if (!batch.callStartedAt) {
      await batches.updateOne({ _id: batchId, status: 'sending' }, { $set: { callStartedAt: now } });
    }
    const result = await this.requireSender().massSendText({
      openids: batch.openids,
      text: batch.text,
      clientMsgId: batch.clientMsgId,
    });
    if (result.ok) {
      const sent = await batches
        .findOneAndUpdate(
          { _id: batchId, status: 'sending' },
          {
            $set: {
              status: 'sent',
              msgId: result.msgId,
              msgDataId: result.msgDataId,
              sentAt: now,
              callStartedAt: null,
              sendingSince: null,
              errcode: null,
              errmsg: null,
              updatedAt: now,
            },
          },
          { returnDocument: 'after' },
        )
        .lean<MassSendBatchRecord>();
      // Not ours any more (a recovery claimed it meanwhile): whoever holds it records the outcome.
      if (!sent) return { status: 'noop', current: 'reclaimed' };
      const outcome = await this.finishSent(sent, now);
      return outcome.status === 'sent' ? { ...outcome, duplicate: result.duplicate } : outcome;
    }
    const error = { errcode: result.errcode, errmsg: result.errmsg };
    // No errcode: no answer came (timeout, network), so WeChat may have taken the call; once in
    // doubt, only a success clears the doubt (an error answer to the repeat proves nothing).
    const callAnswered = result.errcode !== null && !batch.callStartedAt;
    const action = massFailureAction(result);
    if (action === 'retry' && !options.finalAttempt) {
      await batches.updateOne(
        { _id: batchId, status: 'sending' },
        {
          $set: {
            status: 'ready',
            sendingSince: null,
            ...error,
            ...(callAnswered ? { callStartedAt: null } : {}),
            updatedAt: now,
          },
        },
      );
      return { status: 'retry', reason: result.kind, errcode: result.errcode };
    }
    const reason = action === 'stop' ? 'no_mass_quota' : action === 'retry' ? result.kind : 'rejected';
    if (action === 'stop') {
      this.ctx.logger.error(
        { batchId, source: batch.source, errcode: result.errcode },
        'WeChat has no mass-send quota left (45028): the batch is failed; alert the account owner',
      );
    }
    return this.failBatch(batch, now, { reason, ...error, callAnswered });
  }

  /**
   * WeChat's MASSSENDJOBFINISH for one of our batches: the counts are recorded on the batch; a job
   * that reached nobody (`send fail`, `err(…)`) fails its deliveries with WeChat's status. Repeats
   * change nothing more. False when no batch has this msg_id.
   */
  async noteFinished(report: MassSendFinished): Promise<boolean> {
    const now = this.ctx.clock();
    const record: MassSendReport = {
      status: report.status,
      totalCount: report.totalCount,
      filterCount: report.filterCount,
      sentCount: report.sentCount,
      errorCount: report.errorCount,
      at: now,
    };
    const batch = await this.ctx.db.delivery.massSendBatches
      .findOneAndUpdate({ msgId: report.msgId }, { $set: { report: record, updatedAt: now } })
      .lean<MassSendBatchRecord>();
    if (!batch) return false;
    if (massReportFailedEveryone(report.status, report.sentCount)) {
      const failed = await this.ctx.db.delivery.deliveries.updateMany(
        { batchId: batch._id, status: 'sent', channel: 'mass_send' },
        { $set: { status: 'failed', reason: 'mass_send_failed', errmsg: report.status, updatedAt: now } },
      );
      this.ctx.logger.warn(
        { batchId: batch._id, status: report.status, deliveries: failed.modifiedCount },
        'WeChat reports a mass send that reached nobody',
      );
    }
    return true;
  }

  /** The batch record, for staff and tests. */
  async find(batchId: string): Promise<MassSendBatchRecord | null> {
    return this.ctx.db.delivery.massSendBatches.findById(batchId).lean<MassSendBatchRecord>();
  }

  /** A source's batches, oldest first. */
  async batchesOf(source: string): Promise<MassSendBatchRecord[]> {
    return this.ctx.db.delivery.massSendBatches
      .find({ source })
      .sort({ createdAt: 1, _id: 1 })
      .lean<MassSendBatchRecord[]>();
  }

  /**
   * Crash recovery, safe in any number of processes: batches left `assembling` are frozen (or
   * dissolved), `sent` ones get their deliveries recorded, `ready`/`sending` ones without progress
   * get their job again (the claim lets only one send, with the same clientmsgid); waiting
   * deliveries claimed by a batch that does not carry them are freed; waiting deliveries from
   * before the batcher existed get their group.
   */
  async recoverStuck(): Promise<number> {
    if (!this.jobs) return 0;
    const now = this.ctx.clock();
    const batches = this.ctx.db.delivery.massSendBatches;
    const stale = new Date(now.getTime() - STALE_STEP_MS);
    let recovered = 0;
    const unfinished = await batches
      .find(
        {
          $or: [
            { status: { $in: ['assembling', 'sent'] }, updatedAt: { $lt: stale } },
            { status: 'ready', updatedAt: { $lt: new Date(now.getTime() - STALE_READY_MS) } },
            { status: 'sending', sendingSince: { $lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
          ],
        },
        { status: 1, round: 1, updatedAt: 1 },
      )
      .limit(RECOVERY_BATCH)
      .lean<Pick<MassSendBatchRecord, '_id' | 'status' | 'round' | 'updatedAt'>[]>();
    for (const batch of unfinished) {
      if (batch.status === 'assembling') {
        await this.freeze(batch._id, now);
      } else if (batch.status === 'sent') {
        const full = await batches.findById(batch._id).lean<MassSendBatchRecord>();
        if (full?.status === 'sent') await this.finishSent(full, now);
      } else {
        // A batch waiting its turn behind the rate limit keeps its job; only a lost one is re-added.
        if (batch.status === 'ready' && (await this.requireJobs().sendQueued(batch._id, batch.round)))
          continue;
        const round = batch.round + 1;
        const moved = await batches.updateOne(
          { _id: batch._id, status: batch.status, round: batch.round },
          { $set: { round, updatedAt: now } },
        );
        if (moved.modifiedCount === 1) await this.requireJobs().send(batch._id, round, 0);
      }
      recovered++;
    }
    recovered += await this.freeOrphans(stale, now);
    recovered += await this.groupUngrouped();
    return recovered;
  }

  /** Batches one group's unclaimed waiting deliveries, in `_id` order, evenly sized. */
  private async assembleGroup(group: string): Promise<{ batches: number; skipped: number }> {
    const deliveries = this.ctx.db.delivery.deliveries;
    const { batchSize } = massSendSettings(this.ctx.program.current());
    const filter = { massGroup: group, status: 'mass_pending' as const, batchId: null };
    const done = { batches: 0, skipped: 0 };
    for (;;) {
      const now = this.ctx.clock();
      const size = nextBatchSize(await deliveries.countDocuments(filter), batchSize);
      if (size === 0) return done;
      const candidates = await deliveries
        .find(filter, deliveryFields)
        .sort({ _id: 1 })
        .limit(size)
        .lean<WaitingDelivery[]>();
      if (candidates.length < 2) return done;
      const skipped = await this.skipIneligible(candidates, now);
      if (skipped > 0) {
        // Counted again: the batch sizes stay even and never leave one member alone.
        done.skipped += skipped;
        continue;
      }
      const batchId = await this.createBatch(group, candidates, now);
      // The same deliveries make a batch past assembling, or too few openids came of them (another
      // worker's claims, one member twice): the sweep looks again later rather than spin here.
      if (batchId === null || batchId === 'empty') return done;
      done.batches++;
    }
  }

  /**
   * Creates (or joins) the batch of these candidates, claims the ones still unclaimed, and
   * freezes it. 'empty' when it got fewer than 2 (dissolved again); null when the batch exists and
   * is no longer assembling.
   */
  private async createBatch(
    group: string,
    candidates: WaitingDelivery[],
    now: Date,
  ): Promise<string | 'empty' | null> {
    const batches = this.ctx.db.delivery.massSendBatches;
    const keys = candidates.map((c) => c._id);
    const batchId = massBatchId(group, keys);
    try {
      await batches.create({
        _id: batchId,
        group,
        source: sourceOfGroup(group),
        text: candidates[0]?.sentText ?? '',
        clientMsgId: batchId,
        candidates: keys,
        deliveryKeys: [],
        openids: [],
        status: 'assembling',
        round: 0,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await batches.findById(batchId, { status: 1 }).lean<MassSendBatchRecord>();
      if (existing?.status !== 'assembling') return null;
    }
    await this.ctx.db.delivery.deliveries.updateMany(
      { _id: { $in: keys }, status: 'mass_pending', batchId: null },
      { $set: { batchId, updatedAt: now } },
    );
    return (await this.freeze(batchId, now)) ?? 'empty';
  }

  /**
   * `assembling → ready`: the deliveries claimed by the batch become its recipients (one openid
   * per member) and its send job is added. Fewer than 2 → the claims are undone and the batch is
   * removed (it never sent anything). Null unless this call froze it with recipients.
   */
  private async freeze(batchId: string, now: Date): Promise<string | null> {
    const { deliveries, massSendBatches: batches } = this.ctx.db.delivery;
    const claimed = await deliveries
      .find({ batchId, status: 'mass_pending' }, { _id: 1, memberId: 1 })
      .sort({ _id: 1 })
      .lean<Pick<DeliveryRecord, '_id' | 'memberId'>[]>();
    const members = await this.ctx.db.members
      .find({ _id: { $in: claimed.map((d) => d.memberId) } }, { openid: 1 })
      .lean<Pick<MemberRecord, '_id' | 'openid'>[]>();
    const openidOf = new Map(members.map((m) => [m._id, m.openid]));
    const deliveryKeys = claimed.filter((d) => openidOf.get(d.memberId)).map((d) => d._id);
    const openids = [...new Set(claimed.flatMap((d) => openidOf.get(d.memberId) ?? []))];
    if (openids.length < 2) {
      // Removed first, claims undone only then: a batch another worker froze meanwhile keeps its own.
      const removed = await batches.deleteOne({ _id: batchId, status: 'assembling' });
      if (removed.deletedCount === 1) {
        await deliveries.updateMany({ batchId, status: 'mass_pending' }, { $unset: { batchId: 1 } });
      }
      return null;
    }
    const frozen = await batches.updateOne(
      { _id: batchId, status: 'assembling' },
      { $set: { status: 'ready', deliveryKeys, openids, updatedAt: now } },
    );
    if (frozen.modifiedCount !== 1) return null;
    await this.requireJobs().send(batchId, 0, 0);
    return batchId;
  }

  /** WeChat took the batch: its deliveries are `sent`, stragglers freed, the batch `done`. */
  private async finishSent(batch: MassSendBatchRecord, now: Date): Promise<BatchOutcome> {
    const { deliveries, massSendBatches: batches } = this.ctx.db.delivery;
    const sent = await deliveries.updateMany(
      { _id: { $in: batch.deliveryKeys }, batchId: batch._id, status: 'mass_pending' },
      {
        $set: {
          status: 'sent',
          channel: 'mass_send',
          sentText: batch.text,
          msgId: batch.msgId,
          sentAt: batch.sentAt ?? now,
          updatedAt: now,
        },
        $unset: { massGroup: 1 },
      },
    );
    await this.freeStragglers(batch._id);
    for (const listener of this.sentListeners) {
      await listener(batch.deliveryKeys).catch((err: unknown) =>
        this.ctx.logger.error({ err, batchId: batch._id }, 'after a sent mass send; the sweep follows'),
      );
    }
    await batches.updateOne({ _id: batch._id, status: 'sent' }, { $set: { status: 'done', updatedAt: now } });
    if (sent.modifiedCount > 0) this.emit('sent', sent.modifiedCount);
    return {
      status: 'sent',
      batchId: batch._id,
      deliveries: batch.deliveryKeys.length,
      msgId: batch.msgId ?? '',
      duplicate: false,
    };
  }

  /** A final failure: the batch and each of its deliveries `failed` with it, cap slots given back. */
  private async failBatch(
    batch: MassSendBatchRecord,
    now: Date,
    failure: { reason: string; errcode: number | null; errmsg: string; callAnswered: boolean },
  ): Promise<BatchOutcome> {
    const batches = this.ctx.db.delivery.massSendBatches;
    const { reason, errcode, errmsg } = failure;
    const moved = await batches.updateOne(
      { _id: batch._id, status: 'sending' },
      {
        $set: {
          status: 'failed',
          reason,
          errcode,
          errmsg,
          sendingSince: null,
          ...(failure.callAnswered ? { callStartedAt: null } : {}),
          updatedAt: now,
        },
      },
    );
    if (moved.modifiedCount === 1) await this.failDeliveries({ ...batch, reason, errcode, errmsg }, now);
    return { status: 'failed', reason, errcode, errmsg };
  }

  /**
   * The deliveries of a failed batch become `failed` with its reason (never freed for another
   * batch: after an unanswered call WeChat may have sent it), their cap slots given back.
   */
  private async failDeliveries(
    batch: Pick<MassSendBatchRecord, '_id' | 'deliveryKeys' | 'reason' | 'errcode' | 'errmsg'>,
    now: Date,
  ): Promise<void> {
    const deliveries = this.ctx.db.delivery.deliveries;
    const records = await deliveries
      .find(
        { _id: { $in: batch.deliveryKeys }, batchId: batch._id, status: 'mass_pending' },
        { _id: 1, memberId: 1, sentAt: 1 },
      )
      .lean<Pick<DeliveryRecord, '_id' | 'memberId' | 'sentAt'>[]>();
    let failed = 0;
    for (const record of records) {
      const done = await deliveries.updateOne(
        { _id: record._id, batchId: batch._id, status: 'mass_pending' },
        {
          $set: {
            status: 'failed',
            reason: batch.reason,
            errcode: batch.errcode,
            errmsg: batch.errmsg,
            updatedAt: now,
          },
          $unset: { massGroup: 1 },
        },
      );
      if (done.modifiedCount === 1) {
        failed++;
        await this.giveSlotBack(record.memberId, record.sentAt ?? now);
      }
    }
    await this.freeStragglers(batch._id);
    if (failed > 0) this.emit('failed', failed);
  }

  /** Quiet hours: the batch's send job is added again for their end (a new round). */
  private async putOff(batch: MassSendBatchRecord, until: Date, now: Date): Promise<BatchOutcome> {
    const round = batch.round + 1;
    const moved = await this.ctx.db.delivery.massSendBatches.updateOne(
      { _id: batch._id, status: batch.status, round: batch.round },
      { $set: { round, updatedAt: now } },
    );
    if (moved.modifiedCount === 1) {
      await this.requireJobs().send(batch._id, round, Math.max(0, until.getTime() - now.getTime()));
    }
    return { status: 'deferred', until: until.toISOString() };
  }

  /**
   * Candidates that may no longer go (unfollowed, opted out, left, expired since the policy
   * decided) are skipped with the reason before a batch is built. Returns how many.
   */
  private async skipIneligible(candidates: WaitingDelivery[], now: Date): Promise<number> {
    const memberIds = [...new Set(candidates.map((c) => c.memberId))];
    const members = await this.ctx.db.members
      .find({ _id: { $in: memberIds } }, { status: 1, openid: 1, marketingConsent: 1, marketingOptOut: 1 })
      .lean<MemberRecord[]>();
    const states = await this.ctx.db.delivery.states
      .find({ _id: { $in: memberIds } }, { unfollowedAt: 1 })
      .lean<Pick<DeliveryStateRecord, '_id' | 'unfollowedAt'>[]>();
    const memberOf = new Map(members.map((m) => [m._id, m]));
    const unfollowedOf = new Map(states.map((s) => [s._id, s.unfollowedAt]));
    let skipped = 0;
    for (const candidate of candidates) {
      const reason = massEligibility(
        memberOf.get(candidate.memberId) ?? null,
        unfollowedOf.get(candidate.memberId) ?? null,
        candidate.expiresAt,
        now,
      );
      if (reason && (await this.skipWaiting(candidate, reason, now))) skipped++;
    }
    return skipped;
  }

  /** One unclaimed waiting delivery → `skipped` with the reason, its cap slot given back. */
  private async skipWaiting(record: WaitingDelivery, reason: string, now: Date): Promise<boolean> {
    const moved = await this.ctx.db.delivery.deliveries.updateOne(
      { _id: record._id, status: 'mass_pending', batchId: null },
      { $set: { status: 'skipped', reason, updatedAt: now }, $unset: { massGroup: 1 } },
    );
    if (moved.modifiedCount !== 1) return false;
    await this.giveSlotBack(record.memberId, record.sentAt ?? now);
    this.emit('skipped', 1);
    return true;
  }

  /**
   * Gives back the marketing slot (day, month, platform mass send) the policy took at `takenAt`
   * for a message that did not go; counters of another day or month are left alone.
   */
  private async giveSlotBack(memberId: string, takenAt: Date): Promise<void> {
    const program: Program = this.ctx.program.current();
    const { dayKey, monthKey } = counterKeys(takenAt, program.timezone);
    const states = this.ctx.db.delivery.states;
    await states.updateOne(
      { _id: memberId, marketingMonthKey: monthKey, marketingMonth: { $gt: 0 }, massMonth: { $gt: 0 } },
      { $inc: { marketingMonth: -1, massMonth: -1 } },
    );
    await states.updateOne(
      { _id: memberId, marketingDayKey: dayKey, marketingDay: { $gt: 0 } },
      { $inc: { marketingDay: -1 } },
    );
  }

  /** Waiting deliveries a late claim attached to a finished batch go back to waiting. */
  private async freeStragglers(batchId: string): Promise<void> {
    await this.ctx.db.delivery.deliveries.updateMany(
      { batchId, status: 'mass_pending' },
      { $unset: { batchId: 1 } },
    );
  }

  /**
   * Waiting deliveries claimed by a batch that is gone, finished, or was frozen without them (a
   * claim that lost a race) are freed for the next batch.
   */
  private async freeOrphans(stale: Date, now: Date): Promise<number> {
    const { deliveries, massSendBatches: batches } = this.ctx.db.delivery;
    const claimed = await deliveries
      .find(
        { status: 'mass_pending', batchId: { $ne: null }, updatedAt: { $lt: stale } },
        { _id: 1, batchId: 1 },
      )
      .limit(RECOVERY_BATCH)
      .lean<Pick<DeliveryRecord, '_id' | 'batchId'>[]>();
    const byBatch = new Map<string, string[]>();
    for (const d of claimed) {
      if (d.batchId) byBatch.set(d.batchId, [...(byBatch.get(d.batchId) ?? []), d._id]);
    }
    let freed = 0;
    for (const [batchId, keys] of byBatch) {
      const batch = await batches
        .findById(batchId, { status: 1, deliveryKeys: 1, reason: 1, errcode: 1, errmsg: 1 })
        .lean<
          Pick<MassSendBatchRecord, '_id' | 'status' | 'deliveryKeys' | 'reason' | 'errcode' | 'errmsg'>
        >();
      if (batch?.status === 'assembling') continue;
      // A crash between failing a batch and failing its deliveries: finish that first.
      if (batch?.status === 'failed') await this.failDeliveries(batch, now);
      const carried =
        batch && batch.status !== 'done' && batch.status !== 'failed' ? new Set(batch.deliveryKeys) : null;
      const orphans = keys.filter((key) => !carried?.has(key));
      if (orphans.length === 0) continue;
      const moved = await deliveries.updateMany(
        { _id: { $in: orphans }, batchId, status: 'mass_pending' },
        { $unset: { batchId: 1 }, $set: { updatedAt: now } },
      );
      freed += moved.modifiedCount;
    }
    return freed;
  }

  /** Waiting deliveries recorded before the batcher existed have no group yet. */
  private async groupUngrouped(): Promise<number> {
    const deliveries = this.ctx.db.delivery.deliveries;
    const records = await deliveries
      .find({ status: 'mass_pending', massGroup: null, batchId: null }, deliveryFields)
      .limit(RECOVERY_BATCH)
      .lean<WaitingDelivery[]>();
    let grouped = 0;
    for (const record of records) {
      if (record.sentText === null) continue;
      const group = massGroupOf(massSourceOf(record._id, record.memberId, record.kind), record.sentText);
      const moved = await deliveries.updateOne(
        { _id: record._id, status: 'mass_pending', massGroup: null },
        { $set: { massGroup: group } },
      );
      grouped += moved.modifiedCount;
    }
    return grouped;
  }

  private emit(outcome: 'sent' | 'skipped' | 'failed', count: number): void {
    for (const listener of this.listeners) listener({ outcome, count });
  }

  private requireJobs(): MassSendJobs {
    if (!this.jobs) throw new Error('MassSendService has no job queues (connect() was not called)');
    return this.jobs;
  }

  private requireSender(): MassSender {
    if (!this.sender) throw new Error('MassSendService has no sender (connect() was not called)');
    return this.sender;
  }
}
