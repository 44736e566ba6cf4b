import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import type { StaffApiKey } from '../config/staff-api-keys';
import { requireRole, staffAuth } from './staff-auth';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at `/admin/queues` for admins (the browser asks for the admin key as the password):
 * queue depths, failed jobs with their errors, retry and clean — the on-call engineer's view.
 */
export function queueDashboard(queues: readonly Queue[], keys: readonly StaffApiKey[]): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  const router = Router();
  router.use(staffAuth(keys, { browser: true }), requireRole('admin'));
  router.use(serverAdapter.getRouter());
  return router;
}
