import type { Program } from '../config/program-schema';
import type { ReportBody } from './report-table';

/**
 * Active members per tier, in the program's tier order with empty tiers as 0. A tier code the
 * program no longer has (members not yet reviewed after a publish) is listed after, by its code.
 */
export function tiersReport(
  groups: readonly { tierCode: string; members: number }[],
  program: Pick<Program, 'tiers'>,
): ReportBody {
  const counts = new Map(groups.map((g) => [g.tierCode, g.members]));
  const known = new Set(program.tiers.map((tier) => tier.code));
  const rows = [
    ...program.tiers.map((tier) => ({ tier: tier.name, members: counts.get(tier.code) ?? 0 })),
    ...groups
      .filter((g) => !known.has(g.tierCode))
      .sort((a, b) => a.tierCode.localeCompare(b.tierCode))
      .map((g) => ({ tier: g.tierCode, members: g.members })),
  ];
  return {
    columns: [
      { key: 'tier', label: '等级', kind: 'text' },
      { key: 'members', label: '会员数', kind: 'int' },
    ],
    rows,
    chart: { type: 'doughnut', x: 'tier', series: ['members'] },
  };
}
