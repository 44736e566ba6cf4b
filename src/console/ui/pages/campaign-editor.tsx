import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import {
  applyTemplate,
  type BuiltCampaign,
  buildCampaign,
  type CampaignForm,
  emptyCampaignForm,
  moveStart,
} from '../campaign-form';
import { ErrorBox, errorText } from '../components/error-box';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatInt, formatPoints, formatYuan, toLocalInput } from '../format';
import { href, navigate } from '../route';
import { useSession } from '../session';
import type { Campaign, CampaignPreview, CampaignTemplate } from '../types';
import { useLoad } from '../use-load';

const PLACEHOLDERS = [
  { code: '{name}', label: '姓名' },
  { code: '{tier}', label: '会员等级' },
  { code: '{points}', label: '积分余额' },
  { code: '{expiringPoints}', label: '30 天内到期积分' },
];

const MONTHS = [
  { value: '', label: '不限' },
  ...Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: `${i + 1} 月` })),
];

/** How long the form must stay still before the audience and cost are asked for again. */
const PREVIEW_DEBOUNCE_MS = 400;

type PreviewState =
  | { state: 'idle' }
  | { state: 'loading'; last: CampaignPreview | null }
  | { state: 'ready'; preview: CampaignPreview }
  | { state: 'error'; message: string };

/**
 * 新建活动: from a holiday template or from scratch — audience filter with its live size and cost
 * in yuan, the message with placeholders and rendered samples, bonus points, a promotion window and
 * the start time. Saved as a draft; scheduling happens on the campaign's page.
 */
