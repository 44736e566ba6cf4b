import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useConfirm } from '../components/confirm';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { TextAreaField, TextField } from '../components/field';
import { MessageSettings } from '../components/message-settings';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDateTime, formatDecimal, formatInt, formatPoints } from '../format';
import { labelProgramPath } from '../program-labels';
import { canPublishProgram } from '../roles';
import { useSession } from '../session';
import type { ProgramChange, ProgramFile, ProgramInForce } from '../types';
import { useLoad } from '../use-load';

/**
 * 方案 (`#/program`): the membership program in force, in plain words for every role; for admins,
 * the editor of its next version — the program file as JSON, checked by the server (the values it
 * would alter, or its problems) before it can be published.
 */
export function ProgramPage() {
  const { api, role } = useSession();
  const loaded = useLoad(() => api.get<ProgramInForce>('/program'), []);
  const inForce = loaded.data;
  return (
    <section>
      <PageHeader
        title="会员方案"
        subtitle={
          inForce
            ? `版本 ${inForce.version}${inForce.publishedAt ? `，发布于 ${formatDateTime(inForce.publishedAt)}` : '（默认方案）'}`
            : '正在读取…'
        }
      />
      <ErrorBox error={loaded.error} />
      {inForce ? (
        <>
          <ProgramSummary file={inForce.file} />
          {canPublishProgram(role) ? (
            <ProgramEditor key={inForce.version} inForce={inForce} onPublished={loaded.reload} />
          ) : (
            <p class="muted">方案由管理员修改；修改后对之后的交易和兑换生效。</p>
          )}
        </>
      ) : null}
    </section>
  );
}

const percent = (ratio: number) => (ratio >= 1 ? '无' : `${formatDecimal(ratio * 10)} 折`);

function ProgramSummary({ file }: { file: ProgramFile }) {
  const categories = Object.entries(file.categories).map(([code, category]) => ({ code, ...category }));
  return (
    <>
      <div class="card">
        <h2>会员等级</h2>
        <DataTable
          caption="会员等级"
          rows={file.tiers}
          rowKey={(t) => t.code}
          empty="没有等级。"
          columns={[
            { key: 'name', label: '等级', render: (t) => t.name },
            {
              key: 'threshold',
              label: '年度积分门槛',
              numeric: true,
              render: (t) => formatPoints(t.threshold),
            },
            {
              key: 'multiplier',
              label: '积分倍数',
              numeric: true,
              render: (t) => `×${formatDecimal(t.multiplier)}`,
            },
            { key: 'discount', label: '服务折扣', render: (t) => percent(t.serviceDiscount) },
            {
              key: 'maintenance',
              label: '每年免费保养',
              numeric: true,
              render: (t) => `${formatInt(t.freeMaintenancePerYear)} 次`,
            },
          ]}
        />
      </div>
      <div class="card">
        <h2>积分规则</h2>
        <DataTable
          caption="积分规则"
          rows={categories}
          rowKey={(c) => c.code}
          empty="没有消费类别。"
          columns={[
            { key: 'name', label: '消费类别', render: (c) => c.name },
            {
              key: 'rate',
              label: '每消费 1 元',
              numeric: true,
              render: (c) => `${formatDecimal(c.rate)} 积分`,
            },
            {
              key: 'pending',
              label: '到账',
              render: (c) => (c.pendingDays > 0 ? `${formatInt(c.pendingDays)} 天后` : '立即'),
            },
          ]}
        />
        <dl class="facts">
          <dt>积分有效期</dt>
          <dd>
            {formatInt(file.expiry.months)} 个月{file.expiry.endOfMonth ? '（到期当月月底失效）' : ''}
          </dd>
          <dt>积分抵现</dt>
          <dd>{formatInt(file.redemption.pointsPerYuan)} 积分 = ¥1</dd>
          <dt>入会礼</dt>
          <dd>{formatPoints(file.welcome.points)}</dd>
          <dt>推荐有礼</dt>
          <dd>
            新会员 {formatPoints(file.referral.newMemberPoints)}；推荐人入会时{' '}
            {formatPoints(file.referral.referrerOnSignupPoints)}，好友首次消费后再得{' '}
            {formatPoints(file.referral.referrerOnFirstQualifyingPoints)}
          </dd>
          <dt>门店</dt>
          <dd>{file.stores.map((s) => s.name).join('、')}</dd>
        </dl>
      </div>
      <MessageSettings file={file} />
    </>
  );
}

type Checked = { text: string; changes: ProgramChange[] };

