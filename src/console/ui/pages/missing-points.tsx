import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../components/field';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDateTime, formatPoints, formatYuan } from '../format';
import { channels } from '../labels';
import { href } from '../route';
import { useSession } from '../session';
import type { MissingPointsReport } from '../types';
import { useLoad } from '../use-load';

type Decision = { report: MissingPointsReport; kind: 'resolve' | 'reject' };

/**
 * 积分补录: the open 积分没到账 reports, oldest first, each with the member (name, masked mobile) and
 * the points the program proposes; resolve with points (pre-filled, editable) and a reason, or reject.
 */
export function MissingPoints() {
  const { api, program } = useSession();
  const list = useLoad(
    () => api.get<{ reports: MissingPointsReport[] }>('/missing-points?status=open').then((r) => r.reports),
    [],
  );
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const storeName = (id: string) => program.stores.find((s) => s.id === id)?.name ?? id;

  return (
    <section>
      <PageHeader
        title="积分补录"
        subtitle="会员反映「积分没到账」的报告，先到先处理。处理结果会通过公众号告诉会员。"
      />
      <ErrorBox error={list.error} />
      {list.data ? (
        <DataTable
          caption="待处理的积分未到账报告"
          rows={list.data}
          rowKey={(r) => r.id}
          empty="没有待处理的报告。"
          columns={[
            { key: 'openedAt', label: '提交时间', render: (r) => formatDateTime(r.openedAt) },
            {
              key: 'member',
              label: '会员',
              render: (r) =>
                r.member ? (
                  <a href={href('members', r.memberId)}>
                    {r.member.name ?? '（未留姓名）'}
                    <br />
                    <span class="small">{r.member.mobile ?? '无手机号'}</span>
                  </a>
                ) : (
                  '会员已注销'
                ),
            },
            { key: 'date', label: '消费日期', render: (r) => r.date },
            { key: 'amount', label: '金额', numeric: true, render: (r) => formatYuan(r.amountFen) },
            {
              key: 'proposed',
              label: '建议补录',
              numeric: true,
              render: (r) =>
                r.proposals[0] ? (
                  <>
                    {formatPoints(r.proposals[0].points)}
                    <br />
                    <span class="small muted">按{r.proposals[0].categoryName}计算</span>
                  </>
                ) : (
                  '—'
                ),
            },
            { key: 'store', label: '门店', render: (r) => storeName(r.storeId) },
            {
              key: 'note',
              label: '说明',
              render: (r) => (
                <>
                  {r.note ?? ''}
                  {r.invoice?.url ? (
                    <>
                      {' '}
                      <a href={r.invoice.url} target="_blank" rel="noreferrer noopener">
                        发票照片
                      </a>
                    </>
                  ) : r.invoice?.mediaId ? (
                    ' （已上传发票照片）'
                  ) : null}
                </>
              ),
            },
            { key: 'channel', label: '来源', render: (r) => channels[r.channel] ?? r.channel },
            {
              key: 'actions',
              label: '处理',
              render: (r) =>
                r.status === 'resolving' ? (
                  '处理中'
                ) : (
                  <span class="cell-actions">
                    <button
                      type="button"
                      class="button button--small button--primary"
                      onClick={() => setDeciding({ report: r, kind: 'resolve' })}
                    >
                      补录
                    </button>
                    <button
                      type="button"
                      class="button button--small"
                      onClick={() => setDeciding({ report: r, kind: 'reject' })}
                    >
                      驳回
                    </button>
                  </span>
                ),
            },
          ]}
        />
      ) : list.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
      {deciding ? (
        <DecisionDialog
          decision={deciding}
          onClose={() => setDeciding(null)}
          onDone={() => {
            setDeciding(null);
            void list.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function DecisionDialog({
  decision,
  onClose,
  onDone,
}: {
  decision: Decision;
  onClose(): void;
  onDone(): void;
}) {
  const { api } = useSession();
  const notify = useToast();
  const { report, kind } = decision;
  const [category, setCategory] = useState(report.proposals[0]?.category ?? '');
  const proposal = report.proposals.find((p) => p.category === category) ?? null;
  const [points, setPoints] = useState(proposal ? String(proposal.points) : '');
  const [reason, setReason] = useState('');
  const [qualifying, setQualifying] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    const value = Number(points.trim());
    if (kind === 'resolve' && !(/^\d+$/.test(points.trim()) && value > 0))
      local.points = '请填写大于 0 的整数积分';
    if (!reason.trim()) local.reason = '请填写原因，会员会看到';
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setError(null);
    try {
      const path = `/missing-points/${report.id}/${kind}`;
      const body =
        kind === 'resolve' ? { points: value, reason: reason.trim(), qualifying } : { reason: reason.trim() };
      await api.post(path, body);
      notify(kind === 'resolve' ? `已补录 ${formatPoints(value)}` : '已驳回');
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        const byPath: Record<string, string> = {};
        for (const issue of err.issues) byPath[issue.path] ??= issue.message;
        setErrors(byPath);
      }
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={kind === 'resolve' ? '补录积分' : '驳回报告'} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {report.date} 消费 {formatYuan(report.amountFen)}
          {report.note ? `，会员说明：${report.note}` : ''}
        </p>
        {kind === 'resolve' ? (
          <>
            {report.proposals.length > 0 ? (
              <SelectField
                label="按哪类消费计算"
                value={category}
                onValue={(value) => {
                  setCategory(value);
                  const next = report.proposals.find((p) => p.category === value);
                  if (next) setPoints(String(next.points));
                }}
                options={report.proposals.map((p) => ({
                  value: p.category,
                  label: `${p.categoryName}（${formatPoints(p.points)}）`,
                }))}
              />
            ) : null}
            {proposal ? (
              <p class="small muted" data-testid="proposal-explanation">
                按方案应得：{proposal.explanation}
              </p>
            ) : null}
            <TextField
              label="补录积分"
              inputMode="numeric"
              required
              value={points}
              onValue={setPoints}
              error={errors.points}
              hint={proposal ? '已按方案预填，核对小票或 DMS 后可修改' : '核对小票或 DMS 后填写应得积分'}
            />
            <CheckboxField label="计入定级积分" checked={qualifying} onChecked={setQualifying} />
          </>
        ) : null}
        <TextAreaField
          label={kind === 'resolve' ? '补录原因' : '驳回原因'}
          required
          rows={2}
          maxLength={200}
          value={reason}
          onValue={setReason}
          error={errors.reason}
          hint="会员会在公众号看到这段说明"
        />
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose}>
            返回
          </button>
          <button
            type="submit"
            class={`button ${kind === 'resolve' ? 'button--primary' : 'button--danger'}`}
            disabled={busy}
          >
            {kind === 'resolve' ? '确认补录' : '确认驳回'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
