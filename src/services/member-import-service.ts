import type { ConsentRecord } from '../data/models/member-model';
import { parseCsv } from '../lib/parse-csv';
import { localDateOf } from '../rules/zoned-time';
import type { EnrolmentService } from './enrolment-service';
import {
  type ImportColumn,
  type ImportRow,
  importColumnAliases,
  importColumns,
  importRowSchema,
  normaliseImportValues,
} from './member-import-row';
import { newVehicle } from './new-vehicle';
import type { ServiceContext } from './service-context';

export type ImportFormat = 'csv' | 'ndjson';

export interface ImportReport {
  /** Data rows read (blank lines are not rows). */
  total: number;
  accepted: number;
  /** Rows whose member already exists (by mobile), or that repeat an earlier row's mobile. */
  duplicates: { row: number; reason: string; memberId: string | null }[];
  rejected: { row: number; reason: string }[];
  openingBalances: {
    credited: number;
    points: number;
    /** Balances whose points had already expired by their earn date: not credited. */
    expired: { row: number; points: number; expiresAt: string }[];
  };
}

export type ImportOutcome =
  | { ok: true; report: ImportReport }
  | { ok: false; reason: 'unreadable'; message: string };

const MAX_ROWS = 50_000;
const PARALLEL = 4;

/**
 * Bulk import of a dealer's existing member list (CSV or JSON lines). Each row becomes a member
 * through the same sign-up as the counter (channel `import`), idempotent by mobile: a row whose
 * mobile is already a member changes nothing and is reported as a duplicate, so importing the
 * same file twice is harmless. Imported members are existing members of the dealer, so they get
 * no welcome points or voucher (and no SMS); an opening balance is credited once (operation key
 * `import-opening:<memberId>`) as a lot whose expiry counts from its earn date, and a balance
 * already expired is reported instead of credited. The dealer's consent records are kept as given
 * (policy version and time; channel `import`); a row without them is recorded as consenting at
 * import time under the current policy — importing the list is the dealer's statement that the
 * members agreed.
 */
