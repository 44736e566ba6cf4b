import { randomUUID } from 'node:crypto';
import type { BatchedCollection } from '../data/batched-collection';
import type { DeliveryRecord } from '../data/models/delivery-model';
import type { DeliverOutcome, DeliveryJobs, SendFailure } from './delivery-types';
import type { ServiceContext } from './service-context';

/** A claim older than this belongs to a worker that died mid-send (BullMQ's lock is 30 s). */
export const STALE_SENDING_MS = 60_000;

/**
 * The delivery record's moves, each a conditional update on its status and round (so a repeated or
 * concurrent job never moves it twice): claim it for an attempt, finish it with an outcome, defer
 * it (with its next job), or put it back for a retry.
 */
export class DeliveryRecords {
  constructor(
    private readonly ctx: ServiceContext,
    /** The delivery jobs' batched access to the records (claims and outcomes join other jobs' writes). */
    private readonly batched: BatchedCollection<DeliveryRecord>,
    private readonly jobs: () => DeliveryJobs,
  ) {}

  async retry(
    record: DeliveryRecord,
    now: Date,
    result: SendFailure,
    finalAttempt: boolean,
  ): Promise<DeliverOutcome> {
    const error = { errcode: result.errcode, errmsg: result.errmsg };
    if (finalAttempt) return this.finish(record, now, { status: 'failed', ...error }, error);
    // Back to `queued` so the next attempt can claim it.
    await this.ctx.db.delivery.deliveries.updateOne(
      { _id: record._id, status: 'sending', round: record.round },
      { $set: { status: 'queued', sendingSince: null, ...error, updatedAt: now } },
    );
    return { status: 'retry', reason: result.kind, errcode: result.errcode };
  }

  /** A cap slot was taken between the decision and the reservation: decide again next attempt. */
  async retryDecision(record: DeliveryRecord, now: Date): Promise<DeliverOutcome> {
    await this.ctx.db.delivery.deliveries.updateOne(
      { _id: record._id, status: 'sending', round: record.round },
      { $set: { status: 'queued', sendingSince: null, updatedAt: now } },
    );
    return { status: 'retry', reason: 'cap_contention', errcode: null };
  }

  async defer(record: DeliveryRecord, now: Date, until: Date): Promise<DeliverOutcome> {
    const round = record.round + 1;
    const moved = await this.ctx.db.delivery.deliveries.updateOne(
      { _id: record._id, status: 'sending', round: record.round },
      { $set: { status: 'deferred', deferredUntil: until, round, sendingSince: null, updatedAt: now } },
    );
    if (moved.modifiedCount === 1) {
      await this.jobs().add(record._id, round, Math.max(0, until.getTime() - now.getTime()));
    }
    return { status: 'deferred', until: until.toISOString() };
  }

  /**
   * Takes the record for this attempt: `queued`, or `deferred` and due, or `sending` abandoned by a
   * dead worker. Anything else (already sent, skipped, held, a concurrent attempt) → a no-op.
   */
  async claim(key: string, now: Date, jobId: string | null): Promise<DeliveryRecord | DeliverOutcome> {
    const deliveries = this.ctx.db.delivery.deliveries;
    // Claims of concurrent jobs go out in one bulk write; each tells its own by its token. The
    // usual case (a queued record) first, with a plain filter; the others when that did not take.
    const token = randomUUID();
    const claim = (filter: Record<string, unknown>) =>
      this.batched.writeThenRead(key, {
        updateOne: {
          filter: { _id: key as never, ...filter },
          update: {
            $set: {
              status: 'sending',
              sendingSince: now,
              sendingJob: jobId,
              claimedBy: token,
              updatedAt: now,
            },
            $inc: { attempts: 1 },
          },
        },
      });
    let current = await claim({ status: 'queued' });
    if ((current?.status === 'deferred' || current?.status === 'sending') && current.claimedBy !== token) {
      current = await claim({
        $or: [
          { status: 'deferred', deferredUntil: { $lte: now } },
          { status: 'sending', sendingSince: { $lt: new Date(now.getTime() - STALE_SENDING_MS) } },
          // The same job again: BullMQ runs a job once at a time, so its earlier run has ended
          // (its worker died, or it threw) and left the claim behind.
          ...(jobId ? [{ status: 'sending', sendingJob: jobId }] : []),
        ],
      });
    }
    if (current?.status === 'sending' && current.claimedBy === token) return current;
    if (current?.status === 'deferred' && current.deferredUntil) {
      // The job ran early (promoted, or clocks apart): wait again for the rest of the delay.
      const round = current.round + 1;
      const moved = await deliveries.updateOne(
        { _id: key, status: 'deferred', round: current.round },
        { $set: { round, updatedAt: now } },
      );
      if (moved.modifiedCount === 1) {
        await this.jobs().add(key, round, Math.max(0, current.deferredUntil.getTime() - now.getTime()));
      }
      return { status: 'deferred', until: current.deferredUntil.toISOString() };
    }
    if (current?.status === 'sending') return { status: 'retry', reason: 'in_progress', errcode: null };
    return { status: 'noop', current: current?.status ?? 'missing' };
  }

  async finish(
    record: DeliveryRecord,
    now: Date,
    outcome: DeliverOutcome,
    extra: {
      sentText?: string;
      reason?: string;
      massGroup?: string;
      msgId?: string;
      errcode?: number | null;
      errmsg?: string;
    } = {},
  ): Promise<DeliverOutcome> {
    const set: Record<string, unknown> = {
      status: outcome.status,
      sendingSince: null,
      updatedAt: now,
      ...extra,
    };
    if ('reason' in outcome) set.reason = outcome.reason;
    // A message that will not go out brings no points: its bonus is withheld with the outcome.
    if ((outcome.status === 'skipped' || outcome.status === 'failed') && record.bonusState === 'due')
      set.bonusState = 'withheld';
    if ('channel' in outcome) set.channel = outcome.channel;
    if (outcome.status === 'sent' || outcome.status === 'mass_pending') set.sentAt = now;
    await this.batched.write({
      updateOne: {
        filter: { _id: record._id as never, status: 'sending', round: record.round },
        update: { $set: set },
      },
    });
    return outcome;
  }
}
