import { BookingReportQueries, ReportQueries } from '../data/report-queries';
import {
  type BookingWeekRow,
  bookingConversionRows,
  bookingWeekRows,
  type ConversionRow,
  conversionKinds,
  weeksBetween,
} from '../reports/booking-reports';
import { benefitsReport } from '../reports/benefits-report';
import { campaignFunnelReport, type FunnelCampaign } from '../reports/campaign-funnel-report';
import { careDeliveryKinds, careOutcomesReport } from '../reports/care-outcomes-report';
import { liabilityReport } from '../reports/liability-report';
import { newMembersReport } from '../reports/new-members-report';
import { pointsReport, pointsReportEntryTypes } from '../reports/points-report';
import { ratingsReport } from '../reports/ratings-report';
import { isReportId, type ReportId, reportCatalogue } from '../reports/report-catalogue';
import type { ReportBody, ReportTable } from '../reports/report-table';
import { type ReportWeek, recentWeeks } from '../reports/report-weeks';
import { tiersReport } from '../reports/tiers-report';
import { addLocalDays, formatIsoDate, type LocalDate } from '../rules/local-date';
import { startOfLocalDay } from '../rules/zoned-time';
import type { CampaignService } from './campaign-service';
import type { ServiceContext } from './service-context';

export interface BookingWeeksReport {
  from: string;
  to: string;
  storeId: string | null;
  weeks: string[];
  rows: BookingWeekRow[];
  generatedAt: string;
}

export interface BookingConversionReport {
  from: string;
  to: string;
  withinDays: number;
  rows: ConversionRow[];
  generatedAt: string;
}

export interface ReportSummary {
  id: ReportId;
  title: string;
  description: string;
}

/** Campaigns the funnel shows at most (the newest that started within the weeks asked for). */
const FUNNEL_CAMPAIGNS = 20;
/** Campaigns read to find them: drafts and older ones are skipped in between. */
const FUNNEL_SCAN = 100;

/**
 * The staff reports: load aggregates through `ReportQueries` (grouped in the database), then
 * shape them with the pure functions of `src/reports/`. Weekly reports cover the `weeks` ISO
 * weeks up to the current one on the program's calendar; `tiers` and `liability` are as of now.
 */
