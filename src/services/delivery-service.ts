import { randomUUID } from 'node:crypto';
import type { Program } from '../config/program-schema';
import { BatchedCollection } from '../data/batched-collection';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { DeliveryChannel, DeliveryRecord, DeliveryStatus } from '../data/models/delivery-model';
import type { DeliveryStateRecord } from '../data/models/delivery-state-model';
import type { MemberRecord } from '../data/models/member-model';
import {
  counterKeys,
  countsWithout,
  currentCounts,
  type MarketingReservation,
  reservationOf,
} from '../delivery/delivery-counters';
import { otherAccountState, recipientOf } from '../delivery/delivery-recipient';
import { type DeliveryRequestInput, deliveryRequestSchema } from '../delivery/delivery-request';
import { massGroupOf, massSourceOf } from '../delivery/mass-send-plan';
import { type DeliveryDecision, decideDelivery, type MemberDeliveryState } from '../delivery/policy';
import { type RenderValues, renderMessage } from '../delivery/render-message';
import { Semaphore } from '../lib/semaphore';
import { availableBalance } from '../rules/points-account';
import { type EnqueueOutcome, enqueueDeliveries, newDeliveryRecord } from './enqueue-deliveries';
import { MarketingSlots } from './marketing-slots';
import type { ServiceContext } from './service-context';

/** WeChat failure kinds (see `channels/wechat-oa/wechat-failure.ts`), as delivery acts on them. */
export type SendFailureKind =
  | 'window_closed'
  | 'unfollowed'
  | 'rate_limited'
  | 'quota'
  | 'invalid_token'
  | 'permanent'
  | 'transient';

export interface SendFailure {
  ok: false;
  kind: SendFailureKind;
  errcode: number | null;
  errmsg: string;
}

/**
 * What delivery needs from the channel: the official-account client (`OaApi`) satisfies it as is;
 * tests and the simulator pass their own.
 */
export interface DeliverySender {
  /** `parts`: messages it took (a long text is split; each counts against the window's 5). */
  sendText(openid: string, text: string): Promise<{ ok: true; parts?: number } | SendFailure>;
  sendTemplate(message: {
    openid: string;
    templateId: string;
    data: Record<string, string>;
    clientMsgId: string;
  }): Promise<{ ok: true; msgId: string } | SendFailure>;
}

/** Adds the job that delivers `key` (round `round`, after `delayMs`); idempotent per key and round. */
export interface DeliveryJobs {
  add(key: string, round: number, delayMs: number): Promise<void>;
  /** The same for many keys in one round trip (a campaign page). */
  addMany(items: readonly { key: string; round: number; delayMs: number }[]): Promise<void>;
  /** Jobs waiting for a worker now (not the delayed ones): how far producers are ahead. */
  waiting(): Promise<number>;
}

export type { EnqueueOutcome };

/**
 * What one delivery job did. `retry` asks the queue for another attempt with backoff (WeChat busy,
 * quota, network); `failed` is final (the processor makes it an `UnrecoverableError`).
 */
export type DeliverOutcome =
  | { status: 'sent'; channel: DeliveryChannel; msgId?: string }
  | { status: 'mass_pending'; channel: 'mass_send' }
  | { status: 'skipped'; reason: string }
  | { status: 'deferred'; until: string }
  | { status: 'held'; reason: string }
  | { status: 'retry'; reason: string; errcode: number | null }
  | { status: 'failed'; errcode: number | null; errmsg: string }
  | { status: 'noop'; current: DeliveryStatus | 'missing' };

export type DeliveryListener = (event: { key: string; outcome: DeliverOutcome }) => void;

/** A claim older than this belongs to a worker that died mid-send (BullMQ's lock is 30 s). */
const STALE_SENDING_MS = 60_000;
/** The recovery sweep re-adds jobs for records queued this long ago without progress. */
const STALE_QUEUED_MS = 10 * 60_000;
const RECOVERY_BATCH = 1_000;
/**
 * Customer-service sends one process has in flight at most. WeChat's customer-service API has no
 * idempotency key, so a send whose worker dies before recording it is in doubt and is not made
 * again (`interrupted`): this bounds how many a crash can leave so. 16 sends of ~100 ms each are
 * 160 a second per worker process, well above the account's rate limit.
 */
