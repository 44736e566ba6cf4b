import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorBox } from '../components/error-box';
import { CheckboxField, TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDate, formatPoints } from '../format';
import { canServeMembers } from '../roles';
import { href } from '../route';
import { useSession } from '../session';
import type { EnrolmentAnswer } from '../types';
import { NoPermission } from './no-permission';

interface EnrolForm {
  name: string;
  mobile: string;
  birthday: string;
  plate: string;
  model: string;
  referralCode: string;
  privacyConsent: boolean;
  marketingConsent: boolean;
}

const empty: EnrolForm = {
  name: '',
  mobile: '',
  birthday: '',
  plate: '',
  model: '',
  referralCode: '',
  privacyConsent: false,
  marketingConsent: false,
};

/** 办理入会 at the counter (`POST /members`): the welcome points and voucher are shown at once. */
export function Enrol() {
  const { api, role } = useSession();
  const notify = useToast();
  const [form, setForm] = useState<EnrolForm>(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [existing, setExisting] = useState<string | null>(null);
  const [done, setDone] = useState<EnrolmentAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  if (!canServeMembers(role)) return <NoPermission section="办理入会" />;

  const update = <K extends keyof EnrolForm>(key: K, value: EnrolForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!form.name.trim()) local.name = '请填写姓名';
    if (!/^1[3-9]\d{9}$/.test(form.mobile.trim())) local.mobile = '请填写 11 位手机号';
    if (!form.privacyConsent) local.privacyConsent = '需要客户同意隐私政策才能入会';
    setErrors(local);
    setExisting(null);
    if (Object.keys(local).length) {
      setError(new ApiError(400, 'invalid_request', '请先改正标出的问题', null, []));
      return;
    }
    const body: Record<string, unknown> = {
      name: form.name.trim(),
      mobile: form.mobile.trim(),
      privacyConsent: true,
      marketingConsent: form.marketingConsent,
    };
    for (const key of ['birthday', 'plate', 'model', 'referralCode'] as const) {
      if (form[key].trim()) body[key] = form[key].trim();
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<EnrolmentAnswer>('/members', body);
      setDone(answer);
      notify(`${answer.member.name ?? '新会员'} 已入会`);
    } catch (err) {
      if (err instanceof ApiError) {
        const byPath: Record<string, string> = {};
        for (const issue of err.issues) byPath[issue.path] ??= issue.message;
        setErrors(byPath);
        if (err.code === 'already_member' && typeof err.details?.memberId === 'string') {
          setExisting(err.details.memberId);
        }
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    const voucher = done.welcome?.voucher;
    return (
      <section>
        <PageHeader title="入会成功" />
        <div class="card" role="status">
          <p class="lead">
            {done.member.name} 已成为{done.member.tier.name}会员（{done.member.mobile}）。
          </p>
          <ul class="plain">
            {done.welcome ? <li>入会礼：{formatPoints(done.welcome.points)}</li> : null}
            {voucher ? (
              <li>
                入会券：{voucher.name}，券码 <strong data-testid="welcome-voucher">{voucher.code}</strong>
                ，有效期至 {formatDate(voucher.expiresAt)}
              </li>
            ) : null}
            {done.referral ? (
              <li>
                推荐：
                {done.referral.status === 'joined'
                  ? '已记录推荐关系'
                  : `未计入推荐（${done.referral.reason ?? ''}）`}
              </li>
            ) : null}
          </ul>
          <div class="actions">
            <a class="button button--primary" href={href('members', done.member.id)}>
              查看会员
            </a>
            <button
              type="button"
              class="button"
              onClick={() => {
                setDone(null);
                setForm(empty);
              }}
            >
              继续办理
            </button>
          </div>
        </div>
      </section>
    );
  }

  return (
    <section>
      <PageHeader
        title="办理入会"
        keepFocus
        actions={
          <a class="button" href={href('members')}>
            返回会员查询
          </a>
        }
      />
      <form class="card form-narrow" onSubmit={submit} noValidate>
        <TextField
          label="姓名"
          required
          maxLength={20}
          value={form.name}
          onValue={(v) => update('name', v)}
          error={errors.name}
          inputRef={first}
        />
        <TextField
          label="手机号"
          required
          type="tel"
          inputMode="numeric"
          autoComplete="off"
          value={form.mobile}
          onValue={(v) => update('mobile', v)}
          error={errors.mobile}
        />
        <div class="grid-2">
          <TextField
            label="生日"
            value={form.birthday}
            onValue={(v) => update('birthday', v)}
            error={errors.birthday}
            hint="例如 1990-05-20，或只填 05-20"
          />
          <TextField
            label="推荐码"
            value={form.referralCode}
            onValue={(v) => update('referralCode', v)}
            error={errors.referralCode}
          />
          <TextField
            label="车牌号"
            value={form.plate}
            onValue={(v) => update('plate', v)}
            error={errors.plate}
            hint="例如 粤B12345 或新能源 粤BD12345"
          />
          <TextField
            label="车型"
            value={form.model}
            onValue={(v) => update('model', v)}
            error={errors.model}
          />
        </div>
        <CheckboxField
          label="客户已阅读并同意《会员隐私政策》（必选）"
          checked={form.privacyConsent}
          onChecked={(v) => update('privacyConsent', v)}
        />
        {errors.privacyConsent ? <p class="field__error">{errors.privacyConsent}</p> : null}
        <CheckboxField
          label="客户同意接收优惠活动消息"
          checked={form.marketingConsent}
          onChecked={(v) => update('marketingConsent', v)}
          hint="可不勾选；客户随时可以在公众号回复「退订」。"
        />
        <ErrorBox error={error} />
        {existing ? (
          <p>
            <a href={href('members', existing)}>查看这位已有会员</a>
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? '正在办理…' : '办理入会'}
          </button>
        </div>
      </form>
    </section>
  );
}
