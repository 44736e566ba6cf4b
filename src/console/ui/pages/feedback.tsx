import { useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { ErrorBox, errorText } from '../components/error-box';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDateTime, formatDecimal, formatInt } from '../format';
import { canHandleFeedback } from '../roles';
import { href } from '../route';
import { useSession } from '../session';
import type { Complaint, Feedback, FeedbackSummary, Program } from '../types';
import { useLoad } from '../use-load';

/**
 * 服务评价: the members' post-service ratings. The counter sees the low-rating alerts first (to
 * call the member and put it right) and marks them handled, then every rating; marketing sees the
 * per-store summary only, as `GET /feedback` is the counter's.
 */
export function FeedbackPage() {
  const { role } = useSession();
  const counter = canHandleFeedback(role);
  // Bumped when an alert is handled: the summary and the full list load again.
  const [version, setVersion] = useState(0);
  return (
    <section>
      <PageHeader
        title="服务评价"
        subtitle={
          counter
            ? '会员在公众号的投诉，和保养、维修后给出的评分。投诉和低分提醒请尽快联系会员，处理后标记为已处理。'
            : '各门店的服务评分汇总。'
        }
      />
      {counter ? <Complaints /> : null}
      {counter ? <Alerts onHandled={() => setVersion((v) => v + 1)} /> : null}
      <Summary version={version} />
      {counter ? <AllRatings version={version} /> : null}
    </section>
  );
}

