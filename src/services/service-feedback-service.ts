import { isDuplicateKeyError } from '../data/duplicate-key';
import type { MemberRecord } from '../data/models/member-model';
import type { ServiceFeedbackRecord } from '../data/models/service-feedback-model';
import type { TransactionRecord } from '../data/models/transaction-model';
import { maskMobile } from '../lib/mask';
import { decidePostServiceFollowUp } from '../rules/post-service-due';
import { localDateOf } from '../rules/zoned-time';
import type { DeliveryService } from './delivery-service';
import type { ServiceContext } from './service-context';
import type { TransactionListener } from './transaction-service';

/** Adds the delayed follow-up job of a transaction (once: the job id derives from the transaction). */
export interface FollowUpJobs {
  schedule(transactionId: string, dueAt: Date, delayMs: number): Promise<void>;
}

/** A question is answered in the chat for this long after it was asked. */
export const RATING_WINDOW_MS = 7 * 86_400_000;
/** After answering, a second rating within this time gets "thanks again" instead of the menu item. */
const REANSWER_WINDOW_MS = 86_400_000;

export type AskOutcome =
  | { status: 'asked' | 'duplicate'; key: string }
  | { status: 'skipped'; reason: 'not_applied' | 'disabled' | 'category' | 'member_gone' };

export type RatingOutcome =
  | { ok: true; feedbackId: string; alerted: boolean }
  | { ok: false; reason: 'already_rated' | 'none_open' };

export interface FeedbackView {
  id: string;
  transactionId: string;
  member: { id: string; name: string | null; mobile: string | null };
  storeId: string;
  category: string;
  servedAt: string;
  askedAt: string;
  rating: number | null;
  comment: string | null;
  answeredAt: string | null;
  alertedAt: string | null;
  handledAt: string | null;
}

export interface FeedbackSummary {
  storeId: string;
  storeName: string | null;
  asked: number;
  answered: number;
  /** Mean of the ratings, two decimals; null before the first answer. */
  averageRating: number | null;
  /** Answers per rating: index 0 counts 1s. */
  ratingCounts: number[];
  alerts: number;
  openAlerts: number;
}

export interface StaffActor {
  role: string;
  storeId?: string | undefined;
}

export type HandleOutcome =
  | { ok: true; duplicate: boolean; feedback: FeedbackView }
  | { ok: false; reason: 'not_found' | 'forbidden_store' | 'not_an_alert' };

/**
 * The post-service follow-up (RULES.md §7): a transaction of a `postServiceFollowUp` category
 * schedules one delayed job; the job records the question (`service_feedback`, keyed by the
 * transaction id) and enqueues the message (`care:post_service:<transactionId>`); the member's
 * answer in the chat records the rating once and an optional comment. A rating at or below
 * `alertAtOrBelow` is a staff alert, listed until handled. Every step is keyed, so retries, a
 * transaction posted twice and the recovery sweep's re-run of listeners change nothing.
 */
