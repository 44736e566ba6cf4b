import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { Field, SelectField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { Stats } from '../components/stat';
import { useToast } from '../components/toasts';
import { formatDate, formatInt, formatPoints } from '../format';
import { href } from '../route';
import { useSession } from '../session';
import type { ImportReport } from '../types';

/** The API takes up to 5 MB a list; bigger files are refused here before uploading. */
const MAX_BYTES = 5 * 1024 * 1024;

const SAMPLE = '姓名,手机号,生日,车牌,车型,期初积分,积分获得日期,隐私同意时间,隐私政策版本,营销同意';

/**
 * 会员导入 (`#/import`, admins): the dealer's existing member list as a CSV (or JSON lines) file,
 * into one store. Importing is safe to repeat: a mobile already a member is reported as a
 * duplicate and changes nothing, so a list can be fixed and uploaded again.
 */
export function MemberImport() {
  const { api, program } = useSession();
  const notify = useToast();
  const [storeId, setStoreId] = useState(program.stores[0]?.id ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (!file) {
      setError(new ApiError(400, 'no_file', '请先选择会员名单文件', null, []));
      return;
    }
    if (file.size > MAX_BYTES) {
      setError(new ApiError(413, 'too_large', '文件超过 5 MB，请分成几个文件导入', null, []));
      return;
    }
    setBusy(true);
    setReport(null);
    try {
      const text = await file.text();
      const jsonLines = /\.(ndjson|jsonl)$/i.test(file.name) || text.trimStart().startsWith('{');
      const result = await api.postText<ImportReport>(
        `/members/import?storeId=${encodeURIComponent(storeId)}`,
        text,
        jsonLines ? 'application/x-ndjson' : 'text/csv',
      );
      setReport(result);
      notify(`已导入 ${formatInt(result.accepted)} 位会员`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeader
        title="会员导入"
        subtitle="导入门店已有的会员名单。可重复导入：已是会员的手机号不会重复建档。"
      />
      <form class="card form-narrow" onSubmit={upload}>
        <SelectField
          label="归属门店"
          value={storeId}
          onValue={setStoreId}
          options={program.stores.map((s) => ({ value: s.id, label: s.name }))}
          required
        />
        <Field
          label="会员名单文件"
          hint={
            <>
              CSV（UTF-8，首行为表头）或 JSON lines，不超过 5 MB。表头可用：<code>{SAMPLE}</code>
            </>
          }
          required
        >
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson"
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setReport(null);
              }}
            />
          )}
        </Field>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? '正在导入…' : '导入'}
          </button>
        </div>
      </form>
      {report ? <ImportResult report={report} /> : null}
    </section>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  const problems: { row: number; reason: string; kind: string; memberId: string | null }[] = [
    ...report.rejected.map((r) => ({ ...r, kind: '未导入', memberId: null })),
    ...report.duplicates.map((d) => ({ ...d, kind: '已是会员' })),
  ].sort((a, b) => a.row - b.row);
  return (
    <div class="card" aria-live="polite">
      <h2>导入结果</h2>
      <Stats
        label="导入结果"
        items={[
          { name: '名单行数', value: formatInt(report.total) },
          { name: '新建会员', value: formatInt(report.accepted) },
          { name: '已是会员', value: formatInt(report.duplicates.length) },
          { name: '未导入', value: formatInt(report.rejected.length) },
          {
            name: '期初积分',
            value: formatPoints(report.openingBalances.points),
            note: `${formatInt(report.openingBalances.credited)} 位会员`,
          },
        ]}
      />
      {problems.length > 0 ? (
        <DataTable
          caption="需要处理的行"
          showCaption
          rows={problems}
          rowKey={(p) => `${p.kind}-${p.row}`}
          empty=""
          columns={[
            { key: 'row', label: '行号', numeric: true, render: (p) => formatInt(p.row) },
            { key: 'kind', label: '结果', render: (p) => p.kind },
            {
              key: 'reason',
              label: '原因',
              render: (p) =>
                p.memberId ? (
                  <>
                    {p.reason} <a href={href('members', p.memberId)}>查看会员</a>
                  </>
                ) : (
                  p.reason
                ),
            },
          ]}
        />
      ) : (
        <p class="alert alert--success">名单中的每一行都已导入。</p>
      )}
      {report.openingBalances.expired.length > 0 ? (
        <DataTable
          caption="已过期、未入账的期初积分"
          showCaption
          rows={report.openingBalances.expired}
          rowKey={(e) => String(e.row)}
          empty=""
          columns={[
            { key: 'row', label: '行号', numeric: true, render: (e) => formatInt(e.row) },
            { key: 'points', label: '积分', numeric: true, render: (e) => formatPoints(e.points) },
            { key: 'expiresAt', label: '已于', render: (e) => `${formatDate(e.expiresAt)} 过期` },
          ]}
        />
      ) : null}
    </div>
  );
}
