import type { ReportBody } from './report-table';

/** Care messages (RULES.md §7, the win-back of §8) by delivery `kind`, in the order listed. */
export const careDeliveryKinds = [
  { kind: 'birthday', name: '生日祝福' },
  { kind: 'maintenance_due', name: '保养提醒' },
  { kind: 'insurance_renewal', name: '续保提醒' },
  { kind: 'inspection_due', name: '年检提醒' },
  { kind: 'points_expiring', name: '积分到期提醒' },
  { kind: 'voucher_expiring', name: '券到期提醒' },
  { kind: 'post_service', name: '服务回访' },
  { kind: 'win_back', name: '老客唤回' },
] as const;

/** The skip reasons staff act on, each its own column; the rest are counted as `skippedOther`. */
const SKIP_GROUPS: Readonly<Record<string, 'skippedUnfollowed' | 'skippedNoConsent' | 'skippedCap'>> = {
  unfollowed: 'skippedUnfollowed',
  no_consent: 'skippedNoConsent',
  opted_out: 'skippedNoConsent',
  cap_reached: 'skippedCap',
  platform_cap: 'skippedCap',
};

/**
 * Outcomes of care messages per kind from their delivery records: sent, skipped (by main reason),
 * failed, and still waiting (queued, deferred to the morning, held, handed to the mass send).
 */
export function careOutcomesReport(
  counts: readonly { kind: string; status: string; reason: string | null; count: number }[],
): ReportBody {
  const rows = careDeliveryKinds.map(({ kind, name }) => ({
    kind: name,
    code: kind,
    total: 0,
    sent: 0,
    skipped: 0,
    skippedUnfollowed: 0,
    skippedNoConsent: 0,
    skippedCap: 0,
    skippedOther: 0,
    failed: 0,
    waiting: 0,
  }));
  for (const c of counts) {
    const row = rows.find((r) => r.code === c.kind);
    if (!row) continue;
    row.total += c.count;
    if (c.status === 'sent') row.sent += c.count;
    else if (c.status === 'failed') row.failed += c.count;
    else if (c.status === 'skipped') {
      row.skipped += c.count;
      row[SKIP_GROUPS[c.reason ?? ''] ?? 'skippedOther'] += c.count;
    } else row.waiting += c.count;
  }
  return {
    columns: [
      { key: 'kind', label: '消息类型', kind: 'text' },
      { key: 'total', label: '总数', kind: 'int' },
      { key: 'sent', label: '已发送', kind: 'int' },
      { key: 'skipped', label: '已跳过', kind: 'int' },
      { key: 'skippedUnfollowed', label: '跳过：已取关', kind: 'int' },
      { key: 'skippedNoConsent', label: '跳过：未同意或已退订', kind: 'int' },
      { key: 'skippedCap', label: '跳过：超出频次', kind: 'int' },
      { key: 'skippedOther', label: '跳过：其他原因', kind: 'int' },
      { key: 'failed', label: '失败', kind: 'int' },
      { key: 'waiting', label: '待发送', kind: 'int' },
    ],
    rows: rows.map(({ code: _code, ...row }) => row),
    chart: {
      type: 'stackedBar',
      x: 'kind',
      series: [
        'sent',
        'skippedUnfollowed',
        'skippedNoConsent',
        'skippedCap',
        'skippedOther',
        'failed',
        'waiting',
      ],
    },
  };
}
