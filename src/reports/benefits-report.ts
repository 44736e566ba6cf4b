import type { Program } from '../config/program-schema';
import type { ReportBody } from './report-table';

/**
 * Free maintenances used per tier and store in a period (RULES.md §11): uses that stand, and uses
 * given back (undone) apart. Tiers in the program's order, stores in the program's order; a tier
 * or store the program no longer has is shown by its code. Only pairs with uses are listed.
 */
export function benefitsReport(
  counts: readonly { tierCode: string; storeId: string | null; status: string; count: number }[],
  program: Pick<Program, 'tiers' | 'stores'>,
): ReportBody {
  const rows = new Map<string, { tierCode: string; storeId: string | null; used: number; undone: number }>();
  for (const c of counts) {
    const key = `${c.tierCode}|${c.storeId ?? ''}`;
    const row = rows.get(key) ?? { tierCode: c.tierCode, storeId: c.storeId, used: 0, undone: 0 };
    if (c.status === 'undone') row.undone += c.count;
    else row.used += c.count;
    rows.set(key, row);
  }
  const tierOrder = (code: string) => {
    const i = program.tiers.findIndex((t) => t.code === code);
    return i < 0 ? program.tiers.length : i;
  };
  const storeOrder = (id: string | null) => {
    const i = program.stores.findIndex((s) => s.id === id);
    return i < 0 ? program.stores.length : i;
  };
  const sorted = [...rows.values()].sort(
    (a, b) =>
      tierOrder(a.tierCode) - tierOrder(b.tierCode) ||
      a.tierCode.localeCompare(b.tierCode) ||
      storeOrder(a.storeId) - storeOrder(b.storeId),
  );
  return {
    columns: [
      { key: 'tier', label: '等级', kind: 'text' },
      { key: 'store', label: '门店', kind: 'text' },
      { key: 'used', label: '免费保养使用次数', kind: 'int' },
      { key: 'undone', label: '已撤销', kind: 'int' },
    ],
    rows: sorted.map((row) => ({
      tier: program.tiers.find((t) => t.code === row.tierCode)?.name ?? row.tierCode,
      store: program.stores.find((s) => s.id === row.storeId)?.name ?? row.storeId ?? '—',
      used: row.used,
      undone: row.undone,
    })),
    chart: { type: 'stackedBar', x: 'tier', series: ['used'] },
  };
}
