import { useMemo, useState } from 'preact/hooks';
import { type ChartSeries, ChartView } from '../components/chart-view';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { SelectField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDate, formatDateTime, formatDecimal, formatInt, formatYuan } from '../format';
import { href } from '../route';
import { useSession } from '../session';
import type { Report, ReportColumnKind, ReportSummary } from '../types';
import { useLoad } from '../use-load';

const WEEKS = [4, 8, 12, 26, 52].map((w) => ({ value: String(w), label: `最近 ${w} 周` }));

/** 报表: the report list, and the chosen report as a chart, its table and a CSV download. */
export function Reports({ selected }: { selected: string | null }) {
  const { api } = useSession();
  const list = useLoad(() => api.get<{ reports: ReportSummary[] }>('/reports').then((r) => r.reports), []);
  const current = selected ?? list.data?.[0]?.id ?? null;
  return (
    <section>
      <PageHeader title="报表" subtitle="图表下方是完整数据，可下载 CSV（Excel 可直接打开）。" />
      <ErrorBox error={list.error} />
      <div class="reports">
        <nav class="reports__list" aria-label="报表列表">
          <ul>
            {(list.data ?? []).map((r) => (
              <li key={r.id}>
                <a href={href('reports', r.id)} aria-current={r.id === current ? 'page' : undefined}>
                  <span class="reports__title">{r.title}</span>
                  <span class="reports__description">{r.description}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="reports__body">{current ? <ReportView key={current} id={current} /> : null}</div>
      </div>
    </section>
  );
}

function ReportView({ id }: { id: string }) {
  const { api } = useSession();
  const notify = useToast();
  const [weeks, setWeeks] = useState('12');
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const report = useLoad(
    () => api.get<Report>(`/reports/${encodeURIComponent(id)}?weeks=${weeks}`),
    [id, weeks],
  );
  const r = report.data;
  const chart = useMemo(() => (r ? chartData(r) : null), [r]);

  const download = async () => {
    setDownloadError(null);
    try {
      await api.download(
        `/reports/${encodeURIComponent(id)}?weeks=${weeks}&format=csv`,
        `${id}-${formatDate(new Date())}.csv`,
      );
      notify('CSV 已开始下载');
    } catch (err) {
      setDownloadError(err);
    }
  };

  return (
    <div class="card">
      <div class="report-head">
        <h2>{r?.title ?? '正在加载…'}</h2>
        <div class="report-head__tools">
          <SelectField label="时间范围" value={weeks} onValue={setWeeks} options={WEEKS} />
          <button type="button" class="button" onClick={() => void download()}>
            下载 CSV
          </button>
        </div>
      </div>
      <ErrorBox error={report.error} />
      <ErrorBox error={downloadError} />
      {r && chart ? (
        <>
          <p class="muted small">生成于 {formatDateTime(r.generatedAt)}</p>
          {r.rows.length ? (
            <ChartView
              type={r.chart.type}
              labels={chart.labels}
              series={chart.series}
              description={`${r.title}图表，数据见下表`}
              formatValue={chart.formatValue}
              integer={chart.integer}
            />
          ) : null}
          <DataTable
            caption={`${r.title}数据`}
            rows={r.rows}
            rowKey={(row) => JSON.stringify(row)}
            empty="这段时间没有数据。"
            columns={r.columns.map((c) => ({
              key: c.key,
              label: c.label,
              numeric: c.kind !== 'text' && c.kind !== 'date',
              render: (row: Report['rows'][number]) => formatCell(row[c.key], c.kind),
            }))}
          />
        </>
      ) : null}
    </div>
  );
}

/** A cell as people read it: ¥ for fen, grouped digits, dates as they are. */
function formatCell(value: string | number | null | undefined, kind: ReportColumnKind): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return kind === 'date' ? formatDate(value) : value;
  switch (kind) {
    case 'fen':
      return formatYuan(value);
    case 'int':
      return formatInt(value);
    case 'decimal':
      return formatDecimal(value);
    default:
      return String(value);
  }
}

/** The chart's labels and series from the report's own chart hint; money is charted in yuan. */
function chartData(report: Report): {
  labels: string[];
  series: ChartSeries[];
  formatValue(v: number): string;
  integer: boolean;
} {
  const xColumn = report.columns.find((c) => c.key === report.chart.x);
  const labels = report.rows.map((row) => formatCell(row[report.chart.x], xColumn?.kind ?? 'text'));
  const seriesColumns = report.chart.series
    .map((key) => report.columns.find((c) => c.key === key))
    .filter((c): c is Report['columns'][number] => c !== undefined);
  const money = seriesColumns.length > 0 && seriesColumns.every((c) => c.kind === 'fen');
  const series = seriesColumns.map((c) => ({
    label: c.label,
    values: report.rows.map((row) => {
      const value = Number(row[c.key] ?? 0);
      return c.kind === 'fen' ? value / 100 : value;
    }),
  }));
  const formatValue = money
    ? (v: number) => formatYuan(Math.round(v * 100))
    : (v: number) => formatDecimal(v);
  const integer = seriesColumns.every((c) => c.kind === 'int');
  return { labels, series, formatValue, integer };
}
