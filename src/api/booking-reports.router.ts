import { Router } from 'express';
import { z } from 'zod';
import { compareLocalDates, type LocalDate, parseIsoDate } from '../rules/local-date';
import type { Services } from '../services/services';
import { storeId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore } from './store-scope';
import { handle, parseInput } from './validate';

/** The longest range a booking report covers (a bit over a year). */
const MAX_RANGE_DAYS = 400;

const isoDate = z
  .string({ error: '日期应为 YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD')
  .transform((text, ctx) => {
    const date = parseIsoDate(text);
    if (!date) {
      ctx.addIssue({ code: 'custom', message: '没有这一天，请核对日期' });
      return z.NEVER;
    }
    return date;
  });

function daysFrom(from: LocalDate, to: LocalDate): number {
  return (
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000
  );
}

/** `to` not before `from`, and at most `MAX_RANGE_DAYS` apart. */
function checkRange(q: { from: LocalDate; to: LocalDate }, ctx: z.RefinementCtx): void {
  if (compareLocalDates(q.from, q.to) > 0) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to 不能早于 from' });
  } else if (daysFrom(q.from, q.to) >= MAX_RANGE_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `一次最多查询 ${MAX_RANGE_DAYS} 天` });
  }
}

const bookingsQuery = z
  .strictObject({ from: isoDate, to: isoDate, storeId: storeId.optional() })
  .superRefine(checkRange);
const conversionQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    withinDays: z.coerce
      .number({ error: 'withinDays 应为 1–90 的整数' })
      .int('withinDays 应为 1–90 的整数')
      .min(1, 'withinDays 应为 1–90 的整数')
      .max(90, 'withinDays 应为 1–90 的整数')
      .default(14),
  })
  .superRefine(checkRange);

/**
 * The booking reports (issue #12 item 9): bookings per store and week — store keys see their own
 * store only — and reminder → booking conversion per care kind (group-wide: marketing). Mounted
 * before `/reports/:id`, whose catalogue they are not part of.
 */
export function bookingReportsRouter(services: Services): Router {
  const router = Router();

  router.get(
    '/reports/bookings',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const query = parseInput(bookingsQuery, req.query);
      const store = listingStore(res.locals.staff!, query.storeId);
      res.json(
        await services.reports.bookingWeeks({
          from: query.from,
          to: query.to,
          ...(store ? { storeId: store } : {}),
        }),
      );
    }),
  );

  router.get(
    '/reports/booking-conversion',
    requireRole('marketing'),
    handle(async (req, res) => {
      const query = parseInput(conversionQuery, req.query);
      res.json(await services.reports.bookingConversion(query));
    }),
  );

  return router;
}
