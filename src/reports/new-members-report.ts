import type { ReportBody } from './report-table';
import type { ReportWeek } from './report-weeks';

/**
 * New members per week: brought by a referral, imported from the dealer's list, or joined on their
 * own (organic: everything else). Every week of the range is a row, empty weeks as 0.
 */
export function newMembersReport(
  weeks: readonly ReportWeek[],
  signups: readonly { week: number; referred: number; imported: number; total: number }[],
): ReportBody {
  const byWeek = new Map(signups.map((s) => [s.week, s]));
  return {
    columns: [
      { key: 'week', label: '周', kind: 'text' },
      { key: 'referral', label: '推荐入会', kind: 'int' },
      { key: 'organic', label: '自然入会', kind: 'int' },
      { key: 'imported', label: '批量导入', kind: 'int' },
      { key: 'total', label: '合计', kind: 'int' },
    ],
    rows: weeks.map((week, index) => {
      const s = byWeek.get(index);
      const referral = s?.referred ?? 0;
      const imported = s?.imported ?? 0;
      const total = s?.total ?? 0;
      return { week: week.label, referral, organic: total - referral - imported, imported, total };
    }),
    chart: { type: 'stackedBar', x: 'week', series: ['referral', 'organic', 'imported'] },
  };
}
