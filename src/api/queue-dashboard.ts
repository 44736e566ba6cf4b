import type { Queue } from 'bullmq';
import { Router } from 'express';
import type { StaffApiKey } from '../config/staff-api-keys';
import { requireRole, staffAuth } from './staff-auth';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at `/admin/queues` for admins (the browser asks for the admin key as the password):
 * queue depths, failed jobs with their errors, retry and clean — the on-call engineer's view.
 * bull-board is imported here, so a worker process (which serves no dashboard) never loads it.
 */
export async function queueDashboard(
  queues: readonly Queue[],
  keys: readonly StaffApiKey[],
): Promise<Router> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  const router = Router();
  router.use(staffAuth(keys, { browser: true }), requireRole('admin'));
  router.use(serverAdapter.getRouter());
  return router;
}
