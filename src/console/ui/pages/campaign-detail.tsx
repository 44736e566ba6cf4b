import { useState } from 'preact/hooks';
import { CampaignStatusBadge } from '../components/campaign-status-badge';
import { useConfirm } from '../components/confirm';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { MemberPicker, type PickedMember } from '../components/member-picker';
import { PageHeader } from '../components/page-header';
import { Stats } from '../components/stat';
import { TestSendResults, testSendToast } from '../components/test-send-results';
import { useToast } from '../components/toasts';
import { formatDate, formatDateTime, formatInt, formatPoints } from '../format';
import { campaignStatus, skipReasons } from '../labels';
import { href } from '../route';
import { useSession } from '../session';
import type { Campaign, CampaignAudience, Program, TestSendReport } from '../types';
import { useLoad } from '../use-load';

type Action = 'schedule' | 'pause' | 'resume' | 'cancel';

const actionsByStatus: Record<Campaign['status'], Action[]> = {
  draft: ['schedule', 'cancel'],
  scheduled: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

const actionLabels: Record<Action, string> = {
  schedule: '安排发送',
  pause: '暂停',
  resume: '恢复发送',
  cancel: '取消活动',
};

/**
 * How often the page asks for the live counts: every 2 s while messages are going out, every
 * 30 s once only deferred ones are left (they go at their time: 09:00, say).
 */
function pollInterval(campaign: Campaign | null): number | null {
  if (!campaign) return null;
  const counts = campaign.counts;
  if (campaign.status === 'running' && campaign.fannedOutAt && counts && onlyDeferredLeft(counts))
    return 30_000;
  if (campaign.status === 'running') return 2_000;
  if (campaign.status === 'completed' && (campaign.counts?.inProgress ?? 0) > 0) return 2_000;
  if (campaign.status === 'scheduled') {
    return new Date(campaign.startAt).getTime() - Date.now() < 60_000 ? 2_000 : 15_000;
  }
  return null;
}

/** One campaign: what it sends to whom, its progress (refreshing itself), test send and the actions. */
export function CampaignDetail({ id }: { id: string }) {
  const { api, program } = useSession();
  const notify = useToast();
  const confirm = useConfirm();
  const [poll, setPoll] = useState<number | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const loaded = useLoad(
    async () => {
      const campaign = await api.get<Campaign>(`/campaigns/${encodeURIComponent(id)}`);
      setPoll(pollInterval(campaign));
      return campaign;
    },
    [id],
    poll,
  );
  const campaign = loaded.data;

  const act = async (action: Action) => {
    if (!campaign) return;
    const yes = await confirm(confirmation(action, campaign));
    if (!yes) return;
    setBusy(true);
    setActionError(null);
    try {
      const updated = await api.post<Campaign>(`/campaigns/${campaign.id}/${action}`, {});
      loaded.set(updated);
      setPoll(pollInterval(updated));
      notify(`「${updated.name}」${campaignStatus[updated.status].label}`);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!campaign) {
    return (
      <section>
        <PageHeader title="活动详情" />
        <ErrorBox error={loaded.error} />
        {loaded.loading ? <p class="muted">正在加载…</p> : null}
      </section>
    );
  }

  const counts = campaign.counts;
  return (
    <section>
      <PageHeader
        title={campaign.name}
        subtitle={
          <>
            <CampaignStatusBadge status={campaign.status} /> 开始时间 {formatDateTime(campaign.startAt)}
            {campaign.completedAt ? ` · 完成于 ${formatDateTime(campaign.completedAt)}` : ''}
          </>
        }
        actions={
          <>
            {campaign.status === 'draft' ? (
              <a class="button" href={href('campaigns', campaign.id, 'edit')}>
                编辑
              </a>
            ) : null}
            {actionsByStatus[campaign.status].map((action) => (
              <button
                type="button"
                key={action}
                class={`button ${action === 'cancel' ? 'button--danger' : action === 'pause' ? '' : 'button--primary'}`}
                disabled={busy}
                onClick={() => void act(action)}
              >
                {actionLabels[action]}
              </button>
            ))}
            <a class="button" href={href('campaigns')}>
              返回活动列表
            </a>
          </>
        }
      />
      <ErrorBox error={actionError} />
      <ErrorBox error={campaign && loaded.error} />

      {counts ? <Progress campaign={campaign} /> : null}

      <div class="grid-2">
        <div class="card">
          <h2>发送对象</h2>
          <p>{describeAudience(campaign.audience, program)}</p>
          <h2>奖励</h2>
          <ul class="plain">
            <li>
              {campaign.bonusPoints ? `每位接收人赠送 ${formatPoints(campaign.bonusPoints)}` : '不赠送积分'}
            </li>
            <li>
              {campaign.window
                ? `${formatDateTime(campaign.window.startsAt)} 至 ${formatDateTime(campaign.window.endsAt)} 消费积分 ${campaign.window.multiplier} 倍`
                : '没有积分加倍'}
            </li>
          </ul>
        </div>
        <div class="card">
          <h2>消息</h2>
          <p class="bubble">{campaign.text}</p>
          {campaign.genericText && campaign.genericText !== campaign.text ? (
            <>
              <h3>群发版本</h3>
              <p class="bubble">{campaign.genericText}</p>
            </>
          ) : null}
        </div>
      </div>

      {campaign.status !== 'cancelled' ? <TestSend campaignId={campaign.id} /> : null}
    </section>
  );
}

/** Everything still open is deferred to a later time (nothing is being sent right now). */
function onlyDeferredLeft(counts: NonNullable<Campaign['counts']>): boolean {
  return (
    counts.deferred > 0 && counts.inProgress - counts.held === counts.deferred && counts.massPending === 0
  );
}

/** 「12月8日 09:00」 (Beijing time). */
function monthDayTime(value: string): string {
  const [date, time] = formatDateTime(value).split(' ');
  const [, month, day] = (date ?? '').split('-').map(Number);
  return `${month}月${day}日 ${time}`;
}

function Progress({ campaign }: { campaign: Campaign }) {
  const counts = campaign.counts!;
  const skipped = Object.values(counts.skipped).reduce((a, b) => a + b, 0);
  const handled = Math.max(0, counts.queued - counts.inProgress);
  const total = Math.max(counts.targeted, counts.queued);
  const skipRows = Object.entries(counts.skipped).filter(([, n]) => n > 0);
  return (
    <section class="card" aria-labelledby="progress-title">
      <h2 id="progress-title">发送进度</h2>
      {campaign.status === 'running' || campaign.status === 'completed' ? (
        <div class="progress-line">
          <progress max={total || 1} value={handled} aria-label="已处理的会员" />
          <span>
            已处理 {formatInt(handled)} / {formatInt(total)} 人
            {campaign.status === 'running' ? '（自动刷新）' : ''}
          </span>
        </div>
      ) : null}
      <Waiting campaign={campaign} />
      <Stats
        label="发送统计"
        items={[
          {
            name: '已覆盖会员',
            value: <span data-testid="count-targeted">{formatInt(counts.targeted)}</span>,
          },
          { name: '已发送', value: <span data-testid="count-sent">{formatInt(counts.sent)}</span> },
          {
            name: '待群发',
            value: <span data-testid="count-mass">{formatInt(counts.massPending)}</span>,
            note: '超出 48 小时窗口，走群发',
          },
          { name: '处理中', value: formatInt(counts.inProgress - counts.deferred) },
          { name: '已顺延', value: <span data-testid="count-deferred">{formatInt(counts.deferred)}</span> },
          { name: '未发送', value: <span data-testid="count-skipped">{formatInt(skipped)}</span> },
          { name: '失败', value: formatInt(counts.failed) },
          {
            name: '已赠积分人数',
            value: <span data-testid="count-bonus">{formatInt(counts.bonusCredited)}</span>,
            note: '积分随消息送达时发放',
          },
          ...(counts.bonusWithheld
            ? [
                {
                  name: '未赠积分',
                  value: <span data-testid="count-bonus-withheld">{formatInt(counts.bonusWithheld)}</span>,
                  note: '消息未送达，不发放积分',
                },
              ]
            : []),
        ]}
      />
      {skipRows.length ? (
        <DataTable
          caption="未发送原因"
          showCaption
          rows={skipRows}
          rowKey={([reason]) => reason}
          empty=""
          columns={[
            { key: 'reason', label: '原因', render: ([reason]) => skipReasons[reason] ?? reason },
            { key: 'count', label: '人数', numeric: true, render: ([, n]) => formatInt(n) },
          ]}
        />
      ) : null}
    </section>
  );
}

/**
 * What keeps a campaign 发送中 after its whole audience was handed over: messages deferred to a
 * later time (quiet hours, the member's daily cap), and those waiting for the member's next message.
 */
function Waiting({ campaign }: { campaign: Campaign }) {
  const counts = campaign.counts!;
  const lines: string[] = [];
  if (counts.deferred > 0) {
    lines.push(
      `${formatInt(counts.deferred)} 人顺延${counts.deferredUntil ? `至 ${monthDayTime(counts.deferredUntil)} ` : ''}发送（免打扰时段或当日营销消息已达上限）`,
    );
  }
  if (counts.held > 0) lines.push(`${formatInt(counts.held)} 人等会员下次给公众号发消息后送达`);
  if (lines.length === 0 && campaign.status === 'running' && campaign.fannedOutAt) {
    lines.push('已全部交给发送队列，最后一批消息发出后活动即完成');
  }
  if (lines.length === 0) return null;
  return (
    <div class="alert alert--info" data-testid="progress-waiting">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {campaign.status === 'running' && counts.deferred > 0 ? (
        <p>全部消息有结果后，活动显示「已完成」。</p>
      ) : null}
    </div>
  );
}

/** Sends the message now to a few members picked by mobile or name (no quiet hours, no caps). */
function TestSend({ campaignId }: { campaignId: string }) {
  const { api } = useSession();
  const notify = useToast();
  const [recipients, setRecipients] = useState<PickedMember[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<TestSendReport | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const memberIds = recipients.map((m) => m.id);
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<TestSendReport>(`/campaigns/${campaignId}/test`, { memberIds });
      setResult(answer);
      notify(testSendToast(answer));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} noValidate>
      <h2>发送测试</h2>
      <MemberPicker
        label="测试接收人"
        selected={recipients}
        onChange={setRecipients}
        max={20}
        hint="输入手机号、手机尾号（后 4 位）或姓名查找会员，点选加入，最多 20 位。测试消息立即发送（不受免打扰时段和营销次数限制，不赠送积分），但微信只允许发给 48 小时内给公众号发过消息的人。"
      />
      <ErrorBox error={error} />
      {result ? <TestSendResults report={result} /> : null}
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>
          {busy ? '正在发送…' : '发送测试'}
        </button>
      </div>
    </form>
  );
}

function confirmation(action: Action, campaign: Campaign) {
  switch (action) {
    case 'schedule':
      return {
        title: '安排发送',
        message: `「${campaign.name}」将在 ${formatDateTime(campaign.startAt)} 开始发送（时间已过则立即开始）。安排后内容不能再修改。`,
        confirmLabel: '确认安排',
      };
    case 'pause':
      return {
        title: '暂停发送',
        message: '当前这一批发完后停止，之后可以恢复，已发送的不会重发。',
        confirmLabel: '暂停',
      };
    case 'resume':
      return { title: '恢复发送', message: '从暂停的位置继续发送。', confirmLabel: '恢复发送' };
    case 'cancel':
      return {
        title: '取消活动',
        message: `取消后「${campaign.name}」不再发送，也不能恢复；已发出的消息和已赠积分不会撤回。`,
        confirmLabel: '取消活动',
        danger: true,
      };
  }
}

/** The audience filter in words: 「金卡、钻石卡，标签 老客户，生日在 12 月」. */
function describeAudience(audience: CampaignAudience, program: Program): string {
  const parts: string[] = [];
  const tierName = (code: string) => program.tiers.find((t) => t.code === code)?.name ?? code;
  if (audience.tiers?.length) parts.push(audience.tiers.map(tierName).join('、'));
  if (audience.tags?.length) parts.push(`标签 ${audience.tags.join('、')}`);
  if (audience.birthdayMonth) parts.push(`生日在 ${audience.birthdayMonth} 月`);
  if (audience.vehicleModel) parts.push(`车型 ${audience.vehicleModel}`);
  if (audience.minPoints !== null) parts.push(`积分不少于 ${formatInt(audience.minPoints)}`);
  if (audience.maxPoints !== null) parts.push(`积分不超过 ${formatInt(audience.maxPoints)}`);
  if (audience.lastVisitAfter) parts.push(`${formatDate(audience.lastVisitAfter)} 之后到过店`);
  if (audience.lastVisitBefore) parts.push(`${formatDate(audience.lastVisitBefore)} 之前最后到店`);
  if (audience.signedUpAfter) parts.push(`${formatDate(audience.signedUpAfter)} 之后入会`);
  if (audience.signedUpBefore) parts.push(`${formatDate(audience.signedUpBefore)} 之前入会`);
  return parts.length ? `${parts.join('，')}的会员` : '全部会员';
}