const SENDS_IN_FLIGHT = 16;
/** What delivery reads of a member. */
const DELIVERY_MEMBER_FIELDS = {
  name: 1,
  openid: 1,
  status: 1,
  tier: 1,
  account: 1,
  marketingConsent: 1,
  marketingOptOut: 1,
} as const;
const INTERRUPTED_MESSAGE =
  'the attempt that sent it stopped before recording the outcome; not sent again to avoid a duplicate';

/**
 * Every outbound message to a member goes through here (RULES.md §7–8, WECHAT.md §4):
 * `enqueue` records it once under its key and adds a job; `deliver` (the job) claims the record,
 * loads the member and their delivery state, runs the pure policy and carries out its decision
 * through the official-account API, recording the outcome with conditional updates.
 * `noteInbound` is called by the conversation side for every message a member sends: it opens the
 * customer-service window and releases messages held for it.
 */
export class DeliveryService {
  private jobs: DeliveryJobs | null = null;
  private sender: DeliverySender | null = null;
  private readonly listeners: DeliveryListener[] = [];
  private readonly slots: MarketingSlots;
  private readonly sendsInFlight = new Semaphore(SENDS_IN_FLIGHT);
  /** The delivery jobs' reads and writes, coalesced across the jobs a worker runs at once. */
  private readonly batched: {
    deliveries: BatchedCollection<DeliveryRecord>;
    states: BatchedCollection<DeliveryStateRecord>;
    members: BatchedCollection<MemberRecord>;
  };

  constructor(private readonly ctx: ServiceContext) {
    this.batched = {
      deliveries: new BatchedCollection(ctx.db.delivery.deliveries.collection),
      states: new BatchedCollection(ctx.db.delivery.states.collection),
      members: new BatchedCollection(ctx.db.members.collection, DELIVERY_MEMBER_FIELDS),
    };
    this.slots = new MarketingSlots(ctx, this.batched.states);
  }

  /** The queue producer (every role) and the channel client (where jobs run); set at start-up. */
  connect(parts: { jobs?: DeliveryJobs; sender?: DeliverySender }): void {
    if (parts.jobs) this.jobs = parts.jobs;
    if (parts.sender) this.sender = parts.sender;
  }

  /** Messages waiting for a delivery worker now; 0 before the queue is connected. */
  async backlog(): Promise<number> {
    return this.jobs ? this.jobs.waiting() : 0;
  }

  /** Whether `enqueue` can add jobs yet: the start-up recovery sweep runs before the queues exist. */
  get canEnqueue(): boolean {
    return this.jobs !== null;
  }

