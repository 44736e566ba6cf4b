import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import { reportCsv } from '../reports/report-csv';
import { formatIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import type { Services } from '../services/services';
import { requireRole } from './staff-auth';
import { handle, parseInput } from './validate';

const reportId = z.string().regex(/^[a-z][a-z-]{0,39}$/, '报表编号格式不正确');

const reportQuery = z.strictObject({
  weeks: z.coerce
    .number({ error: 'weeks 应为 1–104 的整数' })
    .int('weeks 应为 1–104 的整数')
    .min(1, 'weeks 应为 1–104 的整数')
    .max(104, 'weeks 应为 1–104 的整数')
    .default(12),
  format: z.enum(['json', 'csv'], { error: 'format 应为 json 或 csv' }).default('json'),
});

/** Staff reports for marketing: the list, and each report as JSON (table + chart) or CSV. */
export function reportsRouter(services: Services): Router {
  const router = Router();

  router.get(
    '/reports',
    requireRole('marketing'),
    handle(async (req, res) => {
      parseInput(z.strictObject({}), req.query);
      res.json({ reports: services.reports.list() });
    }),
  );

  router.get(
    '/reports/:id',
    requireRole('marketing'),
    handle(async (req, res) => {
      const id = req.params.id;
      if (typeof id !== 'string' || !reportId.safeParse(id).success || !services.reports.has(id)) {
        throw new AppError('report_not_found', '没有这个报表', 404);
      }
      const query = parseInput(reportQuery, req.query);
      const report = await services.reports.build(id, { weeks: query.weeks });
      if (!report) throw new AppError('report_not_found', '没有这个报表', 404);
      if (query.format === 'json') {
        res.json(report);
        return;
      }
      const day = formatIsoDate(
        localDateOf(new Date(report.generatedAt), services.program.current().timezone),
      );
      res
        .status(200)
        .set('Content-Type', 'text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${report.id}-${day}.csv"`)
        .set('Cache-Control', 'no-store')
        .send(Buffer.from(reportCsv(report), 'utf8'));
    }),
  );

  return router;
}
