import express, { Router } from 'express';
import type { StaffApiKey } from '../config/staff-api-keys';
import type { Services } from '../services/services';
import { bookingReportsRouter } from './booking-reports.router';
import { benefitsRouter } from './benefits.router';
import { bookingsRouter } from './bookings.router';
import { callbacksRouter } from './callbacks.router';
import { complaintsRouter } from './complaints.router';
import { campaignsRouter } from './campaigns.router';
import { conversationRouter } from './conversation.router';
import { enrolmentRouter } from './enrolment.router';
import { feedbackRouter } from './feedback.router';
import { membersRouter } from './members.router';
import { missingPointsRouter } from './missing-points.router';
import { programRouter } from './program.router';
import { reportsRouter } from './reports.router';
import { rewardsRouter } from './rewards.router';
import { staffAuth } from './staff-auth';
import { transactionsRouter } from './transactions.router';
import { rejectOperatorInjection } from './validate';
import { vouchersRouter } from './vouchers.router';

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
    api.use(enrolmentRouter(services));
    api.use(missingPointsRouter(services));
    api.use(programRouter(services, staffKeys));
    api.use(rewardsRouter(services));
    api.use(vouchersRouter(services));
    api.use(feedbackRouter(services));
    api.use(callbacksRouter(services));
    api.use(complaintsRouter(services));
    api.use(campaignsRouter(services));
    api.use(bookingReportsRouter(services));
    // Before the reports router: `/reports/benefits` takes a period, not the weekly catalogue's query.
    api.use(benefitsRouter(services));
    api.use(reportsRouter(services));
    api.use(bookingsRouter(services));
    api.use(conversationRouter(services));
  }
  return api;
}
