import { useState } from 'preact/hooks';
import { CampaignStatusBadge } from '../components/campaign-status-badge';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { SelectField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { formatDateTime, formatInt, formatPoints } from '../format';
import { campaignStatus } from '../labels';
import { href } from '../route';
import { useSession } from '../session';
import type { Campaign } from '../types';
import { useLoad } from '../use-load';

const filters = [
  { value: '', label: '全部状态' },
  ...Object.entries(campaignStatus).map(([value, s]) => ({ value, label: s.label })),
];

/** 活动: the campaigns, newest first, with their fan-out counters (refreshed while one is sending). */
export function Campaigns() {
  const { api } = useSession();
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);
  const list = useLoad(
    async () => {
      const query = status ? `?status=${status}` : '';
      const { campaigns } = await api.get<{ campaigns: Campaign[] }>(`/campaigns${query}`);
      setSending(campaigns.some((c) => c.status === 'running' || c.status === 'scheduled'));
      return campaigns;
    },
    [status],
    sending ? 3_000 : null,
  );

  return (
    <section>
      <PageHeader
        title="营销活动"
        subtitle="节日问候、会员日和加倍积分活动：先预览人数和积分成本，再安排发送。"
        actions={
          <a class="button button--primary" href={href('campaigns', 'new')}>
            新建活动
          </a>
        }
      />
      <div class="toolbar">
        <SelectField label="状态" value={status} onValue={setStatus} options={filters} />
      </div>
      <ErrorBox error={list.error} />
      {list.data ? (
        <DataTable
          caption="活动列表"
          rows={list.data}
          rowKey={(c) => c.id}
          empty={status ? '没有这个状态的活动。' : '还没有活动，点击「新建活动」开始。'}
          columns={[
            {
              key: 'name',
              label: '活动',
              render: (c) => <a href={href('campaigns', c.id)}>{c.name}</a>,
            },
            { key: 'status', label: '状态', render: (c) => <CampaignStatusBadge status={c.status} /> },
            { key: 'startAt', label: '开始时间', render: (c) => formatDateTime(c.startAt) },
            {
              key: 'targeted',
              label: '已覆盖会员',
              numeric: true,
              render: (c) => formatInt(c.counters?.targeted ?? 0),
            },
            {
              key: 'queued',
              label: '已交付发送',
              numeric: true,
              render: (c) => formatInt(c.counters?.queued ?? 0),
            },
            {
              key: 'bonus',
              label: '赠送积分',
              numeric: true,
              render: (c) => (c.bonusPoints ? `${formatPoints(c.bonusPoints)} / 人` : '—'),
            },
            { key: 'createdAt', label: '创建时间', render: (c) => formatDateTime(c.createdAt) },
          ]}
        />
      ) : list.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </section>
  );
}
