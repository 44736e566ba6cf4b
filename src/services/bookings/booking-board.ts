import { z } from 'zod';
import { bookingStatuses } from '../../bookings/booking-transitions';
import { bookingStoreOf } from '../../bookings/booking-store-of';
import { isClosedDay, slotsOfDay } from '../../bookings/slots';
import type { BookingRecord } from '../../data/models/booking-model';
import type { MemberRecord } from '../../data/models/member-model';
import { maskMobile } from '../../lib/mask';
import { addLocalDays, formatIsoDate, type LocalDate } from '../../rules/local-date';
import { localDateOf, startOfLocalDay } from '../../rules/zoned-time';
import type { ServiceContext } from '../service-context';
import type { BookingFailure } from './booking-outcomes';
import { bookingView } from './booking-view';

const isoInstant = z.iso.datetime();
const localDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const localTime = z.string().regex(/^\d{2}:\d{2}$/);

/** One booking on the board: the booking as the list shows it, with whose it is and the service's name. */
export const boardBookingSchema = z.strictObject({
  id: z.string(),
  number: z.string(),
  memberId: z.string(),
  /** Null once the member has been erased. Mobile masked unless the viewer is an admin. */
  member: z
    .strictObject({ name: z.string().nullable(), mobile: z.string().nullable(), tierName: z.string() })
    .nullable(),
  plate: z.string(),
  storeId: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  slotStart: isoInstant,
  day: localDay,
  time: localTime,
  mileageKm: z.number().int().nullable(),
  note: z.string().nullable(),
  channel: z.enum(['member', 'staff']),
  status: z.enum(bookingStatuses),
  statusName: z.string(),
  /** The member pays with a free maintenance, used at check-in (`freeMaintenanceUse`). */
  useFreeMaintenance: z.boolean(),
  freeMaintenanceUse: z.enum(['pending', 'used', 'none_left']).nullable(),
  history: z.array(
    z.strictObject({
      action: z.string(),
      at: isoInstant,
      reason: z.string().nullable(),
      by: z.strictObject({
        channel: z.enum(['member', 'staff']),
        role: z.string().nullable(),
        storeId: z.string().nullable(),
      }),
    }),
  ),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});

/**
 * `GET /bookings/board`: one store's day at the service desk — its slots with the places held, the
 * day's bookings (every state but pending) by slot, and the counts at the top.
 */
export const bookingBoardSchema = z.strictObject({
  storeId: z.string(),
  date: localDay,
  /** The store's today and the server's now: the console orders "today's arrivals first" by them. */
  today: localDay,
  now: isoInstant,
  closed: z.boolean(),
  capacityPerSlot: z.number().int().min(1),
  counts: z.strictObject({
    /** Still expected: booked or confirmed. */
    open: z.number().int().min(0),
    booked: z.number().int().min(0),
    confirmed: z.number().int().min(0),
    checkedIn: z.number().int().min(0),
    noShow: z.number().int().min(0),
    cancelled: z.number().int().min(0),
  }),
  slots: z.array(
    z.strictObject({
      start: isoInstant,
      time: localTime,
      held: z.number().int().min(0),
      free: z.number().int().min(0),
    }),
  ),
  bookings: z.array(boardBookingSchema),
});

export type BookingBoard = z.infer<typeof bookingBoardSchema>;
export type BoardBooking = z.infer<typeof boardBookingSchema>;

/**
 * The board of `storeId` on `date` (default the store's today), members read in one query. The
 * answer is checked against its schema, so a change in the booking view cannot reach the console
 * unnoticed.
 */
export async function bookingBoard(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'program'>,
  storeId: string,
  date: LocalDate | null,
  fullMobile: boolean,
): Promise<BookingBoard | BookingFailure> {
  const program = ctx.program.current();
  const config = program.bookings;
  const store = bookingStoreOf(program, storeId);
  if (!config || !store)
    return { ok: false, reason: 'store_not_bookable', message: '该门店暂不接受预约，请选择其他门店。' };
  const now = ctx.clock();
  const tz = program.timezone;
  const today = localDateOf(now, tz);
  const day = date ?? today;
  const iso = formatIsoDate(day);
  const [records, held] = await Promise.all([
    ctx.db.bookings.bookings
      .find({ storeId, day: iso, status: { $ne: 'pending' } })
      .sort({ slotStart: 1, _id: 1 })
      .lean<BookingRecord[]>(),
    ctx.db.bookingStore.heldPerSlot(
      storeId,
      startOfLocalDay(day, tz),
      startOfLocalDay(addLocalDays(day, 1), tz),
    ),
  ]);
  const memberIds = [...new Set(records.map((r) => r.memberId))];
  const members = memberIds.length
    ? await ctx.db.members.find({ _id: { $in: memberIds }, status: 'active' }).lean<MemberRecord[]>()
    : [];
  const byId = new Map(members.map((m) => [m._id, m]));
  const serviceNames = new Map(config.services.map((s) => [s.id, s.name]));
  const tierNames = new Map(program.tiers.map((t) => [t.code, t.name]));

  const counts = { open: 0, booked: 0, confirmed: 0, checkedIn: 0, noShow: 0, cancelled: 0 };
  for (const record of records) {
    if (record.status === 'booked') counts.booked++;
    else if (record.status === 'confirmed') counts.confirmed++;
    else if (record.status === 'checked_in') counts.checkedIn++;
    else if (record.status === 'no_show') counts.noShow++;
    else if (record.status === 'cancelled') counts.cancelled++;
  }
  counts.open = counts.booked + counts.confirmed;

  const board: BookingBoard = {
    storeId,
    date: iso,
    today: formatIsoDate(today),
    now: now.toISOString(),
    closed: isClosedDay(config, store, day),
    capacityPerSlot: store.capacityPerSlot,
    counts,
    slots: slotsOfDay(config, store, day, tz).map((slot) => {
      const taken = held.get(slot.start.getTime()) ?? 0;
      return {
        start: slot.start.toISOString(),
        time: slot.time,
        held: taken,
        free: Math.max(0, store.capacityPerSlot - taken),
      };
    }),
    bookings: records.map((record) => {
      const member = byId.get(record.memberId);
      return {
        ...bookingView(record),
        serviceName: serviceNames.get(record.serviceId) ?? record.serviceId,
        member: member
          ? {
              name: member.name,
              mobile: member.mobile && !fullMobile ? maskMobile(member.mobile) : member.mobile,
              tierName: tierNames.get(member.tier.tierCode) ?? member.tier.tierCode,
            }
          : null,
      };
    }),
  };
  // A shape that fails here is our bug, not the caller's: a 500, never a 400 about their request.
  const checked = bookingBoardSchema.safeParse(board);
  if (!checked.success)
    throw new Error(`booking board answer does not match its schema: ${checked.error.message}`);
  return checked.data;
}