  /** Called with every job outcome (metrics). */
  onOutcome(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  /** Records the message under its key (once) and adds its job. A repeated key adds nothing. */
  async enqueue(input: DeliveryRequestInput): Promise<EnqueueOutcome> {
    const parsed = deliveryRequestSchema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        reason: 'invalid_request',
        issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'text'}: ${i.message}`),
      };
    }
    const request = parsed.data;
    const now = this.ctx.clock();
    try {
      await this.ctx.db.delivery.deliveries.create(newDeliveryRecord(request, now));
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.ctx.db.delivery.deliveries
        .findById(request.key, { status: 1 })
        .lean<Pick<DeliveryRecord, 'status'>>();
      return { ok: true, status: 'duplicate', key: request.key, current: existing?.status ?? 'queued' };
    }
    // Should this fail (Redis away), the record stays `queued` and the recovery sweep adds the job.
    await this.requireJobs().add(request.key, 0, 0);
    return { ok: true, status: 'enqueued', key: request.key };
  }

  /**
   * `enqueue` for many messages (a campaign page): one `insertMany` of the records, one `addBulk`
   * of their jobs; see `enqueueDeliveries`. Outcomes in the order given.
   */
  async enqueueMany(inputs: readonly DeliveryRequestInput[]): Promise<EnqueueOutcome[]> {
    return enqueueDeliveries(this.ctx, this.requireJobs(), inputs);
  }

  /**
   * The delivery job: claim → decide → send → record. `finalAttempt` turns a retry into `failed`;
   * `jobId` (the queue job running it) lets a re-run of the same job take over its own claim.
   */
  async deliver(
    key: string,
    options: { finalAttempt?: boolean; jobId?: string } = {},
  ): Promise<DeliverOutcome> {
    const outcome = await this.deliverOnce(key, options.finalAttempt ?? false, options.jobId ?? null);
    for (const listener of this.listeners) listener({ key, outcome });
    return outcome;
  }

  /**
   * The member wrote to us at `at`: a new customer-service window (48 h, 5 messages) opens and the
   * messages held for it (WeChat 45047) are queued again. Writing also proves they follow.
   * An older `at` than the one recorded changes nothing. Returns how many held messages were released.
   */
  async noteInbound(memberId: string, at: Date): Promise<number> {
    const states = this.ctx.db.delivery.states;
    // The state before this write (null: none existed, so nothing was ever held for the member,
    // since a hold needs the customer-service window recorded there).
    let previous: Pick<DeliveryStateRecord, 'heldCount' | 'heldTracked'> | null;
    try {
      previous = await states
        .findOneAndUpdate(
          { _id: memberId, $or: [{ lastInboundAt: null }, { lastInboundAt: { $lt: at } }] },
          {
            $set: {
              lastInboundAt: at,
              csSentSinceInbound: 0,
              unfollowedAt: null,
              heldTracked: true,
              updatedAt: at,
            },
          },
          { upsert: true, returnDocument: 'before', projection: { heldCount: 1, heldTracked: 1 } },
        )
        .lean<Pick<DeliveryStateRecord, 'heldCount' | 'heldTracked'>>();
    } catch (err) {
      // The state exists with this inbound or a later one (two messages in the same second, or a
      // re-delivery): that one opened the window and released what was held; nothing to do.
      if (!isDuplicateKeyError(err)) throw err;
      return 0;
    }
    if (previous === null) return 0;
    const counted = previous.heldTracked === true;
    if (counted && !((previous.heldCount ?? 0) > 0)) return 0;
    const held = await this.ctx.db.delivery.deliveries
      .find({ memberId, status: 'held' }, { _id: 1, round: 1 })
      .lean<Pick<DeliveryRecord, '_id' | 'round'>[]>();
    let released = 0;
    for (const record of held) {
      const round = record.round + 1;
      const moved = await this.ctx.db.delivery.deliveries.updateOne(
        { _id: record._id, status: 'held', round: record.round },
        { $set: { status: 'queued', reason: null, round, updatedAt: this.ctx.clock() } },
      );
      if (moved.modifiedCount === 1) {
        released++;
        // Only a counted state is decremented: a hold from before the counter was never added.
        if (counted) {
          await states.updateOne({ _id: memberId, heldCount: { $gt: 0 } }, { $inc: { heldCount: -1 } });
        }
        await this.requireJobs().add(record._id, round, 0);
      }
    }
    return released;
  }

  /** The member unfollowed (the `unsubscribe` event): nothing more goes to them until they write. */
  async noteUnfollowed(memberId: string, at: Date): Promise<void> {
    await this.ctx.db.delivery.states.updateOne(
      { _id: memberId },
      { $set: { unfollowedAt: at, updatedAt: at } },
      { upsert: true },
    );
  }

  /**
   * WeChat's `TEMPLATESENDJOBFINISH` event for a template we sent: `success`, or `failed:user block`
   * / `failed: system failed` (the member never got it) → the delivery becomes `failed` with that
   * reason. Repeats of the event change nothing. False when no sent template has this msgid.
   */
  async noteTemplateFinished(msgId: string, status: string): Promise<boolean> {
    if (status === 'success') return (await this.ctx.db.delivery.deliveries.exists({ msgId })) !== null;
    const reason = /user\s*block/i.test(status) ? 'user_block' : 'system_failed';
    const updated = await this.ctx.db.delivery.deliveries.updateOne(
      { msgId, status: 'sent', channel: 'template' },
      { $set: { status: 'failed', reason, errmsg: status, updatedAt: this.ctx.clock() } },
    );
    return updated.matchedCount === 1;
  }

  /** The delivery record, for staff and tests. */
  async find(key: string): Promise<DeliveryRecord | null> {
    return this.ctx.db.delivery.deliveries.findById(key).lean<DeliveryRecord>();
  }

  /**
   * Crash recovery: records whose job may be lost (queued without progress, or claimed by a worker
   * that died mid-send) get their job again. Re-adding is harmless: a job id exists once per round,
   * and `deliver` only acts on a record it can claim.
   */
  async recoverStuck(): Promise<number> {
    // The start-up sweep runs before the queues exist; the maintenance queue's sweeps follow.
    if (!this.jobs) return 0;
    const now = this.ctx.clock().getTime();
    const deliveries = this.ctx.db.delivery.deliveries;
    const stuck = await deliveries
      .find(
        {
          $or: [
            { status: 'queued', updatedAt: { $lt: new Date(now - STALE_QUEUED_MS) } },
            { status: 'sending', sendingSince: { $lt: new Date(now - STALE_SENDING_MS) } },
          ],
        },
        { _id: 1, round: 1, status: 1 },
      )
      .limit(RECOVERY_BATCH)
      .lean<Pick<DeliveryRecord, '_id' | 'round' | 'status'>[]>();
    let recovered = 0;
    for (const record of stuck) {
      if (record.status === 'sending') {
        await deliveries.updateOne(
          { _id: record._id, status: 'sending', round: record.round },
          { $set: { status: 'queued', sendingSince: null, updatedAt: new Date(now) } },
        );
      }
      await this.requireJobs().add(record._id, record.round, 0);
      recovered++;
    }
    return recovered;
  }

  private async deliverOnce(
    key: string,
    finalAttempt: boolean,
    jobId: string | null,
  ): Promise<DeliverOutcome> {
    const now = this.ctx.clock();
    const program = this.ctx.program.current();
    const record = await this.claim(key, now, jobId);
    if (!('_id' in record)) return record;

    // The hot path of a broadcast: both reads at once, batched with the other jobs' reads.
    const [member, state] = await Promise.all([
      this.batched.members.findById(record.memberId),
      this.batched.states.findById(record.memberId),
    ]);
    const own = reservationOf(state, key);
    if (own && !own.mass && record.sendStartedAt) {
      // An earlier attempt took a slot for a customer-service send, began sending and stopped
      // before recording what happened (its worker died): the member may have the message. WeChat
      // cannot be asked, and sending again could message them twice, so the outcome is recorded as
      // unknown. (Without `sendStartedAt` it died before sending: the slot is reused below.)
      return this.finish(
        record,
        now,
        { status: 'failed', errcode: null, errmsg: INTERRUPTED_MESSAGE },
        { reason: 'interrupted', errcode: null, errmsg: INTERRUPTED_MESSAGE },
      );
    }
    if (member?.status !== 'active') {
      if (own) await this.slots.release(record.memberId, own);
      return this.finish(record, now, { status: 'skipped', reason: 'member_gone' });
    }
    const values = renderValues(member, record, now, program);
    const personalText = renderMessage(record.text, values);
    const decision = decideDelivery(
      {
        key,
        category: record.category,
        kind: record.kind,
        memberId: record.memberId,
        personalText,
        genericText: record.genericText === null ? null : renderMessage(record.genericText, values),
        hasTemplate: record.template !== null,
        expiresAt: record.expiresAt,
      },
      record.recipientOpenid ? otherAccountState(now) : memberState(member, state, own, now, program),
      now,
      program,
    );
    return this.carryOut(record, member, state, own, decision, values, now, program, finalAttempt);
  }

  private async carryOut(
    record: DeliveryRecord,
    member: MemberRecord,
    state: DeliveryStateRecord | null,
    own: MarketingReservation | null,
    decision: DeliveryDecision,
    values: RenderValues,
    now: Date,
    program: Program,
    finalAttempt: boolean,
  ): Promise<DeliverOutcome> {
    const recipient = recipientOf(record, member);
    const openid = recipient.openid;
    const marketing = record.category === 'marketing';
    // A slot an earlier attempt took and never recorded (it died before sending): kept for the
    // same kind of send again, given back otherwise.
    const keepOwn =
      own !== null &&
      ((decision.action === 'mass_send' && own.mass) ||
        (decision.action === 'send_customer_service' && marketing && !own.mass));
    if (own && !keepOwn) await this.slots.release(record.memberId, own);
    switch (decision.action) {
      case 'skip':
        return this.finish(record, now, { status: 'skipped', reason: decision.reason });
      case 'defer':
        return this.defer(record, now, decision.until);
      case 'mass_send': {
        // The slot is taken now: the batcher sends what was decided, caps included.
        if (!keepOwn && !(await this.slots.reserve(record.memberId, state, record._id, now, program, true))) {
          return this.retryDecision(record, now);
        }
        return this.finish(
          record,
          now,
          { status: 'mass_pending', channel: 'mass_send' },
          {
            sentText: decision.text,
            // What the mass-send batcher groups by: the same source and the very same text.
            massGroup: massGroupOf(massSourceOf(record._id, record.memberId, record.kind), decision.text),
          },
        );
      }
      case 'send_customer_service': {
        // The in-doubt window of a crash (a slot taken, the message perhaps out, its outcome not yet
        // recorded) spans only the sends in flight: a job waiting here holds nothing.
        const result = await this.sendsInFlight.run(async () => {
          // Marketing takes its cap slot and counts the send against the window in one write.
          if (
            marketing &&
            !keepOwn &&
            !(await this.slots.reserve(record.memberId, state, record._id, now, program, false, true))
          ) {
            return this.retryDecision(record, now);
          }
          // The in-doubt window now spans only the HTTP call itself.
          await this.ctx.db.delivery.deliveries.updateOne(
            { _id: record._id, claimedBy: record.claimedBy },
            { $set: { sendStartedAt: now } },
          );
          const sent = await this.requireSender().sendText(openid, decision.text);
          if (sent.ok) {
            const uncounted = (sent.parts ?? 1) - (marketing ? 1 : 0);
            if (uncounted > 0 && recipient.own) await this.countServiceWindowSend(record.memberId, uncounted);
            return this.finish(
              record,
              now,
              { status: 'sent', channel: 'customer_service' },
              { sentText: decision.text },
            );
          }
          // A refusal is an answer: nothing went out, so a retry may send.
          await this.ctx.db.delivery.deliveries.updateOne(
            { _id: record._id, claimedBy: record.claimedBy },
            { $set: { sendStartedAt: null } },
          );
          if (marketing) {
            const { dayKey, monthKey } = counterKeys(now, program.timezone);
            await this.slots.release(
              record.memberId,
              { key: record._id, mass: false, day: dayKey, month: monthKey },
              true,
            );
          }
          return sent;
        });
        if (!('ok' in result)) return result;
        if (result.kind === 'window_closed' && !marketing && record.template) {
          return this.sendTemplate(record, openid, values, now, finalAttempt);
        }
        return this.failure(record, now, result, finalAttempt);
      }
      case 'send_template':
        return this.sendTemplate(record, openid, values, now, finalAttempt);
    }
  }

  private async sendTemplate(
    record: DeliveryRecord,
    openid: string,
    values: RenderValues,
    now: Date,
    finalAttempt: boolean,
  ): Promise<DeliverOutcome> {
    const template = record.template;
    if (!template) return this.finish(record, now, { status: 'skipped', reason: 'no_template' });
    const data = Object.fromEntries(
      Object.entries(template.fields).map(([field, text]) => [field, renderMessage(text, values)]),
    );
    // `client_msg_id` = the delivery key: WeChat drops a repeat of a send a crashed worker made.
    const result = await this.requireSender().sendTemplate({
      openid,
      templateId: template.id,
      data,
      clientMsgId: record._id,
    });
    if (result.ok) {
      return this.finish(
        record,
        now,
        { status: 'sent', channel: 'template', msgId: result.msgId },
        { msgId: result.msgId },
      );
    }
    return this.failure(record, now, result, finalAttempt);
  }

  /** WECHAT.md §4's table: what a failed send means for this delivery. */
  private async failure(
    record: DeliveryRecord,
    now: Date,
    result: SendFailure,
    finalAttempt: boolean,
  ): Promise<DeliverOutcome> {
    const error = { errcode: result.errcode, errmsg: result.errmsg };
    // What WeChat says of another account (a notice to an old one) is not the member's state.
    if (record.recipientOpenid && ['unfollowed', 'window_closed', 'rate_limited'].includes(result.kind)) {
      return this.finish(record, now, { status: 'skipped', reason: result.kind }, error);
    }
    switch (result.kind) {
      case 'unfollowed':
        await this.noteUnfollowed(record.memberId, now);
        return this.finish(record, now, { status: 'skipped', reason: 'unfollowed' }, error);
      case 'window_closed':
        // Our record of the window was wrong (e.g. an inbound never reported): forget it.
        await this.ctx.db.delivery.states.updateOne(
          { _id: record.memberId },
          { $set: { lastInboundAt: null, updatedAt: now } },
        );
        return this.finish(record, now, { status: 'skipped', reason: 'window_closed' }, error);
      case 'rate_limited':
        if (result.errcode === 45047) {
          // The window's count is used up: only the member's next message opens a new one.
          // Counted before the hold is written, so `noteInbound` never skips a held message.
          await this.ctx.db.delivery.states.updateOne(
            { _id: record.memberId },
            { $set: { csSentSinceInbound: 5, updatedAt: now }, $inc: { heldCount: 1 } },
            { upsert: true },
          );
          return this.finish(record, now, { status: 'held', reason: 'window_exhausted' }, error);
        }
        return this.retry(record, now, result, finalAttempt);
      case 'quota':
      case 'transient':
      case 'invalid_token':
        return this.retry(record, now, result, finalAttempt);
      case 'permanent':
        return this.finish(record, now, { status: 'failed', ...error }, error);
    }
  }

  private async retry(
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
  private async retryDecision(record: DeliveryRecord, now: Date): Promise<DeliverOutcome> {
    await this.ctx.db.delivery.deliveries.updateOne(
      { _id: record._id, status: 'sending', round: record.round },
      { $set: { status: 'queued', sendingSince: null, updatedAt: now } },
    );
    return { status: 'retry', reason: 'cap_contention', errcode: null };
  }

  private async defer(record: DeliveryRecord, now: Date, until: Date): Promise<DeliverOutcome> {
    const round = record.round + 1;
    const moved = await this.ctx.db.delivery.deliveries.updateOne(
      { _id: record._id, status: 'sending', round: record.round },
      { $set: { status: 'deferred', deferredUntil: until, round, sendingSince: null, updatedAt: now } },
    );
    if (moved.modifiedCount === 1) {
      await this.requireJobs().add(record._id, round, Math.max(0, until.getTime() - now.getTime()));
    }
    return { status: 'deferred', until: until.toISOString() };
  }

  /**
   * Takes the record for this attempt: `queued`, or `deferred` and due, or `sending` abandoned by a
   * dead worker. Anything else (already sent, skipped, held, a concurrent attempt) → a no-op.
   */
  private async claim(
    key: string,
    now: Date,
    jobId: string | null,
  ): Promise<DeliveryRecord | DeliverOutcome> {
    const deliveries = this.ctx.db.delivery.deliveries;
    // Claims of concurrent jobs go out in one bulk write; each tells its own by its token. The
    // usual case (a queued record) first, with a plain filter; the others when that did not take.
    const token = randomUUID();
    const claim = (filter: Record<string, unknown>) =>
      this.batched.deliveries.writeThenRead(key, {
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
        await this.requireJobs().add(
          key,
          round,
          Math.max(0, current.deferredUntil.getTime() - now.getTime()),
        );
      }
      return { status: 'deferred', until: current.deferredUntil.toISOString() };
    }
    if (current?.status === 'sending') return { status: 'retry', reason: 'in_progress', errcode: null };
    return { status: 'noop', current: current?.status ?? 'missing' };
  }

  private async finish(
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
    if ('channel' in outcome) set.channel = outcome.channel;
    if (outcome.status === 'sent' || outcome.status === 'mass_pending') set.sentAt = now;
    await this.batched.deliveries.write({
      updateOne: {
        filter: { _id: record._id as never, status: 'sending', round: record.round },
        update: { $set: set },
      },
    });
    return outcome;
  }

  private async countServiceWindowSend(memberId: string, parts: number): Promise<void> {
    await this.batched.states.write({
      updateOne: { filter: { _id: memberId as never }, update: { $inc: { csSentSinceInbound: parts } } },
    });
  }

  private requireJobs(): DeliveryJobs {
    if (!this.jobs) throw new Error('DeliveryService has no job queue (connect() was not called)');
    return this.jobs;
  }

  private requireSender(): DeliverySender {
    if (!this.sender) throw new Error('DeliveryService has no sender (connect() was not called)');
    return this.sender;
  }
}

function memberState(
  member: MemberRecord,
  state: DeliveryStateRecord | null,
  own: MarketingReservation | null,
  now: Date,
  program: Program,
): MemberDeliveryState {
  return {
    followed: member.openid !== null && !state?.unfollowedAt,
    marketingConsent: member.marketingConsent,
    optedOut: member.marketingOptOut,
    lastInboundAt: state?.lastInboundAt ?? null,
    csSentSinceInbound: state?.csSentSinceInbound ?? 0,
    ...countsWithout(currentCounts(state, now, program.timezone), own, now, program.timezone),
  };
}

function renderValues(
  member: MemberRecord,
  record: DeliveryRecord,
  now: Date,
  program: Program,
): RenderValues {
  return {
    name: member.name,
    tierName: program.tiers.find((tier) => tier.code === member.tier.tierCode)?.name ?? null,
    points: availableBalance(member.account, now),
    expiringPoints: record.values.expiringPoints,
    date: record.values.date,
  };
}