export function CampaignEditor() {
  const { api, program } = useSession();
  const notify = useToast();
  const [form, setForm] = useState<CampaignForm>(() => emptyCampaignForm(new Date()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewState>({ state: 'idle' });
  const textArea = useRef<HTMLTextAreaElement>(null);
  const templates = useLoad(
    () => api.get<{ templates: CampaignTemplate[] }>('/campaigns/templates').then((r) => r.templates),
    [],
  );

  const update = <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const changeStart = (startAt: string) => setForm((f) => moveStart(f, startAt));
  const built = useMemo(() => buildCampaign(form), [form]);

  useLivePreview(built, setPreview);

  const chooseTemplate = (template: CampaignTemplate | null) => {
    setTemplateId(template?.id ?? 'blank');
    setForm((f) =>
      template ? applyTemplate(f, template) : { ...emptyCampaignForm(new Date()), startAt: f.startAt },
    );
    setErrors({});
  };

  const insertPlaceholder = (code: string) => {
    const area = textArea.current;
    const start = area?.selectionStart ?? form.text.length;
    const end = area?.selectionEnd ?? form.text.length;
    const text = form.text.slice(0, start) + code + form.text.slice(end);
    update('text', text);
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + code.length, start + code.length);
    });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitError(null);
    if (Object.keys(built.problems).length) {
      setErrors(built.problems);
      setSubmitError(new ApiError(400, 'invalid_request', '请先改正标出的问题', null, []));
      return;
    }
    setSaving(true);
    try {
      const campaign = await api.post<Campaign>('/campaigns', built.body);
      notify(`已保存活动「${campaign.name}」（草稿）`);
      navigate(href('campaigns', campaign.id));
    } catch (err) {
      setErrors(err instanceof ApiError ? issuesByPath(err) : {});
      setSubmitError(err);
      setSaving(false);
    }
  };

  const err = (path: string) => errors[path] ?? null;

  return (
    <section>
      <PageHeader
        title="新建活动"
        subtitle="选择节日模板或从空白开始；右侧实时显示覆盖人数、积分成本和消息示例。"
        actions={
          <a class="button" href={href('campaigns')}>
            返回活动列表
          </a>
        }
      />
      <div class="editor">
        <form class="editor__form" onSubmit={submit} noValidate>
          <fieldset class="card">
            <legend>从模板开始</legend>
            <ErrorBox error={templates.error} />
            <div class="template-list">
              {(templates.data ?? []).map((t) => (
                <button
                  type="button"
                  key={t.id}
                  class="template"
                  aria-pressed={templateId === t.id}
                  onClick={() => chooseTemplate(t)}
                >
                  <span class="template__occasion">{t.occasion}</span>
                  <span class="template__name">{t.name}</span>
                  <span class="template__meta">
                    {t.suggestedBonusPoints ? `赠 ${formatPoints(t.suggestedBonusPoints)}` : '不赠积分'}
                    {t.suggestedWindow
                      ? ` · ${t.suggestedWindow.multiplier} 倍积分 ${t.suggestedWindow.days} 天`
                      : ''}
                  </span>
                </button>
              ))}
              <button
                type="button"
                class="template"
                aria-pressed={templateId === 'blank'}
                onClick={() => chooseTemplate(null)}
              >
                <span class="template__occasion">自定义</span>
                <span class="template__name">从空白开始</span>
                <span class="template__meta">自己填写全部内容</span>
              </button>
            </div>
          </fieldset>

          <fieldset class="card">
            <legend>基本信息</legend>
            <TextField
              label="活动名称"
              required
              maxLength={60}
              value={form.name}
              onValue={(v) => update('name', v)}
              error={err('name')}
            />
            <div class="row">
              <TextField
                label="开始发送时间"
                type="datetime-local"
                required
                value={form.startAt}
                onValue={changeStart}
                error={err('startAt')}
                hint="北京时间。到点后自动按名单逐批发送。"
              />
              <div class="field field--button">
                <button type="button" class="button" onClick={() => changeStart(toLocalInput(new Date()))}>
                  改为现在
                </button>
              </div>
            </div>
          </fieldset>

          <fieldset class="card">
            <legend>目标会员</legend>
            <p class="muted">不填的条件表示不限。只有同意接收营销消息且未退订的会员会收到消息和赠送积分。</p>
            <fieldset class="checks">
              <legend>会员等级</legend>
              {program.tiers.map((tier) => (
                <CheckboxField
                  key={tier.code}
                  label={tier.name}
                  checked={form.tiers.includes(tier.code)}
                  onChecked={(on) =>
                    update(
                      'tiers',
                      on ? [...form.tiers, tier.code] : form.tiers.filter((c) => c !== tier.code),
                    )
                  }
                />
              ))}
            </fieldset>
            {err('audience.tiers') ? <p class="field__error">{err('audience.tiers')}</p> : null}
            <div class="grid-2">
              <TextField
                label="标签"
                value={form.tags}
                onValue={(v) => update('tags', v)}
                hint="多个标签用逗号分开，满足任一即可"
                error={err('audience.tags')}
              />
              <SelectField
                label="生日月份"
                value={form.birthdayMonth}
                onValue={(v) => update('birthdayMonth', v)}
                options={MONTHS}
              />
              <TextField
                label="车型"
                value={form.vehicleModel}
                onValue={(v) => update('vehicleModel', v)}
                error={err('audience.vehicleModel')}
              />
              <div class="row">
                <TextField
                  label="积分余额不少于"
                  inputMode="numeric"
                  value={form.minPoints}
                  onValue={(v) => update('minPoints', v)}
                  error={err('audience.minPoints')}
                />
                <TextField
                  label="积分余额不超过"
                  inputMode="numeric"
                  value={form.maxPoints}
                  onValue={(v) => update('maxPoints', v)}
                  error={err('audience.maxPoints')}
                />
              </div>
              <div class="row">
                <TextField
                  label="最近到店晚于"
                  type="date"
                  value={form.lastVisitAfter}
                  onValue={(v) => update('lastVisitAfter', v)}
                  error={err('audience.lastVisitAfter')}
                />
                <TextField
                  label="最近到店早于"
                  type="date"
                  value={form.lastVisitBefore}
                  onValue={(v) => update('lastVisitBefore', v)}
                  error={err('audience.lastVisitBefore')}
                />
              </div>
              <div class="row">
                <TextField
                  label="入会晚于"
                  type="date"
                  value={form.signedUpAfter}
                  onValue={(v) => update('signedUpAfter', v)}
                  error={err('audience.signedUpAfter')}
                />
                <TextField
                  label="入会早于"
                  type="date"
                  value={form.signedUpBefore}
                  onValue={(v) => update('signedUpBefore', v)}
                  error={err('audience.signedUpBefore')}
                />
              </div>
            </div>
          </fieldset>

          <fieldset class="card">
            <legend>消息内容</legend>
            <TextAreaField
              label="消息（可含个人信息）"
              required
              rows={4}
              maxLength={600}
              value={form.text}
              onValue={(v) => update('text', v)}
              error={err('text')}
              textAreaRef={textArea}
              hint="在 48 小时互动窗口内以客服消息逐个发送，占位符替换为会员本人的信息。"
            />
            <fieldset class="placeholders">
              <legend class="visually-hidden">插入占位符</legend>
              {PLACEHOLDERS.map((p) => (
                <button type="button" key={p.code} class="chip" onClick={() => insertPlaceholder(p.code)}>
                  插入{p.label} <code>{p.code}</code>
                </button>
              ))}
            </fieldset>
            <TextAreaField
              label="群发版本（不含个人信息）"
              rows={3}
              maxLength={600}
              value={form.genericText}
              onValue={(v) => update('genericText', v)}
              error={err('genericText')}
              hint="超出互动窗口的会员收到这条群发内容；消息含个人占位符时必须填写，否则可留空（与上面相同）。"
            />
          </fieldset>

          <fieldset class="card">
            <legend>积分奖励</legend>
            <TextField
              label="每位接收人赠送积分"
              inputMode="numeric"
              value={form.bonusPoints}
              onValue={(v) => update('bonusPoints', v)}
              error={err('bonusPoints')}
              hint="0 表示不赠送。每位会员只赠送一次。"
            />
            <CheckboxField
              label="活动期间消费积分加倍"
              checked={form.windowOn}
              onChecked={(on) => update('windowOn', on)}
              hint="加倍期间所有会员到店消费都按倍数计分（与会员日、生日取最高倍数）。"
            />
            {form.windowOn ? (
              <div class="grid-3">
                <TextField
                  label="加倍开始"
                  type="datetime-local"
                  value={form.windowStartsAt}
                  onValue={(v) => update('windowStartsAt', v)}
                  error={err('window.startsAt')}
                />
                <TextField
                  label="加倍结束"
                  type="datetime-local"
                  value={form.windowEndsAt}
                  onValue={(v) => update('windowEndsAt', v)}
                  error={err('window.endsAt')}
                />
                <TextField
                  label="倍数"
                  inputMode="decimal"
                  value={form.multiplier}
                  onValue={(v) => update('multiplier', v)}
                  error={err('window.multiplier')}
                  hint="例如 2 或 1.5"
                />
              </div>
            ) : null}
          </fieldset>

          <ErrorBox error={submitError} />
          <div class="actions">
            <a class="button" href={href('campaigns')}>
              取消
            </a>
            <button type="submit" class="button button--primary" disabled={saving}>
              {saving ? '正在保存…' : '保存为草稿'}
            </button>
          </div>
        </form>

        <aside class="editor__preview card" aria-labelledby="preview-title">
          <h2 id="preview-title">预览</h2>
          <PreviewPanel preview={preview} />
        </aside>
      </div>
    </section>
  );
}

