import { Router } from 'express';
import { z } from 'zod';
import { formatIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import { misunderstoodExamplesText } from '../services/conversation/misunderstood-examples-text';
import type { Services } from '../services/services';
import { isoInstant, storeId } from './schemas';
import { requireRole } from './staff-auth';
import { listingStore } from './store-scope';
import { handle, parseInput } from './validate';

const misunderstoodQuery = z.strictObject({
  since: isoInstant.optional(),
  storeId: storeId.optional(),
  limit: z.coerce
    .number({ error: 'limit 应为 1–1000 的整数' })
    .int('limit 应为 1–1000 的整数')
    .min(1, 'limit 应为 1–1000 的整数')
    .max(1000, 'limit 应为 1–1000 的整数')
    .default(100),
  format: z.enum(['json', 'txt'], { error: 'format 应为 json 或 txt' }).default('json'),
});

/**
 * What members wrote that the assistant did not understand, masked, for marketing staff to label
 * into intent examples: JSON for the console, or a text file in the examples' format.
 */
export function conversationRouter(services: Services): Router {
  const router = Router();

  router.get(
    '/conversation/misunderstood',
    requireRole('marketing'),
    handle(async (req, res) => {
      const query = parseInput(misunderstoodQuery, req.query);
      const store = listingStore(res.locals.staff!, query.storeId);
      const messages = await services.misunderstood.list({
        since: query.since,
        storeId: store,
        limit: query.limit,
      });
      if (query.format === 'json') {
        res.json({ messages });
        return;
      }
      const day = formatIsoDate(localDateOf(services.clock(), services.program.current().timezone));
      const heading = `未理解的消息 ${day} 导出，${messages.length} 条${store ? `，门店 ${store}` : ''}`;
      res
        .status(200)
        .set('Content-Type', 'text/plain; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="misunderstood-${day}.txt"`)
        .set('Cache-Control', 'no-store')
        .send(Buffer.from(misunderstoodExamplesText(messages, heading), 'utf8'));
    }),
  );

  return router;
}
