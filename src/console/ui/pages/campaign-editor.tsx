import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import {
  applyTemplate,
  buildCampaign,
  type CampaignForm as CampaignFormValues,
  emptyCampaignForm,
  formFromCampaign,
  moveStart,
} from '../campaign-form';
import {
  CampaignWarnings,
  localDateZh,
  TemplateProposal,
  useCampaignWarnings,
} from '../components/campaign-checks';
import { PreviewPanel, type PreviewState, useLivePreview } from '../components/campaign-preview';
import { ErrorBox } from '../components/error-box';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatPoints, toLocalInput } from '../format';
import { href, navigate } from '../route';
import { useSession } from '../session';
import type { Campaign, CampaignTemplate } from '../types';
import { useLoad } from '../use-load';

const PLACEHOLDERS = [
  { code: '{name}', label: '姓名' },
  { code: '{tier}', label: '会员等级' },
  { code: '{points}', label: '积分余额' },
  { code: '{expiringPoints}', label: '30 天内到期积分' },
  { code: '{bonusPoints}', label: '本活动赠送积分' },
];

const MONTHS = [
  { value: '', label: '不限' },
  ...Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: `${i + 1} 月` })),
];

/**
 * 新建活动: from a holiday template (its next occurrence proposes the send time and the window) or
 * from scratch — audience filter with its live size and cost in yuan, the message with
 * placeholders and rendered samples, bonus points, a promotion window and the start time, with
 * warnings that do not block. Saved as a draft; scheduling happens on the campaign's page.
 * 编辑活动 (`id`): the same form over a draft, saved with `PATCH`, until it is scheduled.
 */
export function CampaignEditor({ id = null }: { id?: string | null }) {
  const { api } = useSession();
  const existing = useLoad(
    () => (id ? api.get<Campaign>(`/campaigns/${id}`) : Promise.resolve(null)),
    [id, api],
  );
  if (!id) return <CampaignForm existing={null} />;
  if (!existing.data) {
    return (
      <section>
        <PageHeader title="编辑活动" />
        <ErrorBox error={existing.error} />
        {existing.error ? null : <p class="muted">正在加载…</p>}
      </section>
    );
  }
  if (existing.data.status !== 'draft') {
    return (
      <section>
        <PageHeader title="编辑活动" />
        <p class="alert alert--warning" role="status">
          活动「{existing.data.name}」已经安排发送，不能再修改；如需调整，请先取消后新建。
        </p>
        <a class="button" href={href('campaigns', existing.data.id)}>
          返回活动详情
        </a>
      </section>
    );
  }
  return <CampaignForm key={existing.data.id} existing={existing.data} />;
}

function CampaignForm({ existing }: { existing: Campaign | null }) {
  const { api, program } = useSession();
  const notify = useToast();
  const [form, setForm] = useState<CampaignFormValues>(() =>
    existing ? formFromCampaign(existing, new Date()) : emptyCampaignForm(new Date()),
  );
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

  const update = <K extends keyof CampaignFormValues>(key: K, value: CampaignFormValues[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const changeStart = (startAt: string) => setForm((f) => moveStart(f, startAt));
  const built = useMemo(() => buildCampaign(form), [form]);

  useLivePreview(built, setPreview);
  const warnings = useCampaignWarnings(built);
  const chosen = (templates.data ?? []).find((t) => t.id === templateId) ?? null;

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
      const campaign = existing
        ? await api.patch<Campaign>(`/campaigns/${existing.id}`, built.body)
        : await api.post<Campaign>('/campaigns', built.body);
      notify(existing ? `已保存对「${campaign.name}」的修改` : `已保存活动「${campaign.name}」（草稿）`);
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
        title={existing ? '编辑活动' : '新建活动'}
        subtitle={
          existing
            ? '草稿可以随时修改，安排发送后就不能再改；右侧实时显示覆盖人数、积分成本和消息示例。'
            : '选择节日模板或从空白开始；右侧实时显示覆盖人数、积分成本和消息示例。'
        }
        actions={
          <a class="button" href={existing ? href('campaigns', existing.id) : href('campaigns')}>
            {existing ? '返回活动详情' : '返回活动列表'}
          </a>
        }
      />
      <div class="editor">
        <form class="editor__form" onSubmit={submit} noValidate>
          {existing ? null : (
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
                      {t.proposal.holiday ? `${localDateZh(t.proposal.holiday.day)} · ` : ''}
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
              {chosen ? <TemplateProposal template={chosen} /> : null}
            </fieldset>
          )}

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

          <CampaignWarnings warnings={warnings} />
          <ErrorBox error={submitError} />
          <div class="actions">
            <a class="button" href={existing ? href('campaigns', existing.id) : href('campaigns')}>
              取消
            </a>
            <button type="submit" class="button button--primary" disabled={saving}>
              {saving ? '正在保存…' : existing ? '保存修改' : '保存为草稿'}
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

/** The API's field issues by path (`audience.maxPoints`), the first message of each. */
function issuesByPath(error: ApiError): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const issue of error.issues) byPath[issue.path] ??= issue.message;
  return byPath;
}
