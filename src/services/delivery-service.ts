import type { Program } from '../config/program-schema';
import { BatchedCollection } from '../data/batched-collection';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { DeliveryRecord } from '../data/models/delivery-model';
import type { DeliveryStateRecord } from '../data/models/delivery-state-model';
import type { MemberRecord } from '../data/models/member-model';
import { counterKeys, type MarketingReservation, reservationOf } from '../delivery/delivery-counters';
import { otherAccountState, recipientOf } from '../delivery/delivery-recipient';
import { type DeliveryRequestInput, deliveryRequestSchema } from '../delivery/delivery-request';
import { massGroupOf, massSourceOf } from '../delivery/mass-send-plan';
import { type DeliveryDecision, decideDelivery } from '../delivery/policy';
import { type RenderValues, renderMessage } from '../delivery/render-message';
import { Semaphore } from '../lib/semaphore';
import { DeliveryBonus } from './delivery-bonus';
import { DeliveryMemberEvents } from './delivery-member-events';
import { memberState, renderValues } from './delivery-member-state';
import { DeliveryRecords, STALE_SENDING_MS } from './delivery-records';
import type {
  DeliverOutcome,
  DeliveryJobs,
  DeliveryListener,
  DeliverySender,
  SendFailure,
} from './delivery-types';
import { type EnqueueOutcome, enqueueDeliveries, newDeliveryRecord } from './enqueue-deliveries';
import { MarketingSlots } from './marketing-slots';
import type { ServiceContext } from './service-context';

