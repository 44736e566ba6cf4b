import type {
  MissingPointsDecision,
  MissingPointsReportRecord,
} from '../data/models/missing-points-report-model';
import type { Program } from '../config/program-schema';
import { type ServiceKind, serviceIdIn } from '../conversation/intents/slots';
import { missingPointsOutcomeText } from '../delivery/missing-points-copy';
import { newId } from '../lib/new-id';
import { adjustPoints } from '../rules/adjust-points';
import { lotExpiresAt } from '../rules/lot-expiry';
import { applyAccountChange } from './apply-account-change';
import type { DeliveryService } from './delivery-service';
import type { ServiceContext } from './service-context';

export interface OpenReportInput {
  memberId: string;
  /** Local date of the missing transaction, YYYY-MM-DD. */
  date: string;
  amountFen: number;
  storeId: string;
  invoiceUrl?: string | null;
  invoiceMediaId?: string | null;
  note?: string | null;
  /** A service word the member used (slots): kept as the program category it names, if any. */
  service?: ServiceKind | null;
  channel: 'chat' | 'counter';
}

export interface MissingPointsReportView {
  id: string;
  memberId: string;
  date: string;
  amountFen: number;
  storeId: string;
  /** The category the member named, or null: staff see its proposal first. */
  category: string | null;
  invoice: MissingPointsReportRecord['invoice'];
  note: string | null;
  channel: string;
  status: 'open' | 'resolved' | 'rejected';
  outcome: MissingPointsReportRecord['outcome'];
  openedAt: string;
  decidedAt: string | null;
  notifiedAt: string | null;
}

export type DecideOutcome =
  | { ok: true; duplicate: boolean; report: MissingPointsReportView }
  | { ok: false; reason: 'not_found' | 'forbidden_store' }
  | { ok: false; reason: 'already_decided'; report: MissingPointsReportView };

export interface Decider {
  role: string;
  /** A store-scoped key decides only its own store's reports. */
  storeId?: string | undefined;
}

/** The delivery key of the message that tells the member a report's outcome. */
export function missingPointsOutcomeKey(reportId: string): string {
  return `missing-points:${reportId}:outcome`;
}

/** Decided reports older than this are no longer worth telling (e.g. decided before notices existed). */
const NOTIFY_WITHIN_MS = 7 * 24 * 3_600_000;

/**
 * 积分没到账 (RULES.md §3): a member reports a transaction whose points they did not get; staff
 * resolve it with a reasoned adjustment — exactly once, under the operation key
 * `missing-report:<id>` — or reject it with a reason. The outcome (with the member's message) is
 * kept on the report and handed to delivery as a service message under the key
 * `missing-points:<id>:outcome`, so it is sent once, under the delivery policy (window, quiet
 * hours, unfollowed); `notifiedAt` records the hand-off.
 *
 * A decision is claimed first (open → resolving/rejected, one conditional update), so two staff
 * members deciding at once cannot both win; a claimed resolution whose credit a crash interrupted,
 * or an outcome a crash kept from delivery, is finished by `recoverStuck` (or by repeating the
 * same request).
 */
