import type { LedgerEntryType } from '../rules/ledger-entry';
import type { ReportBody } from './report-table';
import type { ReportWeek } from './report-weeks';

/** The ledger entry types the points report reads. */
export const pointsReportEntryTypes = [
  'earn',
  'bonus',
  'welcome',
  'referral',
  'adjust',
  'redeem',
  'cancel_redemption',
  'expire',
  'refund',
] as const satisfies readonly LedgerEntryType[];

/** Types whose positive points are newly issued points (an `adjust` counts only when positive). */
const ISSUING: ReadonlySet<string> = new Set(['earn', 'bonus', 'welcome', 'referral', 'adjust']);

/**
 * Points per week from the ledger, by when entries were recorded: issued (earnings, bonuses,
 * welcome and referral points, positive adjustments — pending credits included), redeemed, and
 * expired; plus what went back to members from cancelled redemptions and what was taken back
 * (refunds, negative adjustments), so the weeks reconcile with the balances.
 */
export function pointsReport(
  weeks: readonly ReportWeek[],
  sums: readonly { week: number; type: string; credited: number; debited: number }[],
): ReportBody {
  const rows = weeks.map((week) => ({
    week: week.label,
    issued: 0,
    redeemed: 0,
    expired: 0,
    returned: 0,
    clawedBack: 0,
  }));
  for (const sum of sums) {
    const row = rows[sum.week];
    if (!row) continue;
    if (ISSUING.has(sum.type)) row.issued += sum.credited;
    if (sum.type === 'redeem') row.redeemed -= sum.debited;
    else if (sum.type === 'expire') row.expired -= sum.debited;
    else if (sum.type === 'cancel_redemption') row.returned += sum.credited;
    else if (sum.type === 'refund' || sum.type === 'adjust') row.clawedBack -= sum.debited;
  }
  return {
    columns: [
      { key: 'week', label: '周', kind: 'text' },
      { key: 'issued', label: '发放积分', kind: 'int' },
      { key: 'redeemed', label: '兑换消耗', kind: 'int' },
      { key: 'expired', label: '过期积分', kind: 'int' },
      { key: 'returned', label: '取消兑换退回', kind: 'int' },
      { key: 'clawedBack', label: '退款及扣减收回', kind: 'int' },
    ],
    rows,
    chart: { type: 'bar', x: 'week', series: ['issued', 'redeemed', 'expired'] },
  };
}