export type {
  DeliverOutcome,
  DeliveryJobs,
  DeliveryListener,
  DeliverySender,
  SendFailure,
  SendFailureKind,
} from './delivery-types';
export type { EnqueueOutcome };

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
  private readonly records: DeliveryRecords;
  private readonly events: DeliveryMemberEvents;
  /** Points that come with a message, credited once it has gone out. */
  readonly bonus: DeliveryBonus;

  constructor(private readonly ctx: ServiceContext) {
    this.batched = {
      deliveries: new BatchedCollection(ctx.db.delivery.deliveries.collection),
      states: new BatchedCollection(ctx.db.delivery.states.collection),
      members: new BatchedCollection(ctx.db.members.collection, DELIVERY_MEMBER_FIELDS),
    };
    this.slots = new MarketingSlots(ctx, this.batched.states);
    this.records = new DeliveryRecords(ctx, this.batched.deliveries, () => this.requireJobs());
    this.bonus = new DeliveryBonus(ctx);
    this.events = new DeliveryMemberEvents(ctx, () => this.requireJobs());
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
    const recorded = await this.record(input);
    // Should this fail (Redis away), the record stays `queued` and the recovery sweep adds the job.
    if (recorded.ok && recorded.status === 'enqueued') await this.requireJobs().add(recorded.key, 0, 0);
    return recorded;
  }

  /**
   * Records the message and delivers it in this process at once, without the queue (a staff test
   * send, whose sender waits for the outcome): one attempt, so a refusal is final and reported.
   * A crash before the attempt leaves the record `queued` for the recovery sweep. A repeated key
   * delivers nothing and answers the record's current state.
   */
  async sendNow(
    input: DeliveryRequestInput,
  ): Promise<
    | { ok: true; key: string; outcome: DeliverOutcome; record: DeliveryRecord | null }
    | (EnqueueOutcome & { ok: false })
  > {
    const recorded = await this.record(input);
    if (!recorded.ok) return recorded;
    const outcome =
      recorded.status === 'enqueued'
        ? await this.deliver(recorded.key, { finalAttempt: true })
        : ({ status: 'noop', current: recorded.current } as const);
    return { ok: true, key: recorded.key, outcome, record: await this.find(recorded.key) };
  }

  /**
   * Records a message the producer decided not to send (a care reminder about what is already
   * booked) as `skipped` with `reason`, under its key: counted and visible like other skips.
   */
  recordSkipped(input: DeliveryRequestInput, reason: string): Promise<EnqueueOutcome> {
    return this.record(input, reason);
  }

  private async record(input: DeliveryRequestInput, skipped: string | null = null): Promise<EnqueueOutcome> {
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
      const record = newDeliveryRecord(request, now);
      await this.ctx.db.delivery.deliveries.create(
        skipped ? { ...record, status: 'skipped', reason: skipped } : record,
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.ctx.db.delivery.deliveries
        .findById(request.key, { status: 1 })
        .lean<Pick<DeliveryRecord, 'status'>>();
      return { ok: true, status: 'duplicate', key: request.key, current: existing?.status ?? 'queued' };
    }
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
   * messages held for it (WeChat 45047) are queued again. See `DeliveryMemberEvents.noteInbound`.
   */
  noteInbound(memberId: string, at: Date): Promise<number> {
    return this.events.noteInbound(memberId, at);
  }

  /** The member unfollowed (the `unsubscribe` event): nothing more goes to them until they write. */
  noteUnfollowed(memberId: string, at: Date): Promise<void> {
    return this.events.noteUnfollowed(memberId, at);
  }

  /** WeChat's `TEMPLATESENDJOBFINISH` event for a template we sent (see `DeliveryMemberEvents`). */
  noteTemplateFinished(msgId: string, status: string): Promise<boolean> {
    return this.events.noteTemplateFinished(msgId, status);
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
    const record = await this.records.claim(key, now, jobId);
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
      return this.records.finish(
        record,
        now,
        { status: 'failed', errcode: null, errmsg: INTERRUPTED_MESSAGE },
        { reason: 'interrupted', errcode: null, errmsg: INTERRUPTED_MESSAGE },
      );
    }
    if (member?.status !== 'active') {
      if (own) await this.slots.release(record.memberId, own);
      return this.records.finish(record, now, { status: 'skipped', reason: 'member_gone' });
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
        test: record.test === true,
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
    // Marketing counts against the caps; a staff test send counts nowhere.
    const capped = marketing && record.test !== true;
    // A slot an earlier attempt took and never recorded (it died before sending): kept for the
    // same kind of send again, given back otherwise.
    const keepOwn =
      own !== null &&
      ((decision.action === 'mass_send' && own.mass) ||
        (decision.action === 'send_customer_service' && capped && !own.mass));
    if (own && !keepOwn) await this.slots.release(record.memberId, own);
    switch (decision.action) {
      case 'skip':
        return this.records.finish(record, now, { status: 'skipped', reason: decision.reason });
      case 'defer':
        return this.records.defer(record, now, decision.until);
      case 'mass_send': {
        // The slot is taken now: the batcher sends what was decided, caps included.
        if (!keepOwn && !(await this.slots.reserve(record.memberId, state, record._id, now, program, true))) {
          return this.records.retryDecision(record, now);
        }
        return this.records.finish(
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
            capped &&
            !keepOwn &&
            !(await this.slots.reserve(record.memberId, state, record._id, now, program, false, true))
          ) {
            return this.records.retryDecision(record, now);
          }
          // The in-doubt window now spans only the HTTP call itself.
          await this.ctx.db.delivery.deliveries.updateOne(
            { _id: record._id, claimedBy: record.claimedBy },
            { $set: { sendStartedAt: now } },
          );
          const sent = await this.requireSender().sendText(openid, decision.text);
          if (sent.ok) {
            const uncounted = (sent.parts ?? 1) - (capped ? 1 : 0);
            if (uncounted > 0 && recipient.own) await this.countServiceWindowSend(record.memberId, uncounted);
            return this.records.finish(
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
          if (capped) {
            const { dayKey, monthKey } = counterKeys(now, program.timezone);
            await this.slots.release(
              record.memberId,
              { key: record._id, mass: false, day: dayKey, month: monthKey },
              true,
            );
          }
          return sent;
        });
        if (!('ok' in result)) {
          if (result.status === 'sent' && record.bonusState === 'due') await this.creditBonus(record._id);
          return result;
        }
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
    if (!template) return this.records.finish(record, now, { status: 'skipped', reason: 'no_template' });
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
      return this.records.finish(
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
      return this.records.finish(record, now, { status: 'skipped', reason: result.kind }, error);
    }
    switch (result.kind) {
      case 'unfollowed':
        await this.noteUnfollowed(record.memberId, now);
        return this.records.finish(record, now, { status: 'skipped', reason: 'unfollowed' }, error);
      case 'window_closed':
        // Our record of the window was wrong (e.g. an inbound never reported): forget it.
        await this.ctx.db.delivery.states.updateOne(
          { _id: record.memberId },
          { $set: { lastInboundAt: null, updatedAt: now } },
        );
        return this.records.finish(record, now, { status: 'skipped', reason: 'window_closed' }, error);
      case 'rate_limited':
        if (result.errcode === 45047) {
          // The window's count is used up: only the member's next message opens a new one.
          // Counted before the hold is written, so `noteInbound` never skips a held message.
          await this.ctx.db.delivery.states.updateOne(
            { _id: record.memberId },
            { $set: { csSentSinceInbound: 5, updatedAt: now }, $inc: { heldCount: 1 } },
            { upsert: true },
          );
          return this.records.finish(record, now, { status: 'held', reason: 'window_exhausted' }, error);
        }
        return this.records.retry(record, now, result, finalAttempt);
      case 'quota':
      case 'transient':
      case 'invalid_token':
        return this.records.retry(record, now, result, finalAttempt);
      case 'permanent':
        return this.records.finish(record, now, { status: 'failed', ...error }, error);
    }
  }
  /**
   * The bonus that came with a message just sent. Should this fail, the message stays sent and the
   * bonus `due`: the recovery sweep (`DeliveryBonus.settleDue`) credits it.
   */
  private async creditBonus(key: string): Promise<void> {
    try {
      await this.bonus.creditSent([key]);
    } catch (err) {
      this.ctx.logger.error({ err, key }, 'bonus of a sent message not credited yet; the sweep will');
    }
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
