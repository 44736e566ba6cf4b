import { Router } from 'express';
import { z } from 'zod';
import type { MemberRecord } from '../data/models/member-model';
import { AppError } from '../lib/app-error';
import { explainEntry } from '../rules/explain-entry';
import { normalizePlate } from '../rules/normalize-plate';
import { bindingHistory, consentHistory } from '../services/consent-history';
import { memberView } from '../services/member-view';
import type { Services } from '../services/services';
import { memberSearchText } from './member-search-text';
import { mainlandMobile, memberId } from './schemas';
import { requireRole } from './staff-auth';
import { handle, parseInput } from './validate';

/** Members sharing a plate (a family car), or matching a name search, are listed up to this many. */
const SEARCH_MATCHES = 20;

/** A plate as staff type it (`粤b·d12345`), normalised (`粤BD12345`); not a plate → 400. */
const plateQuery = z.string().transform((text, ctx) => {
  const plate = normalizePlate(text);
  if (plate === null) {
    ctx.addIssue({ code: 'custom', message: '车牌号格式不正确，例如 粤B12345 或 粤BD12345' });
    return z.NEVER;
  }
  return plate;
});

/** Member lookup for staff: search by mobile, plate, or mobile ending / name part, detail, explained ledger, vouchers. */
export function membersRouter(services: Services): Router {
  const router = Router();
  const { db } = services;

  const searchQuery = z
    .strictObject({
      mobile: mainlandMobile.optional(),
      plate: plateQuery.optional(),
      q: memberSearchText.optional(),
    })
    .refine((q) => [q.mobile, q.plate, q.q].filter((v) => v !== undefined).length === 1, {
      message: '请提供 mobile、plate 或 q 其中一项',
    });
  router.get(
    '/members',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const { mobile, plate, q } = parseInput(searchQuery, req.query);
      const members = q
        ? await db.memberStore.search(q, SEARCH_MATCHES)
        : mobile
          ? await db.members.find({ mobile, status: 'active' }).limit(1).lean<MemberRecord[]>()
          : await db.members
              .find({ 'vehicles.plate': plate, status: 'active' })
              .sort({ signedUpAt: 1 })
              .limit(SEARCH_MATCHES)
              .lean<MemberRecord[]>();
      const now = services.clock();
      const program = services.program.current();
      const full = res.locals.staff?.role === 'admin';
      res.json({ members: members.map((member) => memberView(member, now, program, full)) });
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
      res.json({
        ...memberView(member, services.clock(), services.program.current(), full),
        consentHistory: consentHistory(member.consents),
        bindingHistory: bindingHistory(member.bindings),
      });
    }),
  );

  router.get(
    '/members/:id/vouchers',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const id = parseInput(memberId, req.params.id);
      parseInput(z.strictObject({}), req.query);
      const exists = await db.members.exists({ _id: id, status: 'active' });
      if (!exists) throw new AppError('not_found', '没有找到这位会员', 404);
      res.json({ vouchers: await services.vouchers.historyForMember(id) });
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
