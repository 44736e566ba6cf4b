import { formatIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import type { ReportBody } from './report-table';

/** A campaign with the live counts `CampaignService.get` reads from its delivery records. */
export interface FunnelCampaign {
  readonly name: string;
  readonly status: string;
  readonly startAt: Date;
  readonly counts: {
    readonly targeted: number;
    readonly inProgress: number;
    readonly sent: number;
    readonly massPending: number;
    readonly skipped: Readonly<Record<string, number>>;
    readonly failed: number;
    readonly bonusCredited: number;
  };
}

const STATUS_NAMES: Readonly<Record<string, string>> = {
  draft: '草稿',
  scheduled: '待开始',
  running: '发送中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已取消',
};

/** One row per campaign, in the order given (the service passes them oldest first). */
export function campaignFunnelReport(campaigns: readonly FunnelCampaign[], timeZone: string): ReportBody {
  return {
    columns: [
      { key: 'campaign', label: '活动', kind: 'text' },
      { key: 'startAt', label: '开始日期', kind: 'date' },
      { key: 'status', label: '状态', kind: 'text' },
      { key: 'targeted', label: '目标人数', kind: 'int' },
      { key: 'sent', label: '已发送', kind: 'int' },
      { key: 'massPending', label: '待群发', kind: 'int' },
      { key: 'inProgress', label: '发送中', kind: 'int' },
      { key: 'skipped', label: '已跳过', kind: 'int' },
      { key: 'failed', label: '失败', kind: 'int' },
      { key: 'bonusCredited', label: '已赠积分人数', kind: 'int' },
    ],
    rows: campaigns.map((c) => ({
      campaign: c.name,
      startAt: formatIsoDate(localDateOf(c.startAt, timeZone)),
      status: STATUS_NAMES[c.status] ?? c.status,
      targeted: c.counts.targeted,
      sent: c.counts.sent,
      massPending: c.counts.massPending,
      inProgress: c.counts.inProgress,
      skipped: Object.values(c.counts.skipped).reduce((sum, n) => sum + n, 0),
      failed: c.counts.failed,
      bonusCredited: c.counts.bonusCredited,
    })),
    chart: { type: 'bar', x: 'campaign', series: ['targeted', 'sent', 'massPending', 'skipped', 'failed'] },
  };
}
