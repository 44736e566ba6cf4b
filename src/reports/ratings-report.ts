import type { ReportBody } from './report-table';
import type { ReportWeek } from './report-weeks';

/**
 * Post-service ratings answered per week: how many, the average (2 decimals, 0 for a week without
 * answers) and how many were low enough to alert staff.
 */
export function ratingsReport(
  weeks: readonly ReportWeek[],
  ratings: readonly { week: number; answered: number; ratingSum: number; alerts: number }[],
): ReportBody {
  const byWeek = new Map(ratings.map((r) => [r.week, r]));
  return {
    columns: [
      { key: 'week', label: '周', kind: 'text' },
      { key: 'answered', label: '评价数', kind: 'int' },
      { key: 'averageRating', label: '平均分', kind: 'decimal' },
      { key: 'alerts', label: '低分提醒', kind: 'int' },
    ],
    rows: weeks.map((week, index) => {
      const r = byWeek.get(index);
      const answered = r?.answered ?? 0;
      return {
        week: week.label,
        answered,
        // Integer sums divided once and rounded half up to hundredths.
        averageRating: answered > 0 ? Math.round(((r?.ratingSum ?? 0) * 100) / answered) / 100 : 0,
        alerts: r?.alerts ?? 0,
      };
    }),
    chart: { type: 'line', x: 'week', series: ['averageRating'] },
  };
}
