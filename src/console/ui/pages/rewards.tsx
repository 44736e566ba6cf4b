import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { CheckboxField, SelectField, TextField } from '../components/field';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatInt, formatPoints } from '../format';
import { limitPeriods, limitText, tierName } from '../labels';
import { canEditRewards } from '../roles';
import { href } from '../route';
import { useSession } from '../session';
import type { Reward } from '../types';
import { useLoad } from '../use-load';

/** 礼品: the catalogue with stock; marketing edits cost, stock, limits and whether it is offered. */
export function Rewards() {
  const { api, role, program } = useSession();
  const list = useLoad(() => api.get<{ rewards: Reward[] }>('/rewards').then((r) => r.rewards), []);
  const [editing, setEditing] = useState<Reward | null>(null);
  const editable = canEditRewards(role);

  return (
    <section>
      <PageHeader
        title="礼品目录"
        subtitle={
          editable ? '修改所需积分、库存、兑换限制和上下架，立即生效。' : '门店角色只能查看礼品目录。'
        }
        actions={
          editable ? (
            <a class="button button--primary" href={href('rewards', 'new')}>
              新建礼品
            </a>
          ) : null
        }
      />
      <ErrorBox error={list.error} />
      {list.data ? (
        <DataTable
          caption="礼品目录"
          rows={list.data}
          rowKey={(r) => r.id}
          empty="礼品目录为空。"
          columns={[
            {
              key: 'name',
              label: '礼品',
              render: (r) => (
                <>
                  {r.name}
                  <span class="muted small"> {r.id}</span>
                </>
              ),
            },
            { key: 'cost', label: '所需积分', numeric: true, render: (r) => formatPoints(r.cost) },
            {
              key: 'stock',
              label: '库存',
              numeric: true,
              render: (r) =>
                r.stock === null
                  ? '不限'
                  : `${formatInt(r.stock)}${r.reserved ? `（兑换中 ${r.reserved}）` : ''}`,
            },
            { key: 'limit', label: '兑换限制', render: (r) => limitText(r) },
            { key: 'tier', label: '最低等级', render: (r) => tierName(r.minTier, program) },
            { key: 'validity', label: '有效期', render: (r) => `${r.validityDays} 天` },
            {
              key: 'active',
              label: '状态',
              render: (r) =>
                r.active ? <Badge tone="success">上架</Badge> : <Badge tone="neutral">下架</Badge>,
            },
            ...(editable
              ? [
                  {
                    key: 'edit',
                    label: '操作',
                    render: (r: Reward) => (
                      <button
                        type="button"
                        class="button button--small"
                        aria-label={`编辑${r.name}`}
                        onClick={() => setEditing(r)}
                      >
                        编辑
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      ) : list.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
      {editing ? (
        <EditReward
          reward={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      ) : null}
    </section>
  );
}

const periodOptions = [
  { value: '', label: '不限次数' },
  ...Object.entries(limitPeriods).map(([value, label]) => ({ value, label })),
];

function EditReward({ reward, onClose, onSaved }: { reward: Reward; onClose(): void; onSaved(): void }) {
  const { api, program } = useSession();
  const notify = useToast();
  const [cost, setCost] = useState(String(reward.cost));
  const [stock, setStock] = useState(reward.stock === null ? '' : String(reward.stock));
  const [period, setPeriod] = useState<string>(reward.perMemberLimit?.period ?? '');
  const [count, setCount] = useState(String(reward.perMemberLimit?.count ?? 1));
  const [minTier, setMinTier] = useState(reward.minTier ?? '');
  const [validityDays, setValidityDays] = useState(String(reward.validityDays));
  const [active, setActive] = useState(reward.active);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : null);
    const costValue = whole(cost);
    if (costValue === null || costValue < 1) local.cost = '请填写大于 0 的整数';
    const stockValue = stock.trim() === '' ? null : whole(stock);
    if (stock.trim() !== '' && stockValue === null) local.stock = '请填写整数，或留空表示不限';
    const countValue = whole(count);
    if (period && (countValue === null || countValue < 1))
      local['perMemberLimit.count'] = '请填写大于 0 的整数';
    const days = whole(validityDays);
    if (days === null || days < 1) local.validityDays = '请填写大于 0 的天数';
    setErrors(local);
    if (Object.keys(local).length) return;

    // Only what changed is sent: `stock` sets the units free now, so an untouched stock must not be
    // written back over redemptions that happened while the form was open.
    const changes: Record<string, unknown> = {};
    if (costValue !== reward.cost) changes.cost = costValue;
    if (stockValue !== reward.stock) changes.stock = stockValue;
    const limit = period ? { count: countValue, period } : null;
    if (JSON.stringify(limit) !== JSON.stringify(reward.perMemberLimit)) changes.perMemberLimit = limit;
    if ((minTier || null) !== reward.minTier) changes.minTier = minTier || null;
    if (days !== reward.validityDays) changes.validityDays = days;
    if (active !== reward.active) changes.active = active;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.patch<Reward>(`/rewards/${encodeURIComponent(reward.id)}`, changes);
      notify(`已保存「${reward.name}」`);
      onSaved();
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
    <Modal title={`编辑礼品：${reward.name}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div class="grid-2">
          <TextField
            label="所需积分"
            inputMode="numeric"
            value={cost}
            onValue={setCost}
            error={errors.cost}
          />
          <TextField
            label="库存"
            inputMode="numeric"
            value={stock}
            onValue={setStock}
            error={errors.stock}
            hint="当前可兑数量；留空表示不限"
          />
          <SelectField label="每人兑换限制" value={period} onValue={setPeriod} options={periodOptions} />
          {period ? (
            <TextField
              label="限兑次数"
              inputMode="numeric"
              value={count}
              onValue={setCount}
              error={errors['perMemberLimit.count']}
            />
          ) : null}
          <SelectField
            label="最低等级"
            value={minTier}
            onValue={setMinTier}
            options={[
              { value: '', label: '不限' },
              ...program.tiers.map((t) => ({ value: t.code, label: t.name })),
            ]}
          />
          <TextField
            label="券有效期（天）"
            inputMode="numeric"
            value={validityDays}
            onValue={setValidityDays}
            error={errors.validityDays}
          />
        </div>
        <CheckboxField label="上架（会员可以兑换）" checked={active} onChecked={setActive} />
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose}>
            返回
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? '正在保存…' : '保存'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