function Alerts({ onHandled }: { onHandled(): void }) {
  const { api, program } = useSession();
  const notify = useToast();
  const alerts = useLoad(
    () => api.get<{ feedback: Feedback[] }>('/feedback?alert=true&handled=false').then((r) => r.feedback),
    [],
  );
  const [handling, setHandling] = useState<string | null>(null);

  const markHandled = async (item: Feedback) => {
    setHandling(item.transactionId);
    try {
      const done = await api.post<Feedback & { duplicate: boolean }>(
        `/feedback/${encodeURIComponent(item.transactionId)}/handled`,
        {},
      );
      notify(done.duplicate ? '这条提醒之前已处理' : `已处理 ${memberName(item)} 的低分评价`);
    } catch (err) {
      notify(errorText(err), 'error');
    } finally {
      setHandling(null);
      // Whatever the answer, the list shows the alerts as they now are (a colleague may have been first).
      void alerts.reload();
      onHandled();
    }
  };

  return (
    <div class="card">
      <h2>待处理的低分提醒</h2>
      <ErrorBox error={alerts.error} />
      {alerts.data ? (
        <DataTable
          caption="待处理的低分提醒（最新的在前）"
          rows={alerts.data}
          rowKey={(f) => f.id}
          empty="没有待处理的低分提醒。"
          columns={[
            { key: 'answeredAt', label: '评价时间', render: (f) => formatDateTime(f.answeredAt) },
            { key: 'member', label: '会员', render: (f) => <MemberCell feedback={f} /> },
            { key: 'rating', label: '评分', render: (f) => <RatingBadge feedback={f} /> },
            { key: 'comment', label: '会员意见', render: (f) => f.comment ?? '（未留言）' },
            { key: 'service', label: '服务', render: (f) => serviceText(f, program) },
            {
              key: 'action',
              label: '处理',
              render: (f) => (
                <button
                  type="button"
                  class="button button--small button--primary"
                  disabled={handling === f.transactionId}
                  aria-label={`标记已处理：${memberName(f)}`}
                  onClick={() => void markHandled(f)}
                >
                  标记已处理
                </button>
              ),
            },
          ]}
        />
      ) : alerts.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </div>
  );
}

/** 投诉 from the chat, alerts beside the low ratings: what the member said, and the messages before it. */
function Complaints() {
  const { api, program } = useSession();
  const notify = useToast();
  const complaints = useLoad(
    () => api.get<{ complaints: Complaint[] }>('/complaints?handled=false').then((r) => r.complaints),
    [],
  );
  const [handling, setHandling] = useState<string | null>(null);

  const markHandled = async (item: Complaint) => {
    setHandling(item.id);
    try {
      const done = await api.post<Complaint & { duplicate: boolean }>(
        `/complaints/${encodeURIComponent(item.id)}/handled`,
        {},
      );
      notify(done.duplicate ? '这条投诉之前已处理' : `已处理 ${item.member.name ?? '（未留姓名）'} 的投诉`);
    } catch (err) {
      notify(errorText(err), 'error');
    } finally {
      setHandling(null);
      void complaints.reload();
    }
  };

  return (
    <div class="card">
      <h2>待处理的投诉</h2>
      <ErrorBox error={complaints.error} />
      {complaints.data ? (
        <DataTable
          caption="待处理的投诉（最新的在前）"
          rows={complaints.data}
          rowKey={(c) => c.id}
          empty="没有待处理的投诉。"
          columns={[
            { key: 'createdAt', label: '投诉时间', render: (c) => formatDateTime(c.createdAt) },
            {
              key: 'member',
              label: '会员',
              render: (c) => (
                <>
                  <a href={href('members', c.member.id)}>{c.member.name ?? '（未留姓名）'}</a>
                  {c.member.mobile ? <span class="muted small block">{c.member.mobile}</span> : null}
                </>
              ),
            },
            {
              key: 'text',
              label: '投诉内容',
              render: (c) => c.text || '（会员已注销）',
            },
            {
              key: 'recent',
              label: '之前的消息',
              render: (c) =>
                c.recentMessages.length ? (
                  <ol class="messages">
                    {c.recentMessages.map((message, i) => (
                      <li key={`${message.at}-${i}`}>
                        <span class="messages__at">{formatDateTime(message.at)}</span>
                        <span class="bubble">{message.text}</span>
                      </li>
                    ))}
                  </ol>
                ) : (
                  '—'
                ),
            },
            {
              key: 'store',
              label: '门店',
              render: (c) => program.stores.find((s) => s.id === c.storeId)?.name ?? c.storeId,
            },
            {
              key: 'action',
              label: '处理',
              render: (c) => (
                <button
                  type="button"
                  class="button button--small button--primary"
                  disabled={handling === c.id}
                  aria-label={`标记已处理：${c.member.name ?? '（未留姓名）'} 的投诉`}
                  onClick={() => void markHandled(c)}
                >
                  标记已处理
                </button>
              ),
            },
          ]}
        />
      ) : complaints.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </div>
  );
}

function Summary({ version }: { version: number }) {
  const { api } = useSession();
  const summary = useLoad(
    () => api.get<{ stores: FeedbackSummary[] }>('/feedback/summary').then((r) => r.stores),
    [version],
  );
  return (
    <div class="card">
      <h2>各门店汇总</h2>
      <ErrorBox error={summary.error} />
      {summary.data ? (
        <DataTable
          caption="各门店服务评价汇总"
          rows={summary.data}
          rowKey={(s) => s.storeId}
          empty="还没有服务评价。"
          columns={[
            { key: 'store', label: '门店', render: (s) => s.storeName ?? s.storeId },
            { key: 'asked', label: '已邀请评价', numeric: true, render: (s) => formatInt(s.asked) },
            { key: 'answered', label: '已评价', numeric: true, render: (s) => formatInt(s.answered) },
            {
              key: 'average',
              label: '平均分',
              numeric: true,
              render: (s) => (s.averageRating === null ? '—' : formatDecimal(s.averageRating)),
            },
            {
              key: 'counts',
              label: '评分分布',
              render: (s) => s.ratingCounts.map((n, i) => `${i + 1} 分 ${formatInt(n)}`).join(' · '),
            },
            { key: 'alerts', label: '低分提醒', numeric: true, render: (s) => formatInt(s.alerts) },
            { key: 'open', label: '待处理', numeric: true, render: (s) => formatInt(s.openAlerts) },
          ]}
        />
      ) : summary.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </div>
  );
}

function AllRatings({ version }: { version: number }) {
  const { api, program } = useSession();
  const all = useLoad(
    () => api.get<{ feedback: Feedback[] }>('/feedback').then((r) => r.feedback),
    [version],
  );
  return (
    <div class="card">
      <h2>全部评价</h2>
      <ErrorBox error={all.error} />
      {all.data ? (
        <DataTable
          caption="全部服务评价（最新的在前）"
          rows={all.data}
          rowKey={(f) => f.id}
          empty="还没有会员评价。"
          columns={[
            { key: 'answeredAt', label: '评价时间', render: (f) => formatDateTime(f.answeredAt) },
            { key: 'member', label: '会员', render: (f) => <MemberCell feedback={f} /> },
            { key: 'rating', label: '评分', render: (f) => <RatingBadge feedback={f} /> },
            { key: 'comment', label: '会员意见', render: (f) => f.comment ?? '' },
            { key: 'service', label: '服务', render: (f) => serviceText(f, program) },
            {
              key: 'state',
              label: '提醒',
              render: (f) =>
                !f.alertedAt ? (
                  '—'
                ) : f.handledAt ? (
                  `${formatDateTime(f.handledAt)} 已处理`
                ) : (
                  <Badge tone="danger">待处理</Badge>
                ),
            },
          ]}
        />
      ) : all.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </div>
  );
}

function MemberCell({ feedback }: { feedback: Feedback }) {
  return (
    <>
      <a href={href('members', feedback.member.id)}>{memberName(feedback)}</a>
      {feedback.member.mobile ? <span class="muted small block">{feedback.member.mobile}</span> : null}
    </>
  );
}

/** The score in words (the colour only helps): an alert is red, a top score green. */
function RatingBadge({ feedback }: { feedback: Feedback }) {
  if (feedback.rating === null) return <>—</>;
  const tone = feedback.alertedAt ? 'danger' : feedback.rating >= 4 ? 'success' : 'neutral';
  return <Badge tone={tone}>{feedback.rating} 分</Badge>;
}

function memberName(feedback: Feedback): string {
  return feedback.member.name ?? '（未留姓名）';
}

function serviceText(feedback: Feedback, program: Program): string {
  const category = program.categories[feedback.category]?.name ?? feedback.category;
  const store = program.stores.find((s) => s.id === feedback.storeId)?.name ?? feedback.storeId;
  return `${formatDateTime(feedback.servedAt)} ${category} · ${store}`;
}
