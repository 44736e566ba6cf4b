import { Router } from 'express';
import { z } from 'zod';
import type { MemberRecord } from '../data/models/member-model';
import { AppError } from '../lib/app-error';
import { explainEntry } from '../rules/explain-entry';
import { memberView } from '../services/member-view';
import type { Services } from '../services/services';
import { mainlandMobile, memberId } from './schemas';
import { requireRole } from './staff-auth';
import { handle, parseInput } from './validate';

/** Member lookup for staff: search by mobile, detail, explained ledger. */
export function membersRouter(services: Services): Router {
  const router = Router();
  const { db } = services;

  const searchQuery = z.strictObject({ mobile: mainlandMobile });
  router.get(
    '/members',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const { mobile } = parseInput(searchQuery, req.query);
      const member = await db.members.findOne({ mobile, status: 'active' }).lean<MemberRecord>();
      const now = services.clock();
      const program = services.program.current();
      const full = res.locals.staff?.role === 'admin';
      res.json({ members: member ? [memberView(member, now, program, full)] : [] });
    }),
  );

  router.get(
    '/members/:id',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const member = await db.members.findOne({ _id: id, status: 'active' }).lean<MemberRecord>();
      if (!member) throw new AppError('not_found', '没有找到这位会员', 404);
      const full = res.locals.staff?.role === 'admin';
      res.json(memberView(member, services.clock(), services.program.current(), full));
    }),
  );

  const ledgerQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
  router.get(
    '/members/:id/ledger',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      const { limit } = parseInput(ledgerQuery, req.query);
      const exists = await db.members.exists({ _id: id, status: 'active' });
      if (!exists) throw new AppError('not_found', '没有找到这位会员', 404);
      const timeZone = services.program.current().timezone;
      const entries = await db.memberStore.ledgerOf(id, { limit, newestFirst: true });
      res.json({
        entries: entries.map((entry) => ({
          entryId: entry.entryId,
          type: entry.type,
          at: new Date(entry.at).toISOString(),
          points: entry.points,
          qualifyingPoints: entry.qualifyingPoints,
          transactionId: entry.transactionId,
          reference: entry.reference,
          reason: entry.reason,
          storeId: entry.storeId,
          breakdown: entry.breakdown,
          explanation: explainEntry(entry, timeZone),
        })),
      });
    }),
  );
  return router;
}
