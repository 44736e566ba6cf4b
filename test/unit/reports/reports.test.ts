import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultProgram } from '../../../src/config/default-program';
import { careOutcomesReport } from '../../../src/reports/care-outcomes-report';
import { liabilityReport } from '../../../src/reports/liability-report';
import { pointsReport } from '../../../src/reports/points-report';
import { ratingsReport } from '../../../src/reports/ratings-report';
import { reportCsv } from '../../../src/reports/report-csv';
import { isoWeekLabel, recentWeeks } from '../../../src/reports/report-weeks';
import { tiersReport } from '../../../src/reports/tiers-report';
import { parseIsoDate } from '../../../src/rules/local-date';

const SHANGHAI = 'Asia/Shanghai';

describe('report shaping is pure', () => {
  const files = readdirSync('src/reports').map((name) => join('src/reports', name));
  it.each(files)('%s imports no IO library and never reads the clock', (file) => {
    const source = readFileSync(file, 'utf8');
    expect(source).not.toMatch(/from '(ioredis|mongoose|mongodb|bullmq|express|node:[^']*)'/);
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)/);
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2026-11-16', '2026-W47'],
    ['2026-11-22', '2026-W47'],
    ['2026-11-23', '2026-W48'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-03', '2020-W53'],
    ['2020-01-01', '2020-W01'],
  ])('%s is in %s', (day, label) => {
    expect(isoWeekLabel(parseIsoDate(day)!)).toBe(label);
  });

  it('the weeks up to the current one, oldest first, from Monday 00:00 in Shanghai', () => {
    const weeks = recentWeeks(new Date('2026-11-25T10:00:00+08:00'), 3, SHANGHAI);
    expect(weeks.map((w) => [w.label, w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-W46', '2026-11-08T16:00:00.000Z', '2026-11-15T16:00:00.000Z'],
      ['2026-W47', '2026-11-15T16:00:00.000Z', '2026-11-22T16:00:00.000Z'],
      ['2026-W48', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z'],
    ]);
  });

  it('Sunday 23:59 local belongs to the week it ends, Monday 00:00 to the next (same UTC day)', () => {
    expect(recentWeeks(new Date('2026-11-22T23:59:59.999+08:00'), 1, SHANGHAI)[0]!.label).toBe('2026-W47');
    expect(recentWeeks(new Date('2026-11-23T00:00:00+08:00'), 1, SHANGHAI)[0]!.label).toBe('2026-W48');
  });

  it('crosses the year and keeps 7-day weeks across a daylight-saving change', () => {
    const labels = recentWeeks(new Date('2027-01-05T12:00:00+08:00'), 3, SHANGHAI).map((w) => w.label);
    expect(labels).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    const berlin = recentWeeks(new Date('2026-04-01T12:00:00+02:00'), 2, 'Europe/Berlin');
    // The week of 23–29 March 2026 holds the spring-forward night: 7 days less one hour.
    expect(berlin[0]!.end.getTime() - berlin[0]!.start.getTime()).toBe(7 * 86_400_000 - 3_600_000);
    expect(berlin[1]!.start.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});

describe('report tables', () => {
  const weeks = recentWeeks(new Date('2026-11-25T10:00:00+08:00'), 2, SHANGHAI);

  it('tiers in program order with empty tiers as 0, unknown codes after', () => {
    const body = tiersReport(
      [
        { tierCode: 'gold', members: 2 },
        { tierCode: 'bronze', members: 5 },
        { tierCode: 'legacy', members: 1 },
      ],
      defaultProgram,
    );
    expect(body.rows).toEqual([
      { tier: '铜卡', members: 5 },
      { tier: '银卡', members: 0 },
      { tier: '金卡', members: 2 },
      { tier: '钻石卡', members: 0 },
      { tier: 'legacy', members: 1 },
    ]);
  });

  it('points: issued counts credits and positive adjustments; debits by kind', () => {
    const body = pointsReport(weeks, [
      { week: 0, type: 'earn', credited: 300, debited: 0 },
      { week: 0, type: 'welcome', credited: 1_000, debited: 0 },
      { week: 0, type: 'adjust', credited: 50, debited: -20 },
      { week: 1, type: 'redeem', credited: 0, debited: -1_500 },
      { week: 1, type: 'cancel_redemption', credited: 1_500, debited: 0 },
      { week: 1, type: 'expire', credited: 0, debited: -77 },
      { week: 1, type: 'refund', credited: 0, debited: -300 },
      { week: 1, type: 'bonus', credited: 500, debited: 0 },
    ]);
    expect(body.rows).toEqual([
      { week: '2026-W47', issued: 1_350, redeemed: 0, expired: 0, returned: 0, clawedBack: 20 },
      { week: '2026-W48', issued: 500, redeemed: 1_500, expired: 77, returned: 1_500, clawedBack: 300 },
    ]);
  });

  it('liability values points like campaign liability (floor to the fen)', () => {
    const body = liabilityReport(
      [{ tierCode: 'silver', members: 2, available: 12_345, pending: 1_000 }],
      defaultProgram,
    );
    expect(body.rows[1]).toEqual({
      tier: '银卡',
      members: 2,
      available: 12_345,
      pending: 1_000,
      points: 13_345,
      valueFen: 13_345,
    });
    const dearer = liabilityReport([{ tierCode: 'bronze', members: 1, available: 333, pending: 0 }], {
      ...defaultProgram,
      redemption: { ...defaultProgram.redemption, pointsPerYuan: 7 },
    });
    expect(dearer.rows[0]!.valueFen).toBe(4_757); // 333 × 100 ÷ 7 = 4,757.14…
  });

  it('care outcomes group skip reasons and ignore other kinds', () => {
    const body = careOutcomesReport([
      { kind: 'birthday', status: 'sent', reason: null, count: 3 },
      { kind: 'birthday', status: 'skipped', reason: 'opted_out', count: 1 },
      { kind: 'birthday', status: 'skipped', reason: 'no_consent', count: 2 },
      { kind: 'birthday', status: 'skipped', reason: 'expired', count: 1 },
      { kind: 'birthday', status: 'deferred', reason: null, count: 4 },
      { kind: 'campaign', status: 'sent', reason: null, count: 9 },
    ]);
    expect(body.rows[0]).toEqual({
      kind: '生日祝福',
      total: 11,
      sent: 3,
      skipped: 4,
      skippedUnfollowed: 0,
      skippedNoConsent: 3,
      skippedCap: 0,
      skippedOther: 1,
      failed: 0,
      waiting: 4,
    });
    expect(body.rows.some((row) => row.kind === 'campaign')).toBe(false);
  });

  it('ratings average to 2 decimals, 0 for an empty week', () => {
    const body = ratingsReport(weeks, [{ week: 1, answered: 3, ratingSum: 13, alerts: 1 }]);
    expect(body.rows).toEqual([
      { week: '2026-W47', answered: 0, averageRating: 0, alerts: 0 },
      { week: '2026-W48', answered: 3, averageRating: 4.33, alerts: 1 },
    ]);
  });
});

describe('CSV', () => {
  it('BOM, Chinese header, CRLF, RFC 4180 quoting, formula guard, fen as yuan', () => {
    const csv = reportCsv({
      columns: [
        { key: 'name', label: '活动,名称', kind: 'text' },
        { key: 'n', label: '人数', kind: 'int' },
        { key: 'fen', label: '金额（元）', kind: 'fen' },
        { key: 'avg', label: '平均分', kind: 'decimal' },
        { key: 'day', label: '日期', kind: 'date' },
      ],
      rows: [
        { name: '双十一 "狂欢"', n: 3, fen: 123_456, avg: 4.5, day: '2026-11-11' },
        { name: '=HYPERLINK("http://x","点我")', n: -2, fen: -5, avg: 0, day: '2026-11-12' },
        { name: '+1', n: 0, fen: 7, avg: 4.33, day: '2026-11-13' },
        { name: '-2,3', n: 0, fen: 100, avg: 1, day: '2026-11-14' },
        { name: '@SUM(A1)', n: 0, fen: 0, avg: 2, day: '2026-11-15' },
        { name: '两行\n文字', n: 1, fen: 10, avg: 3, day: '2026-11-16' },
        { name: '\tTAB', n: 1, fen: 1, avg: 5, day: '2026-11-17' },
      ],
    });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '"活动,名称",人数,金额（元）,平均分,日期',
      '"双十一 ""狂欢""",3,1234.56,4.50,2026-11-11',
      `"'=HYPERLINK(""http://x"",""点我"")",-2,-0.05,0.00,2026-11-12`,
      "'+1,0,0.07,4.33,2026-11-13",
      `"'-2,3",0,1.00,1.00,2026-11-14`,
      "'@SUM(A1),0,0.00,2.00,2026-11-15",
      '"两行\n文字",1,0.10,3.00,2026-11-16',
      "'\tTAB,1,0.01,5.00,2026-11-17",
      '',
    ]);
  });
});
