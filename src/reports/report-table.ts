/**
 * The shape every staff report is answered in (`GET /api/v1/reports/{id}`): typed columns, rows
 * of plain values keyed by column, and a hint of how the console charts them. The console renders
 * any report from this alone, and the CSV export is written from the same table.
 */
export type ColumnKind = 'text' | 'int' | 'fen' | 'decimal' | 'date';

export interface ReportColumn {
  readonly key: string;
  /** Chinese, shown as the table and CSV header. */
  readonly label: string;
  /** `fen`: integer fen (shown as yuan); `decimal`: a number with up to 2 decimals; `date`: `YYYY-MM-DD`. */
  readonly kind: ColumnKind;
}

export type ReportRow = Readonly<Record<string, string | number>>;

export interface ReportChart {
  readonly type: 'bar' | 'stackedBar' | 'line' | 'doughnut';
  /** The column whose values label the x axis (or the doughnut's slices). */
  readonly x: string;
  /** The columns plotted, one series each. */
  readonly series: readonly string[];
}

/** What a report's shaping function produces; the service adds the id, title and time. */
export interface ReportBody {
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ReportRow[];
  readonly chart: ReportChart;
}

export interface ReportTable extends ReportBody {
  readonly id: string;
  readonly title: string;
  readonly generatedAt: string;
}
