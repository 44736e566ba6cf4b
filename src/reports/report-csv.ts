import type { ReportColumn, ReportTable } from './report-table';

const BOM = '\uFEFF';

/**
 * A report as CSV for Excel: a UTF-8 BOM (Excel reads BOM-less UTF-8 as the local code page),
 * the Chinese column labels as the header, CRLF line ends, fields quoted when they hold a comma,
 * quote or line break (RFC 4180). Fen columns are written as yuan with two decimals. A text cell
 * that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return)
 * gets a leading apostrophe, so a campaign named `=HYPERLINK(…)` stays text (CSV injection).
 */
export function reportCsv(table: Pick<ReportTable, 'columns' | 'rows'>): string {
  const lines = [table.columns.map((column) => field(column.label))];
  for (const row of table.rows) {
    lines.push(table.columns.map((column) => field(cell(column, row[column.key]))));
  }
  return `${BOM}${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

function cell(column: ReportColumn, value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') {
    if (column.kind === 'fen') return fenAsYuan(value);
    if (column.kind === 'decimal') return value.toFixed(2);
    return String(value);
  }
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `123456` → `1234.56`, `-5` → `-0.05`: integer arithmetic, never a float rounding. */
function fenAsYuan(fen: number): string {
  const magnitude = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}