export class ReportService {
  private readonly queries: ReportQueries;
  private readonly bookingQueries: BookingReportQueries;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly campaigns: CampaignService,
  ) {
    this.queries = new ReportQueries(ctx.db);
    this.bookingQueries = new BookingReportQueries(ctx.db);
  }

  /** Bookings per store and ISO week of their slot, from `from` to `to` (local dates, inclusive). */
  async bookingWeeks(options: {
    from: LocalDate;
    to: LocalDate;
    storeId?: string;
  }): Promise<BookingWeeksReport> {
    const timeZone = this.ctx.program.current().timezone;
    const weeks = weeksBetween(options.from, options.to, timeZone);
    const bounds = [...weeks.map((week) => week.start), weeks[weeks.length - 1]!.end];
    const counts = await this.bookingQueries.bookingsByStoreWeek(bounds, options.storeId);
    return {
      from: formatIsoDate(options.from),
      to: formatIsoDate(options.to),
      storeId: options.storeId ?? null,
      weeks: weeks.map((week) => week.label),
      rows: bookingWeekRows(weeks, counts),
      generatedAt: this.ctx.clock().toISOString(),
    };
  }

  /**
   * Care reminders sent from `from` to `to` (local dates, inclusive) per kind, and how many were
   * followed within `withinDays` by a booking of the same member (and car, when known).
   */
  async bookingConversion(options: {
    from: LocalDate;
    to: LocalDate;
    withinDays: number;
  }): Promise<BookingConversionReport> {
    const timeZone = this.ctx.program.current().timezone;
    const start = startOfLocalDay(options.from, timeZone);
    const end = startOfLocalDay(addLocalDays(options.to, 1), timeZone);
    const reminders = await this.bookingQueries.sentCareReminders(
      conversionKinds.map((k) => k.kind),
      start,
      end,
    );
    const members = [...new Set(reminders.map((r) => r.memberId))];
    const bookings = await this.bookingQueries.bookingsMadeBy(
      members,
      start,
      new Date(end.getTime() + options.withinDays * 86_400_000),
    );
    return {
      from: formatIsoDate(options.from),
      to: formatIsoDate(options.to),
      withinDays: options.withinDays,
      rows: bookingConversionRows(reminders, bookings, options.withinDays),
      generatedAt: this.ctx.clock().toISOString(),
    };
  }

  list(): ReportSummary[] {
    return reportCatalogue.map(({ id, title, description }) => ({ id, title, description }));
  }

  has(id: string): boolean {
    return isReportId(id);
  }

  /**
   * Free maintenances used per tier and store between the local days `from` and `to` (inclusive),
   * optionally of one store.
   */
  async benefits(from: LocalDate, to: LocalDate, storeId?: string): Promise<ReportTable> {
    const now = this.ctx.clock();
    const program = this.ctx.program.current();
    const counts = await this.queries.benefitUses(
      startOfLocalDay(from, program.timezone),
      startOfLocalDay(addLocalDays(to, 1), program.timezone),
    );
    const body = benefitsReport(
      counts.filter((c) => c.benefitId === 'free_maintenance' && (!storeId || c.storeId === storeId)),
      program,
    );
    return { id: 'benefits', title: '免费保养使用（按等级、门店）', generatedAt: now.toISOString(), ...body };
  }

  /** The report `id` over the last `weeks` weeks, or null for an unknown id. */
  async build(id: string, options: { weeks: number }): Promise<ReportTable | null> {
    if (!isReportId(id)) return null;
    const now = this.ctx.clock();
    const program = this.ctx.program.current();
    const weeks = recentWeeks(now, options.weeks, program.timezone);
    const bounds = [...weeks.map((week) => week.start), weeks[weeks.length - 1]!.end];
    const body = await this.body(id, now, weeks, bounds);
    const entry = reportCatalogue.find((report) => report.id === id)!;
    return { id, title: entry.title, generatedAt: now.toISOString(), ...body };
  }

  private async body(id: ReportId, now: Date, weeks: ReportWeek[], bounds: Date[]): Promise<ReportBody> {
    const program = this.ctx.program.current();
    switch (id) {
      case 'tiers':
        return tiersReport(await this.queries.membersByTier(), program);
      case 'new-members':
        return newMembersReport(weeks, await this.queries.signupsByWeek(bounds));
      case 'points':
        return pointsReport(weeks, await this.queries.ledgerByWeek(pointsReportEntryTypes, bounds));
      case 'liability':
        return liabilityReport(await this.queries.balancesByTier(now), program);
      case 'campaign-funnel':
        return campaignFunnelReport(await this.funnelCampaigns(bounds[0]!, now), program.timezone);
      case 'care-outcomes': {
        const kinds = careDeliveryKinds.map((k) => k.kind);
        const to = bounds[bounds.length - 1]!;
        return careOutcomesReport(await this.queries.deliveryOutcomes(kinds, bounds[0]!, to));
      }
      case 'ratings':
        return ratingsReport(weeks, await this.queries.ratingsByWeek(bounds));
    }
  }

  /**
   * Campaigns that started since `from` (drafts never started), newest `FUNNEL_CAMPAIGNS`, listed
   * oldest first, with the live counts `CampaignService.get` computes from delivery records.
   */
  private async funnelCampaigns(from: Date, now: Date): Promise<FunnelCampaign[]> {
    const recent = await this.campaigns.list({ limit: FUNNEL_SCAN });
    const picked = recent
      .filter((c) => c.status !== 'draft' && c.startAt.getTime() >= from.getTime() && c.startAt <= now)
      .slice(0, FUNNEL_CAMPAIGNS);
    const views = await Promise.all(picked.map((c) => this.campaigns.get(c.id)));
    return views.filter((view) => view !== null).sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
  }
}