/**
 * The next version as the whole program file in JSON. 检查 asks the server what it would change
 * (nothing is stored); 发布 is offered only for the text last checked, and asks once more.
 */
function ProgramEditor({ inForce, onPublished }: { inForce: ProgramInForce; onPublished: () => void }) {
  const { api, reloadProgram } = useSession();
  const notify = useToast();
  const confirm = useConfirm();
  const [text, setText] = useState(() => JSON.stringify(inForce.file, null, 2));
  const [version, setVersion] = useState('');
  const [checked, setChecked] = useState<Checked | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  /** The text as the change to send, or null (with the reason shown) when it is not a JSON object. */
  const change = (): Record<string, unknown> | null => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      setError(new ApiError(400, 'invalid_json', `JSON 格式有误：${(err as Error).message}`, null, []));
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      setError(new ApiError(400, 'invalid_json', '方案应为一个 JSON 对象', null, []));
      return null;
    }
    return version.trim() ? { ...value, version: version.trim() } : (value as Record<string, unknown>);
  };

  const refused = (err: unknown) => {
    const listed = err instanceof ApiError ? (err.details?.problems as string[] | undefined) : undefined;
    setProblems(Array.isArray(listed) ? listed : []);
    setError(err);
  };

  const check = async () => {
    setError(null);
    setProblems([]);
    setChecked(null);
    const body = change();
    if (!body) return;
    setBusy(true);
    try {
      const result = await api.post<{ changes: ProgramChange[] }>('/program/check', body);
      setChecked({ text: text + version, changes: result.changes });
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    const body = change();
    if (!body || !checked) return;
    const yes = await confirm({
      title: '发布新方案',
      message: `将修改 ${distinctChanges(checked.changes).length} 项，发布后立即对之后的交易、兑换和关怀消息生效，已发生的不受影响。`,
      confirmLabel: '发布',
    });
    if (!yes) return;
    setBusy(true);
    setError(null);
    try {
      const published = await api.post<{ version: string }>('/program', body);
      notify(`已发布方案版本 ${published.version}`);
      await reloadProgram();
      onPublished();
    } catch (err) {
      refused(err);
      setBusy(false);
    }
  };

  const current = checked !== null && checked.text === text + version;
  const changedFile = current ? parsedFile(text) : null;
  return (
    <div class="card">
      <h2>修改方案</h2>
      <p class="muted small">
        在「常用设置」中修改数值（其他配置在「全部配置」中修改）；先「检查修改」看将改变哪些数值，确认无误后发布。
      </p>
      <CommonSettings
        text={text}
        onText={(value) => {
          setText(value);
          setChecked(null);
        }}
      />
      <details class="program-json">
        <summary>全部配置（JSON，高级）</summary>
        <TextAreaField
          label="方案配置（JSON）"
          value={text}
          onValue={(value) => {
            setText(value);
            setChecked(null);
          }}
          rows={18}
        />
      </details>
      <TextField
        label="版本名（可选）"
        value={version}
        onValue={setVersion}
        hint="留空则自动生成，如 2026-11-25.1"
      />
      <ErrorBox error={error} />
      {problems.length > 0 ? (
        <ul class="problems" aria-label="方案问题">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {current ? (
        checked.changes.length === 0 ? (
          <p class="alert alert--info">与当前方案相同，没有需要发布的修改。</p>
        ) : (
          <DataTable
            caption="将修改的数值"
            rows={distinctChanges(checked.changes)}
            rowKey={(c) => c.path}
            empty=""
            columns={[
              {
                key: 'path',
                label: '配置项',
                render: (c) => labelProgramPath(c.path, inForce.file, changedFile),
              },
              { key: 'before', label: '当前', render: (c) => shown(c.before, c.path) },
              { key: 'after', label: '修改后', render: (c) => shown(c.after, c.path) },
            ]}
          />
        )
      ) : null}
      <div class="actions">
        <button type="button" class="button" disabled={busy} onClick={check}>
          检查修改
        </button>
        <button
          type="button"
          class="button button--primary"
          disabled={busy || !current || checked.changes.length === 0}
          onClick={publish}
        >
          发布
        </button>
      </div>
    </div>
  );
}

/** A number field of the common settings: its path in the program file, and what it accepts. */
interface NumberSetting {
  label: string;
  path: (string | number)[];
  /** Whole numbers only (points, months). */
  whole: boolean;
}

function settingsOf(file: ProgramFile): { group: string; settings: NumberSetting[] }[] {
  const points = (label: string, ...path: string[]) => ({ label, path, whole: true });
  return [
    {
      group: '会员等级',
      settings: file.tiers.flatMap((tier, i) => [
        { label: `${tier.name} 年度积分门槛`, path: ['tiers', i, 'threshold'], whole: true },
        { label: `${tier.name} 积分倍数`, path: ['tiers', i, 'multiplier'], whole: false },
      ]),
    },
    {
      group: '每消费 1 元积分',
      settings: Object.entries(file.categories).map(([code, category]) => ({
        label: category.name,
        path: ['categories', code, 'rate'],
        whole: false,
      })),
    },
    {
      group: '入会与推荐',
      settings: [
        points('入会礼积分', 'welcome', 'points'),
        points('被推荐新会员积分', 'referral', 'newMemberPoints'),
        points('推荐人入会奖励', 'referral', 'referrerOnSignupPoints'),
        points('推荐人首次消费奖励', 'referral', 'referrerOnFirstQualifyingPoints'),
        points('积分有效期（月）', 'expiry', 'months'),
      ],
    },
  ];
}

/** The value at `path` in a parsed program file. */
function valueAt(file: ProgramFile, path: readonly (string | number)[]): unknown {
  let node: unknown = file;
  for (const key of path) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return node;
}

/** A copy of the file with `value` at `path` (every step of which exists). */
function withValueAt(file: ProgramFile, path: readonly (string | number)[], value: number): ProgramFile {
  const next = structuredClone(file);
  let node = next as unknown as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return next;
}

/**
 * The numbers staff change most, as fields over the JSON text (the one source of what is sent):
 * a field edit rewrites the text, a text edit shows in the fields. While the text is not valid
 * JSON the fields are hidden; a value that is not a number stays in the field, marked, and
 * leaves the text as it was.
 */
function CommonSettings({ text, onText }: { text: string; onText(text: string): void }) {
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  let file: ProgramFile | null = null;
  try {
    file = JSON.parse(text) as ProgramFile;
  } catch {
    file = null;
  }
  if (!file || !Array.isArray(file.tiers) || typeof file.categories !== 'object' || !file.welcome) {
    return (
      <p class="alert alert--warning">方案配置不是完整、有效的 JSON，请先在下方改正，常用设置才会显示。</p>
    );
  }
  const current = file;
  return (
    <details class="common-settings" open>
      <summary>常用设置</summary>
      {settingsOf(current).map(({ group, settings }) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          <div class="settings-grid">
            {settings.map((setting) => {
              const typed = drafts[setting.label];
              const pattern = setting.whole ? /^\d{1,9}$/ : /^\d{1,6}(\.\d{1,3})?$/;
              return (
                <TextField
                  key={setting.label}
                  label={setting.label}
                  inputMode={setting.whole ? 'numeric' : 'decimal'}
                  value={typed ?? String(valueAt(current, setting.path))}
                  error={
                    typed !== undefined ? (setting.whole ? '请填写整数' : '请填写数字，最多 3 位小数') : null
                  }
                  onValue={(value) => {
                    const trimmed = value.trim();
                    if (!pattern.test(trimmed)) {
                      setDrafts((d) => ({ ...d, [setting.label]: value }));
                      return;
                    }
                    setDrafts(({ [setting.label]: _done, ...rest }) => rest);
                    onText(JSON.stringify(withValueAt(current, setting.path, Number(trimmed)), null, 2));
                  }}
                />
              );
            })}
          </div>
        </fieldset>
      ))}
    </details>
  );
}

/** A value as staff read it: 开启/关闭, lists joined, named items by name, times and numbers as they are. */
function shown(value: unknown, path: string): string {
  if (value === undefined || value === null) return '（无）';
  if (typeof value === 'boolean')
    return path.endsWith('.enabled') ? (value ? '开启' : '关闭') : value ? '是' : '否';
  if (typeof value === 'number') return formatDecimal(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return '（无）';
    return value.map((item) => (isNamed(item) ? item.name : shown(item, path))).join('、');
  }
  if (isNamed(value)) return value.name;
  return JSON.stringify(value);
}

function isNamed(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
  );
}

/** One row per path, whatever the server sent: a change is never listed twice. */
function distinctChanges(changes: readonly ProgramChange[]): ProgramChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.path) && Boolean(seen.add(c.path)));
}

/** The checked text as a program file (for names of items it adds), or null. */
function parsedFile(text: string): ProgramFile | null {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as ProgramFile)
      : null;
  } catch {
    return null;
  }
}
