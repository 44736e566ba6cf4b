import type { Program } from '../config/program-schema';
import { pointsToFen } from '../rules/points-to-fen';
import type { ReportBody } from './report-table';

/**
 * Points members still hold (available and pending) per tier, valued in fen the way campaign
 * liability values points (`pointsToFen` at the program's `pointsPerYuan`). Tiers in program
 * order, empty ones as 0; codes the program no longer has follow.
 */
export function liabilityReport(
  balances: readonly { tierCode: string; members: number; available: number; pending: number }[],
  program: Pick<Program, 'tiers' | 'redemption'>,
): ReportBody {
  const byTier = new Map(balances.map((b) => [b.tierCode, b]));
  const known = new Set(program.tiers.map((tier) => tier.code));
  const tiers = [
    ...program.tiers.map((tier) => ({ code: tier.code, name: tier.name })),
    ...balances
      .filter((b) => !known.has(b.tierCode))
      .sort((a, b) => a.tierCode.localeCompare(b.tierCode))
      .map((b) => ({ code: b.tierCode, name: b.tierCode })),
  ];
  return {
    columns: [
      { key: 'tier', label: '等级', kind: 'text' },
      { key: 'members', label: '会员数', kind: 'int' },
      { key: 'available', label: '可用积分', kind: 'int' },
      { key: 'pending', label: '待生效积分', kind: 'int' },
      { key: 'points', label: '积分合计', kind: 'int' },
      { key: 'valueFen', label: '折合金额（元）', kind: 'fen' },
    ],
    rows: tiers.map(({ code, name }) => {
      const b = byTier.get(code);
      const available = b?.available ?? 0;
      const pending = b?.pending ?? 0;
      const points = available + pending;
      return {
        tier: name,
        members: b?.members ?? 0,
        available,
        pending,
        points,
        valueFen: pointsToFen(points, program.redemption.pointsPerYuan),
      };
    }),
    chart: { type: 'doughnut', x: 'tier', series: ['valueFen'] },
  };
}
