import express, { Router } from 'express';
import type { StaffApiKey } from '../config/staff-api-keys';
import type { Services } from '../services/services';
import { membersRouter } from './members.router';
import { staffAuth } from './staff-auth';
import { transactionsRouter } from './transactions.router';
import { rejectOperatorInjection } from './validate';

/** `/api/v1`: JSON, staff key, operator-injection guard, then one router per resource. */
export function v1Router(services: Services | null, staffKeys: readonly StaffApiKey[]): Router {
  const api = Router();
  api.use(express.json({ limit: '256kb', strict: true }));
  api.use(staffAuth(staffKeys));
  api.use(rejectOperatorInjection);
  // Who am I: lets a console or a DMS integration check its key and see its role and store.
  api.get('/me', (_req, res) => {
    res.json({ role: res.locals.staff?.role, storeId: res.locals.staff?.storeId ?? null });
  });
  if (services) {
    api.use(transactionsRouter(services));
    api.use(membersRouter(services));
  }
  return api;
}
