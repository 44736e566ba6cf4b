import { bookingStoreOf } from '../../bookings/booking-store-of';
import { bookableSlotsOfDay, isClosedDay } from '../../bookings/slots';
import { addLocalDays, formatIsoDate, parseIsoDate } from '../../rules/local-date';
import { startOfLocalDay } from '../../rules/zoned-time';
import type { ServiceContext } from '../service-context';
import type { BookingFailure } from './booking-outcomes';

export interface Availability {
  storeId: string;
  serviceId: string;
  capacityPerSlot: number;
  days: {
    date: string;
    closed: boolean;
    free: number;
    slots: { start: string; time: string; free: number }[];
  }[];
}

/** The store's days from `from` on: each bookable slot with room and its free places. */
export async function availability(
  ctx: ServiceContext,
  storeId: string,
  serviceId: string,
  from: string,
  days: number,
): Promise<Availability | BookingFailure> {
  const program = ctx.program.current();
  const config = program.bookings;
  const store = bookingStoreOf(program, storeId);
  if (!config || !store)
    return { ok: false, reason: 'store_not_bookable', message: '该门店暂不接受预约，请选择其他门店。' };
  if (!store.services.includes(serviceId)) {
    return { ok: false, reason: 'service_not_offered', message: '该门店不提供此项服务。' };
  }
  const first = parseIsoDate(from);
  if (!first) return { ok: false, reason: 'not_a_slot', message: '日期应为 YYYY-MM-DD' };
  const now = ctx.clock();
  const tz = program.timezone;
  const held = await ctx.db.bookingStore.heldPerSlot(
    storeId,
    startOfLocalDay(first, tz),
    startOfLocalDay(addLocalDays(first, days), tz),
  );
  const result: Availability['days'] = [];
  for (let i = 0; i < days; i++) {
    const date = addLocalDays(first, i);
    const slots = bookableSlotsOfDay(config, store, date, tz, now)
      .map((slot) => ({
        start: slot.start.toISOString(),
        time: slot.time,
        free: Math.max(0, store.capacityPerSlot - (held.get(slot.start.getTime()) ?? 0)),
      }))
      .filter((slot) => slot.free > 0);
    result.push({
      date: formatIsoDate(date),
      closed: isClosedDay(config, store, date),
      free: slots.reduce((sum, slot) => sum + slot.free, 0),
      slots,
    });
  }
  return { storeId, serviceId, capacityPerSlot: store.capacityPerSlot, days: result };
}
