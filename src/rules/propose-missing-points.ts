import type { Program } from '../config/program-schema';
import type { CampaignWindow } from './active-promotion';
import { decideTransaction, type MemberForTransaction } from './decide-transaction';
import type { EarnBreakdown } from './earn-points';
import { explainEarning } from './explain-entry';
import { parseIsoDate } from './local-date';
import { lotExpiresAt } from './lot-expiry';
import { startOfLocalDay } from './zoned-time';

/** What the program would have given for a reported purchase, had it arrived from the DMS. */
export interface MissingPointsProposal {
  category: string;
  categoryName: string;
  /** Credited in total (first-transaction bonus included): the figure to pre-fill. */
  points: number;
  /** Of which count toward tiers. */
  qualifyingPoints: number;
  breakdown: EarnBreakdown;
  /** The arithmetic in plain Chinese, as the credit would be made now (no pending period). */
  explanation: string;
}

/** The report carries a date only: the purchase is taken at noon that day (local time). */
const NOON_MS = 12 * 3_600_000;

/**
 * Proposals for a 积分没到账 report (`date` YYYY-MM-DD, `amountFen`), one per category of the
 * program, the likeliest first: the category the member named (`report.category`, as in
 * 「保养的积分没加上」), then a service category (one with a post-service follow-up, as most
 * reports are about a workshop visit), then the rest in the program's order. Each is the very decision a DMS transaction gets (`decideTransaction`: tier,
 * promotions including campaign windows, first-transaction bonus) for the member as they are at
 * `now`. Pure; an unreadable date proposes nothing.
 */
export function proposeMissingPoints(
  member: MemberForTransaction,
  report: { id: string; date: string; amountFen: number; category?: string | null },
  campaigns: readonly CampaignWindow[],
  now: Date,
  program: Program,
): MissingPointsProposal[] {
  const date = parseIsoDate(report.date);
  if (!date) return [];
  const occurredAt = new Date(startOfLocalDay(date, program.timezone).getTime() + NOON_MS);
  const codes = Object.keys(program.categories);
  const likely = codes.filter((code) => program.categories[code]!.postServiceFollowUp);
  const named = report.category && codes.includes(report.category) ? [report.category] : [];
  const ordered = [...new Set([...named, ...likely, ...codes.filter((code) => !likely.includes(code))])];
  const proposals: MissingPointsProposal[] = [];
  for (const category of ordered) {
    const decision = decideTransaction(
      member,
      {
        transactionId: `missing-report-${report.id}-${category}`,
        category,
        amountFen: report.amountFen,
        occurredAt,
      },
      campaigns,
      now,
      program,
    );
    if (!decision.ok) continue;
    const { breakdown } = decision.earned;
    proposals.push({
      category,
      categoryName: breakdown.categoryName,
      points: decision.earned.points,
      qualifyingPoints: decision.earned.qualifyingPoints,
      breakdown,
      // A correction is credited at once, its lot expiring from the day of the credit.
      explanation: explainEarning(
        { ...breakdown, pendingUntil: null, expiresAt: lotExpiresAt(now, program) },
        program.timezone,
      ),
    });
  }
  return proposals;
}
