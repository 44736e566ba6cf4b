import { useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { BindingHistory } from '../components/binding-history';
import { cancellationText, useCancelVoucher } from '../components/cancel-voucher';
import { RefundByNumber, TransactionForm } from '../components/counter-forms';
import { DataTable } from '../components/data-table';
import { ErrorBox, errorText } from '../components/error-box';
import { FreeMaintenanceCard } from '../components/free-maintenance-card';
import { TextAreaField, TextField } from '../components/field';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { Stats } from '../components/stat';
import { useToast } from '../components/toasts';
import { formatDate, formatDateTime, formatInt, formatPoints } from '../format';
import { channels, consentKinds, ledgerTypes, voucherStatus } from '../labels';
import { canEraseMembers, canServeMembers } from '../roles';
import { href } from '../route';
import { useSession } from '../session';
import type { ErasureResult, LedgerEntry, Member, MemberVoucher, RefundResult } from '../types';
import { useLoad } from '../use-load';

/**
 * One member: tier and progress, the balance split, lots, the explained ledger, vehicles,
 * vouchers and consent history; at the counter also a transaction and a refund.
 */
export function MemberDetail({ id }: { id: string }) {
  const { api, role } = useSession();
  const member = useLoad(() => api.get<Member>(`/members/${encodeURIComponent(id)}`), [id]);
  const ledger = useLoad(
    () =>
      api
        .get<{ entries: LedgerEntry[] }>(`/members/${encodeURIComponent(id)}/ledger?limit=50`)
        .then((r) => r.entries),
    [id],
  );
  const vouchers = useLoad(
    () =>
      api
        .get<{ vouchers: MemberVoucher[] }>(`/members/${encodeURIComponent(id)}/vouchers`)
        .then((r) => r.vouchers),
    [id],
  );
  const [refunding, setRefunding] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState<ErasureResult | null>(null);
  const [voucherAnswer, setVoucherAnswer] = useState<{ tone: 'success' | 'danger'; text: string } | null>(
    null,
  );
  const cancelVoucher = useCancelVoucher();
  const counter = canServeMembers(role);

  const refresh = () => {
    void member.reload();
    void ledger.reload();
    void vouchers.reload();
  };

  const cancel = async (voucher: MemberVoucher) => {
    setVoucherAnswer(null);
    try {
      const result = await cancelVoucher(voucher);
      if (!result) return;
      setVoucherAnswer({ tone: 'success', text: cancellationText(result) });
    } catch (err) {
      setVoucherAnswer({ tone: 'danger', text: errorText(err) });
    }
    refresh();
  };

  if (erased) return <Erased result={erased} />;

  const m = member.data;
  if (!m) {
    return (
      <section>
        <PageHeader title="会员详情" />
        <ErrorBox error={member.error} />
        {member.loading ? <p class="muted">正在加载…</p> : null}
      </section>
    );
  }

  const progress = m.tier.next
    ? Math.min(1, m.tier.qualifyingPoints / Math.max(1, m.tier.next.threshold))
    : 1;
  return (
    <section>
      <PageHeader
        title={m.name ?? '（未留姓名）'}
        subtitle={
          <>
            <Badge tone="info">{m.tier.name}</Badge> {m.mobile ?? '—'} · {formatDate(m.signedUpAt)} 入会 ·
            推荐码 {m.referralCode}
          </>
        }
        actions={
          <>
            {counter ? (
              <a class="button button--primary" href={href('members', m.id, 'redeem')}>
                兑换礼品
              </a>
            ) : null}
            {canEraseMembers(role) ? (
              <button type="button" class="button button--danger" onClick={() => setErasing(true)}>
                注销会员
              </button>
            ) : null}
            <a class="button" href={href('members')}>
              返回会员查询
            </a>
          </>
        }
      />

      <Stats
        label="积分"
        items={[
          {
            name: '可用积分',
            value: <span data-testid="balance-available">{formatPoints(m.balance.available)}</span>,
          },
          { name: '待生效', value: formatPoints(m.balance.pending), note: '购车、续保积分需等待确认' },
          { name: '30 天内到期', value: formatPoints(m.balance.expiringIn30Days) },
          {
            name: '欠分',
            value: formatPoints(m.balance.debt),
            note: '退款扣回时已用掉的积分，由以后的积分抵扣',
          },
        ]}
      />

      <div class="grid-2">
        <div class="card">
          <h2>会员等级</h2>
          <p class="lead">{m.tier.name}</p>
          <p>
            本会员年度（{m.tier.yearStart} 起）定级积分 {formatInt(m.tier.qualifyingPoints)}
            {m.tier.next
              ? `，距${m.tier.next.name}还差 ${formatPoints(m.tier.next.pointsToGo)}`
              : '，已是最高等级'}
          </p>
          <progress max={1} value={progress} aria-label="升级进度" />
          <p class="muted">
            免费保养：全年 {m.tier.freeMaintenance.allowance} 次，已用 {m.tier.freeMaintenance.used} 次，剩余{' '}
            {m.tier.freeMaintenance.left} 次
          </p>
        </div>
        <div class="card">
          <h2>车辆</h2>
          {m.vehicles.length ? (
            <ul class="plain">
              {m.vehicles.map((v, i) => (
                <li key={v.plate ?? i}>
                  <strong>{v.plate ?? '（无车牌）'}</strong> {v.model ?? ''}
                  {v.mileageKm !== null ? ` · ${formatInt(v.mileageKm)} 公里` : ''}
                  {v.insuranceEndsOn ? ` · 保险到期 ${v.insuranceEndsOn}` : ''}
                  {v.inspectionDueOn ? ` · 年检 ${v.inspectionDueOn}` : ''}
                  {v.lastServiceAt ? ` · 上次保养 ${formatDate(v.lastServiceAt)}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">没有登记车辆。</p>
          )}
        </div>
      </div>

      <FreeMaintenanceCard memberId={m.id} homeStoreId={m.homeStoreId} canUse={counter} onChanged={refresh} />

      {counter ? (
        <div class="grid-2">
          <TransactionForm memberId={m.id} onRecorded={refresh} />
          <RefundByNumber onRefunded={refresh} />
        </div>
      ) : null}

      <div class="card">
        <h2>积分明细</h2>
        <ErrorBox error={ledger.error} />
        {ledger.data ? (
          <DataTable
            caption="积分明细（最近 50 条）"
            rows={ledger.data}
            rowKey={(e) => e.entryId}
            empty="还没有积分记录。"
            columns={[
              { key: 'at', label: '时间', render: (e) => formatDateTime(e.at) },
              { key: 'type', label: '类型', render: (e) => ledgerTypes[e.type] ?? e.type },
              {
                key: 'points',
                label: '积分',
                numeric: true,
                render: (e) => (e.points > 0 ? `+${formatInt(e.points)}` : formatInt(e.points)),
              },
              {
                key: 'explanation',
                label: '说明',
                render: (e) => (
                  <>
                    {e.explanation}
                    {e.transactionId ? <span class="muted small block">单号 {e.transactionId}</span> : null}
                  </>
                ),
              },
              {
                key: 'action',
                label: '操作',
                render: (e) =>
                  counter && e.type === 'earn' && e.transactionId ? (
                    <button
                      type="button"
                      class="button button--small"
                      onClick={() => setRefunding(e.transactionId)}
                    >
                      退款
                    </button>
                  ) : null,
              },
            ]}
          />
        ) : null}
      </div>

      <div class="grid-2">
        <div class="card">
          <h2>积分批次</h2>
          <DataTable
            caption="积分批次（先到期的先使用）"
            rows={m.lots}
            rowKey={(l) => l.lotId}
            empty="没有可用的积分批次。"
            columns={[
              { key: 'earnedAt', label: '获得日期', render: (l) => formatDate(l.earnedAt) },
              { key: 'expiresAt', label: '到期日期', render: (l) => formatDate(l.expiresAt) },
              { key: 'amount', label: '获得', numeric: true, render: (l) => formatInt(l.amount) },
              { key: 'remaining', label: '剩余', numeric: true, render: (l) => formatInt(l.remaining) },
            ]}
          />
          {m.pending.length ? (
            <DataTable
              caption="待生效积分"
              showCaption
              rows={m.pending}
              rowKey={(p) => p.entryId}
              empty=""
              columns={[
                { key: 'amount', label: '积分', numeric: true, render: (p) => formatInt(p.amount) },
                { key: 'availableAt', label: '生效时间', render: (p) => formatDateTime(p.availableAt) },
              ]}
            />
          ) : null}
        </div>
        <div class="card">
          <h2>优惠券</h2>
          <ErrorBox error={vouchers.error} />
          {voucherAnswer ? (
            <p class={`alert alert--${voucherAnswer.tone}`} role="alert" data-testid="member-voucher-answer">
              {voucherAnswer.text}
            </p>
          ) : null}
          {vouchers.data ? (
            <DataTable
              caption="优惠券"
              rows={vouchers.data}
              rowKey={(v) => v.code}
              empty="没有优惠券。"
              columns={[
                { key: 'name', label: '名称', render: (v) => v.name },
                {
                  key: 'code',
                  label: '券码',
                  render: (v) =>
                    counter && v.status === 'issued' ? (
                      <a href={href('vouchers', v.code)}>{v.code}</a>
                    ) : (
                      v.code
                    ),
                },
                {
                  key: 'status',
                  label: '状态',
                  render: (v) => (
                    <Badge tone={voucherStatus[v.status].tone}>{voucherStatus[v.status].label}</Badge>
                  ),
                },
                {
                  key: 'when',
                  label: '日期',
                  render: (v) =>
                    v.status === 'used'
                      ? `${formatDate(v.usedAt)} 核销`
                      : v.status === 'cancelled'
                        ? `${formatDate(v.cancelledAt)} 作废`
                        : `${formatDate(v.expiresAt)} 到期`,
                },
                ...(counter
                  ? [
                      {
                        key: 'action',
                        label: '操作',
                        render: (v: MemberVoucher) =>
                          v.status === 'issued' ? (
                            <button
                              type="button"
                              class="button button--small button--danger"
                              aria-label={`作废${v.name}（${v.code}）`}
                              onClick={() => void cancel(v)}
                            >
                              作废
                            </button>
                          ) : null,
                      },
                    ]
                  : []),
              ]}
            />
          ) : null}
        </div>
      </div>

      <div class="card">
        <h2>授权记录</h2>
        <p class="muted">
          营销消息：
          {m.marketingConsent && !m.marketingOptOut ? '已同意接收' : m.marketingOptOut ? '已退订' : '未同意'}
        </p>
        <DataTable
          caption="授权记录（从早到晚）"
          rows={m.consentHistory}
          rowKey={(c) => `${c.kind}-${c.at}-${c.status}-${c.channel}`}
          empty="没有授权记录。"
          columns={[
            { key: 'at', label: '时间', render: (c) => formatDateTime(c.at) },
            { key: 'kind', label: '内容', render: (c) => consentKinds[c.kind] ?? c.kind },
            {
              key: 'status',
              label: '结果',
              render: (c) =>
                c.status === 'granted' ? (
                  <Badge tone="success">同意</Badge>
                ) : (
                  <Badge tone="warning">不同意或撤回</Badge>
                ),
            },
            { key: 'version', label: '政策版本', render: (c) => c.policyVersion ?? '—' },
            { key: 'channel', label: '渠道', render: (c) => channels[c.channel] ?? c.channel },
          ]}
        />
      </div>

      <BindingHistory entries={m.bindingHistory ?? []} />

      {erasing ? (
        <EraseDialog
          member={m}
          onClose={() => setErasing(false)}
          onErased={(result) => {
            setErasing(false);
            setErased(result);
          }}
        />
      ) : null}
      {refunding ? (
        <RefundDialog
          transactionId={refunding}
          onClose={() => setRefunding(null)}
          onRefunded={() => {
            setRefunding(null);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function RefundDialog({
  transactionId,
  onClose,
  onRefunded,
}: {
  transactionId: string;
  onClose(): void;
  onRefunded(): void;
}) {
  const { api } = useSession();
  const notify = useToast();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<RefundResult>(
        `/transactions/${encodeURIComponent(transactionId)}/refund`,
        reason.trim() ? { reason: reason.trim() } : {},
      );
      notify(result.duplicate ? '这笔消费之前已退款' : `已退款，扣回 ${formatPoints(result.pointsReversed)}`);
      onRefunded();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={`退款：${transactionId}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>退款会扣回这笔消费获得的积分；已用掉的部分记为欠分，由以后的积分抵扣。</p>
        <TextAreaField label="退款原因" rows={2} maxLength={200} value={reason} onValue={setReason} />
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose}>
            返回
          </button>
          <button type="submit" class="button button--danger" disabled={busy}>
            {busy ? '正在退款…' : '确认退款'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** What the cashier must type to confirm 注销: the member's name, or the word itself. */
const ERASE_WORD = '注销';

/**
 * 注销 (admin only): erases the member's personal data for good (PIPL), keeping the ledger. The
 * action waits for the member's name (or 注销) typed in full, so a slip of the mouse cannot do it.
 */
function EraseDialog({
  member,
  onClose,
  onErased,
}: {
  member: Member;
  onClose(): void;
  onErased(result: ErasureResult): void;
}) {
  const { api } = useSession();
  const notify = useToast();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const name = member.name?.trim() || null;
  const confirmed = typed.trim() === ERASE_WORD || (name !== null && typed.trim() === name);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!confirmed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<ErasureResult>(`/members/${encodeURIComponent(member.id)}/erase`, {});
      notify('会员已注销');
      onErased(result);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={`注销会员：${name ?? '（未留姓名）'}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div class="alert alert--warning">
          <p>
            <strong>注销不能撤销。</strong>
            会员的姓名、手机号、微信绑定、生日、车辆和标签将被清除，未使用的券作废（礼品库存退回，积分不退）；积分流水和消费记录只保留会员编号。
          </p>
          <p>注销后，此人可以用同一手机号重新入会，成为新会员。</p>
        </div>
        <TextField
          label={
            name ? `请输入会员姓名「${name}」或「${ERASE_WORD}」以确认` : `请输入「${ERASE_WORD}」以确认`
          }
          value={typed}
          onValue={setTyped}
          autoComplete="off"
          spellcheck={false}
        />
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose}>
            返回
          </button>
          <button type="submit" class="button button--danger" disabled={!confirmed || busy}>
            {busy ? '正在注销…' : '确认注销'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** After 注销 the member can no longer be opened: this says so, and when it happened. */
function Erased({ result }: { result: ErasureResult }) {
  return (
    <section>
      <PageHeader
        title="会员已注销"
        actions={
          <a class="button" href={href('members')}>
            返回会员查询
          </a>
        }
      />
      <div class="card" role="status" data-testid="erased">
        <p class="lead">会员的个人信息已于 {formatDateTime(result.erasedAt)} 清除。</p>
        <p class="muted">
          会员编号 {result.memberId} 的积分流水和消费记录仍保留在报表中，但不再关联到任何人。
        </p>
      </div>
    </section>
  );
}
