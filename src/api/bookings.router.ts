import { type Response, Router } from 'express';
import { z } from 'zod';
import { bookingStatuses } from '../bookings/booking-transitions';
import { AppError } from '../lib/app-error';
import { formatIsoDate, parseIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import { bookingBoard } from '../services/bookings/booking-board';
import type { BookingFailure, BookingOutcome } from '../services/bookings/booking-outcomes';
import type { BookingActor } from '../services/bookings/booking-service';
import type { Services } from '../services/services';
import { isoInstant, mainlandMobile, memberId, storeId } from './schemas';
import type { StaffPrincipal } from './staff-auth';
import { requireRole } from './staff-auth';
import { listingStore, resolveStore } from './store-scope';
import { handle, parseInput } from './validate';

const bookingId = z.string().regex(/^[0-9a-f]{24}$/, '预约编号格式不正确');
const requestId = z
  .string()
  .min(1, 'requestId 不能为空')
  .max(64, 'requestId 最长 64 个字符')
  .regex(/^[A-Za-z0-9._:-]+$/, 'requestId 只能包含字母、数字和 . _ : -');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD')
  .refine((text) => parseIsoDate(text) !== null, '没有这一天，请核对日期');
const serviceId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'serviceId 格式不正确');

const listedStatuses = bookingStatuses.filter((status) => status !== 'pending');
const listQuery = z.strictObject({
  storeId: storeId.optional(),
  date: isoDate.optional(),
  status: z.enum(listedStatuses, { error: `status 应为 ${listedStatuses.join('、')} 之一` }).optional(),
  updatedSince: isoInstant.optional(),
});

const boardQuery = z.strictObject({ storeId: storeId.optional(), date: isoDate.optional() });

const availabilityQuery = z.strictObject({
  storeId: storeId.optional(),
  serviceId,
  from: isoDate.optional(),
  days: z.coerce.number().int('days 须为整数').min(1, 'days 至少为 1').max(31, 'days 最多为 31').default(7),
});

const createBody = z
  .strictObject({
    requestId,
    mobile: mainlandMobile.optional(),
    memberId: memberId.optional(),
    plate: z.string().trim().min(1, '请填写车牌').max(20, '车牌过长'),
    storeId: storeId.optional(),
    serviceId,
    slotStart: isoInstant,
    mileageKm: z
      .number()
      .int('里程须为整数公里')
      .min(0, '里程不能为负')
      .max(2_000_000, '里程过大')
      .optional(),
    note: z.string().trim().max(200, '备注最多 200 字').optional(),
    /** Pay with one of the member's free maintenances (used at check-in). */
    useFreeMaintenance: z.boolean({ error: 'useFreeMaintenance 须为 true 或 false' }).default(false),
  })
  .refine((body) => (body.mobile === undefined) !== (body.memberId === undefined), {
    message: '请提供 mobile 或 memberId 其中之一',
    path: ['mobile'],
  });

const moveBody = z.strictObject({
  requestId,
  slotStart: isoInstant,
  /** Told to the member with the new time (optional). */
  reason: z.string().trim().min(1, '改期原因不能为空').max(200, '改期原因最多 200 字').optional(),
});
const transitionBody = z.strictObject({ requestId: requestId.optional() });
const cancelBody = z.strictObject({
  requestId: requestId.optional(),
  reason: z.string().trim().min(1, '请填写取消原因').max(200, '取消原因最多 200 字'),
});

/**
 * Service bookings for staff and a DMS: the board's list, availability, phone bookings, and the
 * store's transitions. Store keys act for their own store; marketing may read.
 */
