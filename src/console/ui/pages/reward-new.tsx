import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorBox } from '../components/error-box';
import { CheckboxField, SelectField, TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { limitPeriods } from '../labels';
import { canEditRewards } from '../roles';
import { href, navigate } from '../route';
import { useSession } from '../session';
import type { Reward } from '../types';
import { NoPermission } from './no-permission';

/** 新建礼品 (`#/rewards/new`): marketing and admin keys only, as `POST /rewards`. */
export function NewReward() {
  const { role } = useSession();
  if (!canEditRewards(role)) return <NoPermission section="新建礼品" />;
  return <NewRewardForm />;
}

interface RewardForm {
  id: string;
  name: string;
  cost: string;
  stock: string;
  period: string;
  count: string;
  minTier: string;
  validityDays: string;
  storeIds: string[];
  active: boolean;
}

const emptyForm: RewardForm = {
  id: '',
  name: '',
  cost: '',
  stock: '',
  period: '',
  count: '1',
  minTier: '',
  validityDays: '90',
  storeIds: [],
  active: true,
};

const periodOptions = [
  { value: '', label: '不限次数' },
  ...Object.entries(limitPeriods).map(([value, label]) => ({ value, label })),
];

const whole = (text: string): number | null => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : null);

/**
 * The form sends what was typed (numbers as numbers) and shows the API's own messages next to the
 * fields they name: the server is the one place the catalogue's rules live.
 */
function NewRewardForm() {
  const { api, program } = useSession();
  const notify = useToast();
  const [form, setForm] = useState<RewardForm>(emptyForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const update = <K extends keyof RewardForm>(key: K, value: RewardForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    // Only what cannot be put into JSON as a number is caught here; ranges and formats are the API's.
    const local: Record<string, string> = {};
    const numeric = (key: 'cost' | 'stock' | 'count' | 'validityDays', path: string) => {
      const value = whole(form[key]);
      if (value === null) local[path] = form[key].trim() ? '请填写整数' : '请填写此项';
      return value ?? 0;
    };
    const body: Record<string, unknown> = {
      id: form.id.trim(),
      name: form.name.trim(),
      cost: numeric('cost', 'cost'),
      validityDays: numeric('validityDays', 'validityDays'),
      active: form.active,
    };
    if (form.stock.trim()) body.stock = numeric('stock', 'stock');
    if (form.period)
      body.perMemberLimit = { count: numeric('count', 'perMemberLimit.count'), period: form.period };
    if (form.minTier) body.minTier = form.minTier;
    if (form.storeIds.length) body.storeIds = form.storeIds;
    setErrors(local);
    if (Object.keys(local).length) {
      setError(new ApiError(400, 'invalid_request', '请先改正标出的问题', null, []));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const reward = await api.post<Reward>('/rewards', body);
      notify(`已新建礼品「${reward.name}」`);
      navigate(href('rewards'));
    } catch (err) {
      if (err instanceof ApiError) {
        const byPath: Record<string, string> = {};
        for (const issue of err.issues) byPath[issue.path] ??= issue.message;
        if (err.code === 'reward_exists') byPath.id = err.message;
        setErrors(byPath);
      }
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeader
        title="新建礼品"
        keepFocus
        subtitle="保存后立即上架（除非取消勾选），会员可在公众号和门店兑换。"
        actions={
          <a class="button" href={href('rewards')}>
            返回礼品目录
          </a>
        }
      />
      <form class="card form-narrow" onSubmit={submit} noValidate aria-label="新建礼品">
        <div class="grid-2">
          <TextField
            label="礼品编号"
            required
            value={form.id}
            onValue={(v) => update('id', v)}
            inputRef={first}
            autoComplete="off"
            spellcheck={false}
            error={errors.id}
            hint="小写字母、数字和 -，例如 tyre-check；保存后不能修改"
          />
          <TextField
            label="礼品名称"
            required
            value={form.name}
            onValue={(v) => update('name', v)}
            maxLength={60}
            error={errors.name}
          />
          <TextField
            label="所需积分"
            required
            inputMode="numeric"
            value={form.cost}
            onValue={(v) => update('cost', v)}
            error={errors.cost}
          />
          <TextField
            label="库存"
            inputMode="numeric"
            value={form.stock}
            onValue={(v) => update('stock', v)}
            error={errors.stock}
            hint="可兑数量；留空表示不限"
          />
          <SelectField
            label="每人兑换限制"
            value={form.period}
            onValue={(v) => update('period', v)}
            options={periodOptions}
            error={errors['perMemberLimit.period']}
          />
          {form.period ? (
            <TextField
              label="限兑次数"
              inputMode="numeric"
              value={form.count}
              onValue={(v) => update('count', v)}
              error={errors['perMemberLimit.count']}
            />
          ) : null}
          <SelectField
            label="最低等级"
            value={form.minTier}
            onValue={(v) => update('minTier', v)}
            error={errors.minTier}
            options={[
              { value: '', label: '不限' },
              ...program.tiers.map((t) => ({ value: t.code, label: `${t.name}及以上` })),
            ]}
          />
          <TextField
            label="券有效期（天）"
            required
            inputMode="numeric"
            value={form.validityDays}
            onValue={(v) => update('validityDays', v)}
            error={errors.validityDays}
          />
        </div>
        {program.stores.length > 1 ? (
          <fieldset class="checks">
            <legend>可用门店（都不选表示全部门店）</legend>
            {program.stores.map((store) => (
              <CheckboxField
                key={store.id}
                label={store.name}
                checked={form.storeIds.includes(store.id)}
                onChecked={(on) =>
                  update(
                    'storeIds',
                    on ? [...form.storeIds, store.id] : form.storeIds.filter((id) => id !== store.id),
                  )
                }
              />
            ))}
            {errors.storeIds ? (
              <p class="field__error" role="alert">
                {errors.storeIds}
              </p>
            ) : null}
          </fieldset>
        ) : null}
        <CheckboxField
          label="上架（会员可以兑换）"
          checked={form.active}
          onChecked={(v) => update('active', v)}
        />
        <ErrorBox error={error} />
        <div class="actions">
          <a class="button" href={href('rewards')}>
            取消
          </a>
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? '正在保存…' : '保存礼品'}
          </button>
        </div>
      </form>
    </section>
  );
}