/** Asks `POST /campaigns/preview` once the form has been still for a moment; late answers are dropped. */
function useLivePreview(
  built: BuiltCampaign,
  setPreview: (update: (p: PreviewState) => PreviewState) => void,
) {
  const { api } = useSession();
  const generation = useRef(0);
  const key = JSON.stringify(built);
  // `key` stands for `built`: the preview is asked again only when the request would change.
  useEffect(() => {
    const mine = ++generation.current;
    setPreview((p) => ({
      state: 'loading',
      last: p.state === 'ready' ? p.preview : p.state === 'loading' ? p.last : null,
    }));
    const timer = setTimeout(async () => {
      const problems = Object.values(built.problems);
      if (problems.length) {
        setPreview(() => ({ state: 'error', message: problems.join('；') }));
        return;
      }
      // The audience and cost are useful before the name and the message are written.
      const body = {
        ...built.body,
        name: (built.body.name as string) || '预览',
        text: (built.body.text as string) || '（消息内容）',
      };
      try {
        const preview = await api.post<CampaignPreview>('/campaigns/preview', body);
        if (mine === generation.current) setPreview(() => ({ state: 'ready', preview }));
      } catch (err) {
        if (mine === generation.current) setPreview(() => ({ state: 'error', message: errorText(err) }));
      }
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, api]);
}

function PreviewPanel({ preview }: { preview: PreviewState }) {
  const shown =
    preview.state === 'ready' ? preview.preview : preview.state === 'loading' ? preview.last : null;
  return (
    <div aria-live="polite" aria-busy={preview.state === 'loading'}>
      {preview.state === 'error' ? <p class="alert alert--warning">预览暂不可用：{preview.message}</p> : null}
      {shown ? (
        <>
          <dl class="stats stats--compact" aria-label="覆盖人数和成本">
            <div class="stat">
              <dt>符合条件的会员</dt>
              <dd data-testid="audience-size">{formatInt(shown.audienceSize)} 人</dd>
            </div>
            <div class="stat">
              <dt>可接收营销消息</dt>
              <dd data-testid="recipients">{formatInt(shown.recipients)} 人</dd>
            </div>
            <div class="stat">
              <dt>预计积分成本</dt>
              <dd data-testid="liability">{formatYuan(shown.liability.totalFen)}</dd>
            </div>
          </dl>
          <p class="muted small">
            赠送 {formatPoints(shown.liability.bonusPoints)}（{formatYuan(shown.liability.bonusFen)}）
            {shown.liability.windowExtraPoints || shown.liability.windowExtraFen
              ? `；加倍活动预计多发 ${formatPoints(shown.liability.windowExtraPoints)}（${formatYuan(shown.liability.windowExtraFen)}，按近 30 天消费估算）`
              : ''}
          </p>
          <h3>消息示例</h3>
          {shown.samples.length ? (
            <ol class="samples">
              {shown.samples.map((s) => (
                <li key={s.memberId} class="bubble">
                  {s.text}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">没有可接收消息的会员，无法生成示例。</p>
          )}
        </>
      ) : preview.state !== 'error' ? (
        <p class="muted">正在计算…</p>
      ) : null}
      {preview.state === 'loading' && shown ? <p class="muted small">正在更新…</p> : null}
    </div>
  );
}

/** The API's field issues by path (`audience.maxPoints`), the first message of each. */
function issuesByPath(error: ApiError): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const issue of error.issues) byPath[issue.path] ??= issue.message;
  return byPath;
}