export class MemberImportService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly enrolment: EnrolmentService,
  ) {}

  async import(text: string, format: ImportFormat, storeId: string): Promise<ImportOutcome> {
    let rows: { row: number; values: Record<string, unknown> }[];
    try {
      rows = format === 'csv' ? csvRows(text) : ndjsonRows(text);
    } catch (err) {
      return { ok: false, reason: 'unreadable', message: err instanceof Error ? err.message : String(err) };
    }
    if (rows.length > MAX_ROWS) {
      return { ok: false, reason: 'unreadable', message: `一次最多导入 ${MAX_ROWS} 行，请分批导入` };
    }

    const program = this.ctx.program.current();
    const now = this.ctx.clock();
    const schema = importRowSchema(now, localDateOf(now, program.timezone), program.timezone);
    const report: ImportReport = {
      total: rows.length,
      accepted: 0,
      duplicates: [],
      rejected: [],
      openingBalances: { credited: 0, points: 0, expired: [] },
    };
    const firstRowOf = new Map<string, number>();
    const valid: { row: number; data: ImportRow }[] = [];
    for (const { row, values } of rows) {
      if ('__unreadable' in values) {
        report.rejected.push({ row, reason: '该行不是合法的 JSON 对象' });
        continue;
      }
      if ('__extra' in values) {
        report.rejected.push({ row, reason: '该行的列数多于表头' });
        continue;
      }
      const parsed = schema.safeParse(normaliseImportValues(values));
      if (!parsed.success) {
        report.rejected.push({ row, reason: parsed.error.issues.map(describeIssue).join('；') });
        continue;
      }
      const earlier = firstRowOf.get(parsed.data.mobile);
      if (earlier !== undefined) {
        report.duplicates.push({ row, reason: `与第 ${earlier} 行手机号重复`, memberId: null });
        continue;
      }
      firstRowOf.set(parsed.data.mobile, row);
      valid.push({ row, data: parsed.data });
    }

    let next = 0;
    const worker = async () => {
      while (next < valid.length) {
        const item = valid[next++]!;
        await this.importRow(item.row, item.data, storeId, report);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    report.duplicates.sort((a, b) => a.row - b.row);
    report.rejected.sort((a, b) => a.row - b.row);
    report.openingBalances.expired.sort((a, b) => a.row - b.row);
    return { ok: true, report };
  }

  private async importRow(
    row: number,
    data: ImportRow,
    storeId: string,
    report: ImportReport,
  ): Promise<void> {
    const program = this.ctx.program.current();
    const now = this.ctx.clock();
    const consentAt = data.privacyConsentAt ?? now;
    const consents: ConsentRecord[] = [
      {
        kind: 'privacy',
        granted: true,
        version: data.privacyPolicyVersion ?? program.signup.privacyPolicyVersion,
        at: consentAt,
        channel: 'import',
      },
      {
        kind: 'marketing',
        granted: data.marketingConsent ?? false,
        version: null,
        at: consentAt,
        channel: 'import',
      },
    ];
    const outcome = await this.enrolment.create(
      {
        name: data.name,
        mobile: data.mobile,
        openid: data.openid ?? null,
        birthday: data.birthday ?? null,
        vehicles: data.plate || data.model ? [newVehicle(data.plate ?? null, data.model ?? null)] : [],
        consents,
        marketingConsent: data.marketingConsent ?? false,
      },
      {
        channel: 'import',
        at: now,
        storeId,
        welcome: false,
        opening:
          data.openingBalance && data.openingBalanceEarnedAt
            ? { points: data.openingBalance, earnedAt: data.openingBalanceEarnedAt }
            : null,
        referral: null,
      },
    );
    if (!outcome.ok) {
      if (outcome.reason === 'already_member') {
        report.duplicates.push({
          row,
          reason: '该手机号已是会员',
          memberId: outcome.memberId,
        });
      } else {
        report.rejected.push({ row, reason: '该 openid 已关联其他会员' });
      }
      return;
    }
    report.accepted++;
    const opening = outcome.result.opening;
    if (opening?.credited) {
      report.openingBalances.credited++;
      report.openingBalances.points += opening.points;
    } else if (opening) {
      report.openingBalances.expired.push({ row, points: opening.points, expiresAt: opening.expiresAt });
    }
  }
}

const FIELD_LABELS: Record<string, string> = {
  name: '称呼',
  mobile: '手机号',
  birthday: '生日',
  plate: '车牌号',
  model: '车型',
  openid: 'openid',
  openingBalance: '期初积分',
  openingBalanceEarnedAt: '积分获得日期',
  privacyConsentAt: '隐私同意时间',
  privacyPolicyVersion: '隐私政策版本',
  marketingConsent: '营销同意',
};

function describeIssue(issue: {
  path: PropertyKey[];
  message: string;
  code: string;
  input?: unknown;
}): string {
  const field = String(issue.path[0] ?? '');
  const label = FIELD_LABELS[field] ?? field;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `缺少${label}`;
  if (issue.code === 'unrecognized_keys') return '含有无法识别的列';
  return issue.message;
}

function columnOf(header: string): ImportColumn | null {
  const trimmed = header.trim();
  const exact = importColumns.find((c) => c.toLowerCase() === trimmed.toLowerCase());
  return exact ?? importColumnAliases[trimmed] ?? null;
}

/** Rows keyed by column; row numbers as a spreadsheet shows them (the header is row 1). */
function csvRows(text: string): { row: number; values: Record<string, unknown> }[] {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) throw new RangeError('文件为空');
  const columns = header.map((cell) => {
    const column = columnOf(cell);
    if (!column) throw new RangeError(`无法识别的列名“${cell}”（可用：${importColumns.join(', ')}）`);
    return column;
  });
  if (!columns.includes('name') || !columns.includes('mobile')) {
    throw new RangeError('表头须包含 name（称呼）和 mobile（手机号）两列');
  }
  const rows: { row: number; values: Record<string, unknown> }[] = [];
  records.slice(1).forEach((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return;
    const values: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      values[column] = cells[i] ?? '';
    });
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== '')) {
      values.__extra = 'x';
    }
    rows.push({ row: index + 2, values });
  });
  return rows;
}

function ndjsonRows(text: string): { row: number; values: Record<string, unknown> }[] {
  const rows: { row: number; values: Record<string, unknown> }[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        rows.push({ row: index + 1, values: { __unreadable: line } });
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        rows.push({ row: index + 1, values: { __unreadable: line } });
        return;
      }
      const values: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) values[columnOf(key) ?? key] = item;
      rows.push({ row: index + 1, values });
    });
  return rows;
}