export function bookingsRouter(services: Services): Router {
  const router = Router();

  router.get(
    '/bookings',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const query = parseInput(listQuery, req.query);
      const bookings = await services.bookings.list({
        storeId: listingStore(res.locals.staff!, query.storeId),
        day: query.date,
        status: query.status,
        updatedSince: query.updatedSince,
      });
      res.json({ bookings });
    }),
  );

  router.get(
    '/bookings/board',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const query = parseInput(boardQuery, req.query);
      const staff = res.locals.staff!;
      const store = resolveStore(staff, query.storeId, services.program.current());
      const date = query.date ? parseIsoDate(query.date) : null;
      const board = await bookingBoard(services, store, date, staff.role === 'admin');
      if ('ok' in board) refuse(board);
      res.json(board);
    }),
  );

  router.get(
    '/bookings/availability',
    requireRole('store', 'marketing'),
    handle(async (req, res) => {
      const query = parseInput(availabilityQuery, req.query);
      const program = services.program.current();
      const store = resolveStore(res.locals.staff!, query.storeId, program);
      const from = query.from ?? formatIsoDate(localDateOf(services.clock(), program.timezone));
      const outcome = await services.bookings.availability(store, query.serviceId, from, query.days);
      if ('ok' in outcome) refuse(outcome);
      res.json(outcome);
    }),
  );

  router.post(
    '/bookings',
    requireRole('store'),
    handle(async (req, res) => {
      const body = parseInput(createBody, req.body);
      const staff = res.locals.staff!;
      const outcome = await services.bookings.create({
        requestId: body.requestId,
        member: body.memberId ? { id: body.memberId } : { mobile: body.mobile! },
        plate: body.plate,
        storeId: resolveStore(staff, body.storeId, services.program.current()),
        serviceId: body.serviceId,
        slotStart: body.slotStart,
        mileageKm: body.mileageKm ?? null,
        note: body.note ? body.note : null,
        useFreeMaintenance: body.useFreeMaintenance,
        actor: actorOf(staff),
      });
      answer(res, outcome, 201);
    }),
  );

  router.post(
    '/bookings/:id/move',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(bookingId, req.params.id);
      const body = parseInput(moveBody, req.body);
      answer(res, await services.bookings.move(id, { ...body, actor: actorOf(res.locals.staff!) }));
    }),
  );

  for (const [path, action] of [
    ['confirm', 'confirm'],
    ['check-in', 'check_in'],
    ['no-show', 'no_show'],
  ] as const) {
    router.post(
      `/bookings/:id/${path}`,
      requireRole('store'),
      handle(async (req, res) => {
        const id = parseInput(bookingId, req.params.id);
        const body = parseInput(transitionBody, req.body ?? {});
        const outcome = await services.bookings.transition(id, action, {
          actor: actorOf(res.locals.staff!),
          requestId: body.requestId ?? null,
        });
        answer(res, outcome);
      }),
    );
  }

  router.post(
    '/bookings/:id/cancel',
    requireRole('store'),
    handle(async (req, res) => {
      const id = parseInput(bookingId, req.params.id);
      const body = parseInput(cancelBody, req.body);
      const outcome = await services.bookings.transition(id, 'cancel', {
        actor: actorOf(res.locals.staff!),
        reason: body.reason,
        requestId: body.requestId ?? null,
      });
      answer(res, outcome);
    }),
  );

  return router;
}

function actorOf(staff: StaffPrincipal): BookingActor {
  return { channel: 'staff', role: staff.role, storeId: staff.storeId ?? null };
}

function answer(res: Response, outcome: BookingOutcome, created = 200): void {
  if (!outcome.ok) refuse(outcome);
  res
    .status(outcome.duplicate ? 200 : created)
    .json({ booking: outcome.booking, duplicate: outcome.duplicate });
}

const statusOf: Record<BookingFailure['reason'], number> = {
  bookings_off: 400,
  store_not_bookable: 400,
  service_not_offered: 400,
  past_slot: 400,
  too_soon: 400,
  beyond_horizon: 400,
  closed_day: 400,
  not_a_slot: 400,
  unknown_member: 404,
  unknown_car: 400,
  not_found: 404,
  forbidden_store: 403,
  slot_full: 409,
  car_already_booked: 409,
  after_cutoff: 409,
  wrong_state: 409,
  request_reused: 409,
  conflict: 409,
  free_maintenance_not_allowed: 400,
  no_free_maintenance_left: 409,
};

function refuse(outcome: BookingFailure): never {
  const details =
    outcome.reason === 'slot_full'
      ? { alternatives: outcome.alternatives }
      : outcome.reason === 'wrong_state'
        ? { status: outcome.status }
        : undefined;
  throw new AppError(outcome.reason, outcome.message, statusOf[outcome.reason], details);
}
