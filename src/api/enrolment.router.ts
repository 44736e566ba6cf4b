import express, { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/app-error';
import type { EnrolmentResult } from '../services/enrolment-service';
import { memberView } from '../services/member-view';
import type { Services } from '../services/services';
import { memberId, storeId } from './schemas';
import { requireRole } from './staff-auth';
import { resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

/**
 * Membership life cycle for staff: enrol at the counter (`POST /members`), bulk import of an
 * existing member list (`POST /members/import`), erase (注销, `POST /members/{id}/erase`), and a
 * referrer's referrals (`GET /members/{id}/referrals`).
 */
export function enrolmentRouter(services: Services): Router {
  const router = Router();

  const storeQuery = z.strictObject({ storeId: storeId.optional() });

  router.post(
    '/members',
    requireRole('store'),
    handle(async (req, res) => {
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new AppError('invalid_request', '请求体应为 JSON 对象', 400);
      }
      const { storeId: requested, ...form } = body as Record<string, unknown>;
      const store = resolveStore(
        res.locals.staff!,
        requested === undefined ? undefined : parseInput(storeId, requested),
        services.program.current(),
      );
      const outcome = await services.enrolment.enrol(form, { channel: 'counter', storeId: store });
      if (!outcome.ok) {
        switch (outcome.reason) {
          case 'invalid_input':
            throw new AppError('invalid_request', '请求参数不正确', 400, { issues: outcome.issues });
          case 'already_member':
          case 'openid_linked':
            throw new AppError('already_member', '该手机号已是会员', 409, { memberId: outcome.memberId });
          case 'unknown_referral_code':
            throw new AppError('unknown_referral_code', '没有这个推荐码', 400);
        }
      }
      const full = res.locals.staff?.role === 'admin';
      res.status(201).json({
        member: memberView(outcome.member, services.clock(), services.program.current(), full),
        ...grantsView(outcome.result),
      });
    }),
  );

  router.post(
    '/members/import',
    requireRole('admin'),
    // Member lists are large: this route alone takes up to 5 MB, as CSV or JSON lines.
    express.text({ type: ['text/csv', 'application/x-ndjson'], limit: '5mb' }),
    handle(async (req, res) => {
      const format = req.is('text/csv') ? 'csv' : req.is('application/x-ndjson') ? 'ndjson' : null;
      if (!format || typeof req.body !== 'string') {
        throw new AppError(
          'unsupported_media_type',
          '请以 text/csv 或 application/x-ndjson 上传会员名单',
          415,
        );
      }
      const query = parseInput(storeQuery, req.query);
      const store = resolveStore(res.locals.staff!, query.storeId, services.program.current());
      const outcome = await services.memberImport.import(req.body, format, store);
      if (!outcome.ok) throw new AppError('unreadable_file', outcome.message, 400);
      res.json(outcome.report);
    }),
  );

  router.post(
    '/members/:id/erase',
    requireRole('admin'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const outcome = await services.erasure.erase(id, { channel: 'staff' });
      if (!outcome.ok) throw new AppError('not_found', '没有找到这位会员', 404);
      res.json(outcome.result);
    }),
  );

  router.get(
    '/members/:id/referrals',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const summary = await services.referrals.referralSummary(id);
      if (!summary) throw new AppError('not_found', '没有找到这位会员', 404);
      res.json({ ...summary, referrals: await services.referrals.listForMember(id) });
    }),
  );

  return router;
}

function grantsView(result: EnrolmentResult) {
  return { welcome: result.welcome, referral: result.referral, opening: result.opening };
}