export class MissingPointsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: DeliveryService,
  ) {}

  async open(
    input: OpenReportInput,
  ): Promise<{ ok: true; report: MissingPointsReportView } | { ok: false; reason: 'member_not_found' }> {
    const { db } = this.ctx;
    const exists = await db.members.exists({ _id: input.memberId, status: 'active' });
    if (!exists) return { ok: false, reason: 'member_not_found' };
    const record: MissingPointsReportRecord = {
      _id: newId(),
      memberId: input.memberId,
      date: input.date,
      amountFen: input.amountFen,
      storeId: input.storeId,
      category: input.service ? categoryNamed(input.service, this.ctx.program.current()) : null,
      invoice:
        input.invoiceUrl || input.invoiceMediaId
          ? { url: input.invoiceUrl ?? null, mediaId: input.invoiceMediaId ?? null }
          : null,
      note: input.note ?? null,
      channel: input.channel,
      status: 'open',
      decision: null,
      outcome: null,
      notifiedAt: null,
      openedAt: this.ctx.clock(),
      decidedAt: null,
    };
    await db.membership.missingPointsReports.create(record);
    return { ok: true, report: view(record) };
  }

  /** Open reports, oldest first: a store's, or the group's. */
  async listOpen(options: {
    storeId?: string | undefined;
    limit?: number;
  }): Promise<MissingPointsReportView[]> {
    const reports = await this.ctx.db.membership.missingPointsReports
      .find({
        status: { $in: ['open', 'resolving'] },
        ...(options.storeId ? { storeId: options.storeId } : {}),
      })
      .sort({ openedAt: 1 })
      .limit(options.limit ?? 200)
      .lean<MissingPointsReportRecord[]>();
    return reports.map(view);
  }

  async listForMember(memberId: string): Promise<MissingPointsReportView[]> {
    const reports = await this.ctx.db.membership.missingPointsReports
      .find({ memberId })
      .sort({ openedAt: -1 })
      .limit(100)
      .lean<MissingPointsReportRecord[]>();
    return reports.map(view);
  }

  /**
   * Credits `points` with `reason`. By default they also count as qualifying points (the report
   * stands for a missing spending transaction, so tier progress must not be lost); `qualifying:
   * false` for a goodwill gesture.
   */
  async resolve(
    reportId: string,
    input: { points: number; reason: string; qualifying?: boolean },
    by: Decider,
  ): Promise<DecideOutcome> {
    const decision: MissingPointsDecision = {
      kind: 'resolve',
      points: input.points,
      qualifyingPoints: input.qualifying === false ? 0 : input.points,
      reason: input.reason,
      at: this.ctx.clock(),
      byRole: by.role,
    };
    return this.decide(reportId, decision, by);
  }

  async reject(reportId: string, input: { reason: string }, by: Decider): Promise<DecideOutcome> {
    const decision: MissingPointsDecision = {
      kind: 'reject',
      points: 0,
      qualifyingPoints: 0,
      reason: input.reason,
      at: this.ctx.clock(),
      byRole: by.role,
    };
    return this.decide(reportId, decision, by);
  }

  /**
   * Finishes resolutions claimed but not applied (a crash between the claim and the credit), and
   * hands outcomes not yet handed to delivery (a crash, or decided while delivery was unreachable).
   */
  async recoverStuck(olderThanMs = 30_000): Promise<number> {
    const now = this.ctx.clock().getTime();
    const cutoff = new Date(now - olderThanMs);
    const reports = this.ctx.db.membership.missingPointsReports;
    const stuck = await reports
      .find({ status: 'resolving', decidedAt: { $lte: cutoff } })
      .lean<MissingPointsReportRecord[]>();
    for (const report of stuck) await this.notify(await this.applyResolution(report));
    // The start-up sweep runs before the delivery queue exists; the periodic sweeps catch up.
    if (!this.delivery.canEnqueue) return stuck.length;
    const untold = await reports
      .find({
        notifiedAt: null,
        decidedAt: { $gte: new Date(now - NOTIFY_WITHIN_MS), $lte: cutoff },
        status: { $in: ['resolved', 'rejected'] },
        'outcome.message': { $ne: '' },
      })
      .limit(1_000)
      .lean<MissingPointsReportRecord[]>();
    let told = 0;
    for (const report of untold) if ((await this.notify(report)).notifiedAt) told++;
    return stuck.length + told;
  }

  private async decide(
    reportId: string,
    decision: MissingPointsDecision,
    by: Decider,
  ): Promise<DecideOutcome> {
    const reports = this.ctx.db.membership.missingPointsReports;
    const report = await reports.findById(reportId).lean<MissingPointsReportRecord>();
    if (!report) return { ok: false, reason: 'not_found' };
    if (by.storeId && report.storeId !== by.storeId) return { ok: false, reason: 'forbidden_store' };
    const status = decision.kind === 'resolve' ? 'resolving' : 'rejected';
    const message = missingPointsOutcomeText({ date: report.date, amountFen: report.amountFen, decision });
    const claimed = await reports
      .findOneAndUpdate(
        { _id: reportId, status: 'open' },
        {
          $set: {
            status,
            decision,
            decidedAt: decision.at,
            ...(decision.kind === 'reject'
              ? {
                  outcome: { status: 'rejected', points: 0, reason: decision.reason, message },
                }
              : {}),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<MissingPointsReportRecord>();
    const current = claimed ?? (await reports.findById(reportId).lean<MissingPointsReportRecord>());
    if (!current) return { ok: false, reason: 'not_found' };
    const sameDecision =
      current.decision?.kind === decision.kind &&
      current.decision.points === decision.points &&
      current.decision.reason === decision.reason;
    if (!claimed && !sameDecision) return { ok: false, reason: 'already_decided', report: view(current) };
    const finished = current.status === 'resolving' ? await this.applyResolution(current) : current;
    return { ok: true, duplicate: !claimed, report: view(await this.notify(finished)) };
  }

  private async applyResolution(report: MissingPointsReportRecord): Promise<MissingPointsReportRecord> {
    const decision = report.decision!;
    const key = `missing-report:${report._id}`;
    const outcome = await applyAccountChange(
      this.ctx,
      report.memberId,
      key,
      report.storeId,
      (account, now, program) =>
        adjustPoints(account, {
          entryId: key,
          now,
          points: decision.points,
          reason: decision.reason,
          expiresAt: lotExpiresAt(now, program),
          qualifyingPoints: decision.qualifyingPoints,
          reference: report._id,
        }),
    );
    const credited = outcome.status === 'applied' || outcome.status === 'already_applied';
    const reports = this.ctx.db.membership.missingPointsReports;
    await reports.updateOne(
      { _id: report._id, status: 'resolving' },
      {
        $set: {
          status: 'resolved',
          outcome: credited
            ? {
                status: 'resolved',
                points: decision.points,
                reason: decision.reason,
                message: missingPointsOutcomeText({
                  date: report.date,
                  amountFen: report.amountFen,
                  decision,
                }),
              }
            : // The member was erased before the credit: nobody to credit or tell.
              { status: 'resolved', points: 0, reason: decision.reason, message: '' },
        },
      },
    );
    return (await reports.findById(report._id).lean<MissingPointsReportRecord>())!;
  }

  /**
   * Hands a decided report's message to delivery (once: the key is the report's) and records the
   * hand-off in `notifiedAt`. Nothing for an undecided report, an empty message (the member was
   * erased before the credit) or before delivery is connected; the recovery sweep retries those.
   */
  private async notify(report: MissingPointsReportRecord): Promise<MissingPointsReportRecord> {
    const message = report.outcome?.message;
    const decided = report.status === 'resolved' || report.status === 'rejected';
    if (!decided || !message || report.notifiedAt || !this.delivery.canEnqueue) return report;
    const outcome = await this.delivery.enqueue({
      key: missingPointsOutcomeKey(report._id),
      memberId: report.memberId,
      category: 'service',
      kind: 'missing_points_outcome',
      text: message,
    });
    if (!outcome.ok) {
      this.ctx.logger.error({ reportId: report._id, issues: outcome.issues }, 'outcome message refused');
      return report;
    }
    const reports = this.ctx.db.membership.missingPointsReports;
    await reports.updateOne(
      { _id: report._id, notifiedAt: null },
      { $set: { notifiedAt: this.ctx.clock() } },
    );
    return (await reports.findById(report._id).lean<MissingPointsReportRecord>()) ?? report;
  }
}

/** The program's category a service word names (serviceIdIn over the categories), or null. */
function categoryNamed(service: ServiceKind, program: Program): string | null {
  const categories = Object.entries(program.categories).map(([id, category]) => ({
    id,
    name: category.name,
  }));
  return serviceIdIn(service, categories);
}

function view(report: MissingPointsReportRecord): MissingPointsReportView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: report._id,
    memberId: report.memberId,
    date: report.date,
    amountFen: report.amountFen,
    storeId: report.storeId,
    category: report.category ?? null,
    invoice: report.invoice,
    note: report.note,
    channel: report.channel,
    status: report.status === 'resolving' ? 'open' : report.status,
    outcome: report.outcome,
    openedAt: new Date(report.openedAt).toISOString(),
    decidedAt: iso(report.decidedAt),
    notifiedAt: iso(report.notifiedAt),
  };
}