export class ServiceFeedbackService {
  private jobs: FollowUpJobs | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: DeliveryService,
  ) {}

  /** The queue producer, set at start-up (every role posts transactions). */
  connect(parts: { jobs: FollowUpJobs }): void {
    this.jobs = parts.jobs;
  }

  /** `TransactionService.onApplied` listener: schedules the follow-up job when one is due. */
  readonly onTransactionApplied: TransactionListener = async ({ transaction }) => {
    const decision = decidePostServiceFollowUp(transaction, this.ctx.clock(), this.ctx.program.current());
    if (!decision.schedule) return;
    if (!this.jobs) throw new Error('ServiceFeedbackService has no job queue (connect() was not called)');
    await this.jobs.schedule(transaction._id, decision.dueAt, decision.delayMs);
  };

  /** The follow-up job: records the question, then enqueues the message (both idempotent). */
  async ask(transactionId: string): Promise<AskOutcome> {
    const { db, clock } = this.ctx;
    const program = this.ctx.program.current();
    const txn = await db.transactions.findById(transactionId).lean<TransactionRecord>();
    // A refunded (or never applied) service is not worth a question.
    if (txn?.status !== 'applied') return { status: 'skipped', reason: 'not_applied' };
    if (!program.care.postService.enabled) return { status: 'skipped', reason: 'disabled' };
    const category = program.categories[txn.category];
    if (!category?.postServiceFollowUp) return { status: 'skipped', reason: 'category' };
    const member = await db.members
      .findOne({ _id: txn.memberId, status: 'active' }, { _id: 1 })
      .lean<Pick<MemberRecord, '_id'>>();
    if (!member) return { status: 'skipped', reason: 'member_gone' };

    const now = clock();
    try {
      await db.followUp.feedback.create({
        _id: txn._id,
        memberId: txn.memberId,
        storeId: txn.storeId,
        category: txn.category,
        servedAt: txn.occurredAt,
        askedAt: now,
        rating: null,
        comment: null,
        answeredAt: null,
        commentedAt: null,
        alertedAt: null,
        handledAt: null,
        handledBy: null,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const served = localDateOf(txn.occurredAt, program.timezone);
    const storeName = program.stores.find((store) => store.id === txn.storeId)?.name ?? '本店';
    const max = program.care.postService.maxRating;
    const outcome = await this.delivery.enqueue({
      key: `care:post_service:${txn._id}`,
      memberId: txn.memberId,
      category: 'service',
      kind: 'post_service',
      text: `您 ${served.month}月${served.day}日在${storeName}的${category.name}服务满意吗？回复 1–${max} 分（${max} 分最满意），也可以说说您的建议。`,
      // Past the answer window the question is pointless: skipped rather than sent late.
      expiresAt: new Date(now.getTime() + RATING_WINDOW_MS),
    });
    if (!outcome.ok) throw new Error(`post-service message rejected: ${outcome.issues.join('; ')}`);
    return { status: outcome.status === 'enqueued' ? 'asked' : 'duplicate', key: outcome.key };
  }

  /** Whether a rating-like message from this member answers a follow-up question. */
  async expectsRating(memberId: string): Promise<boolean> {
    return (await this.ratingState(memberId)) !== null;
  }

  /**
   * The member's latest question (asked in the last 7 days): still `unanswered`, or `answered` in
   * the last 24 h (a second rating gets "thanks again"); null otherwise.
   */
  async ratingState(memberId: string): Promise<'unanswered' | 'answered' | null> {
    const now = this.ctx.clock().getTime();
    const latest = await this.latestAsked(memberId, now);
    if (!latest) return null;
    if (latest.rating === null) return 'unanswered';
    return (latest.answeredAt?.getTime() ?? 0) >= now - REANSWER_WINDOW_MS ? 'answered' : null;
  }

  /** Records the member's rating of their latest open question, once. */
  async recordRating(memberId: string, rating: number): Promise<RatingOutcome> {
    const { db, clock, logger } = this.ctx;
    const settings = this.ctx.program.current().care.postService;
    if (!Number.isInteger(rating) || rating < 1 || rating > settings.maxRating)
      throw new Error(`rating ${rating} out of range`);
    const now = clock();
    const open = await db.followUp.feedback
      .findOne({ memberId, rating: null, askedAt: { $gte: new Date(now.getTime() - RATING_WINDOW_MS) } })
      .sort({ askedAt: -1 })
      .lean<ServiceFeedbackRecord>();
    if (!open) {
      const answered = await this.latestAsked(memberId, now.getTime());
      return { ok: false, reason: answered ? 'already_rated' : 'none_open' };
    }
    const alerted = rating <= settings.alertAtOrBelow;
    // One conditional update sets the rating and the alert together: a crash cannot leave a low
    // rating without its alert, and a concurrent second answer finds `rating` already set.
    const update = await db.followUp.feedback.updateOne(
      { _id: open._id, rating: null },
      { $set: { rating, answeredAt: now, alertedAt: alerted ? now : null } },
    );
    if (update.modifiedCount !== 1) return { ok: false, reason: 'already_rated' };
    if (alerted) {
      logger.warn(
        { feedbackId: open._id, storeId: open.storeId, category: open.category, rating },
        'low post-service rating: staff alerted',
      );
    }
    return { ok: true, feedbackId: open._id, alerted };
  }

  /** Adds the member's optional comment to a rating they gave (once). */
  async recordComment(memberId: string, feedbackId: string, comment: string): Promise<{ saved: boolean }> {
    const update = await this.ctx.db.followUp.feedback.updateOne(
      { _id: feedbackId, memberId, rating: { $ne: null }, comment: null },
      { $set: { comment, commentedAt: this.ctx.clock() } },
    );
    return { saved: update.modifiedCount === 1 };
  }

  /** Answered feedback (or alerts only), newest first; a store key sees its own store's only. */
  async list(options: {
    alert?: boolean | undefined;
    handled?: boolean | undefined;
    storeId?: string | undefined;
    revealMobile: boolean;
    limit?: number;
  }): Promise<FeedbackView[]> {
    const filter: Record<string, unknown> = { answeredAt: { $ne: null } };
    if (options.alert !== undefined) filter.alertedAt = options.alert ? { $ne: null } : null;
    if (options.handled !== undefined) filter.handledAt = options.handled ? { $ne: null } : null;
    if (options.storeId) filter.storeId = options.storeId;
    const records = await this.ctx.db.followUp.feedback
      .find(filter)
      .sort({ answeredAt: -1 })
      .limit(options.limit ?? 200)
      .lean<ServiceFeedbackRecord[]>();
    return this.views(records, options.revealMobile);
  }

  async markHandled(id: string, staff: StaffActor, revealMobile: boolean): Promise<HandleOutcome> {
    const { db, clock } = this.ctx;
    const record = await db.followUp.feedback.findById(id).lean<ServiceFeedbackRecord>();
    if (!record) return { ok: false, reason: 'not_found' };
    if (staff.storeId && staff.storeId !== record.storeId) return { ok: false, reason: 'forbidden_store' };
    if (!record.alertedAt) return { ok: false, reason: 'not_an_alert' };
    const update = await db.followUp.feedback.updateOne(
      { _id: id, handledAt: null },
      { $set: { handledAt: clock(), handledBy: { role: staff.role, storeId: staff.storeId ?? null } } },
    );
    const current = await db.followUp.feedback.findById(id).lean<ServiceFeedbackRecord>();
    const [feedback] = await this.views([current ?? record], revealMobile);
    return { ok: true, duplicate: update.modifiedCount !== 1, feedback: feedback! };
  }

  /** Per store: questions asked, answers, the average rating and alerts (for the reports page). */
  async summary(options: { storeId?: string | undefined }): Promise<FeedbackSummary[]> {
    const program = this.ctx.program.current();
    // Grouped in the database by (store, rating, alert state): a handful of rows per store, however
    // many answers there are.
    const groups = await this.ctx.db.followUp.feedback.aggregate<{
      _id: { storeId: string; rating: number | null; alerted: boolean; open: boolean };
      n: number;
    }>([
      { $match: options.storeId ? { storeId: options.storeId } : {} },
      {
        $group: {
          _id: {
            storeId: '$storeId',
            rating: '$rating',
            alerted: { $ne: ['$alertedAt', null] },
            open: { $and: [{ $ne: ['$alertedAt', null] }, { $eq: ['$handledAt', null] }] },
          },
          n: { $sum: 1 },
        },
      },
    ]);
    const max = program.care.postService.maxRating;
    const byStore = new Map<
      string,
      { asked: number; answered: number; total: number; counts: number[]; alerts: number; open: number }
    >();
    for (const { _id: group, n } of groups) {
      let row = byStore.get(group.storeId);
      if (!row) {
        row = {
          asked: 0,
          answered: 0,
          total: 0,
          counts: Array.from({ length: max }, () => 0),
          alerts: 0,
          open: 0,
        };
        byStore.set(group.storeId, row);
      }
      row.asked += n;
      // A rating above a since-lowered maxRating still counts in the average, not in the histogram.
      if (group.rating !== null) {
        row.answered += n;
        row.total += group.rating * n;
        if (group.rating <= max) row.counts[group.rating - 1] = (row.counts[group.rating - 1] ?? 0) + n;
      }
      if (group.alerted) row.alerts += n;
      if (group.open) row.open += n;
    }
    return [...byStore.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([storeId, row]) => {
        const answered = row.answered;
        return {
          storeId,
          storeName: program.stores.find((store) => store.id === storeId)?.name ?? null,
          asked: row.asked,
          answered,
          averageRating: answered ? Math.round((row.total * 100) / answered) / 100 : null,
          ratingCounts: row.counts,
          alerts: row.alerts,
          openAlerts: row.open,
        };
      });
  }

  private latestAsked(memberId: string, now: number): Promise<ServiceFeedbackRecord | null> {
    return this.ctx.db.followUp.feedback
      .findOne({ memberId, askedAt: { $gte: new Date(now - RATING_WINDOW_MS) } })
      .sort({ askedAt: -1 })
      .lean<ServiceFeedbackRecord>();
  }

  private async views(records: ServiceFeedbackRecord[], revealMobile: boolean): Promise<FeedbackView[]> {
    const ids = [...new Set(records.map((record) => record.memberId))];
    const members = await this.ctx.db.members
      .find({ _id: { $in: ids } }, { name: 1, mobile: 1 })
      .lean<Pick<MemberRecord, '_id' | 'name' | 'mobile'>[]>();
    const byId = new Map(members.map((member) => [member._id, member]));
    const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
    return records.map((record) => {
      const member = byId.get(record.memberId);
      const mobile = member?.mobile ?? null;
      return {
        id: record._id,
        transactionId: record._id,
        member: {
          id: record.memberId,
          name: member?.name ?? null,
          mobile: mobile && !revealMobile ? maskMobile(mobile) : mobile,
        },
        storeId: record.storeId,
        category: record.category,
        servedAt: new Date(record.servedAt).toISOString(),
        askedAt: new Date(record.askedAt).toISOString(),
        rating: record.rating,
        comment: record.comment,
        answeredAt: iso(record.answeredAt),
        alertedAt: iso(record.alertedAt),
        handledAt: iso(record.handledAt),
      };
    });
  }
}
