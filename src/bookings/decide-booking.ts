import type { BookingService, BookingStoreConfig, BookingsConfig, Program } from '../config/program-schema';
import { formatIsoDate, type LocalDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import { bookingStoreOf } from './booking-store-of';
import { isClosedDay, localSlotLabel, slotsOfDay, withinHorizon } from './slots';

/** Why a booking request cannot be made; every reason comes with a Chinese message and the next step. */
export type BookingRefusal =
  | 'bookings_off'
  | 'store_not_bookable'
  | 'service_not_offered'
  | 'past_slot'
  | 'too_soon'
  | 'beyond_horizon'
  | 'closed_day'
  | 'not_a_slot';

export type BookingDecision =
  | {
      ok: true;
      config: BookingsConfig;
      store: BookingStoreConfig;
      service: BookingService;
      /** Local date "YYYY-MM-DD" of the slot. */
      day: string;
      time: string;
      capacity: number;
    }
  | { ok: false; reason: BookingRefusal; message: string };

const refuse = (reason: BookingRefusal, message: string): BookingDecision => ({ ok: false, reason, message });

/**
 * Whether a booking for `serviceId` at `slotStart` in `storeId` may be made at `now`: the store takes
 * bookings and offers the service, the day is open, the start is one of its slots, at least
 * `earliestMinutes` ahead and within `horizonDays`. Capacity is not checked here (see the seats).
 */
export function decideBookingRequest(
  program: Program,
  request: { storeId: string; serviceId: string; slotStart: Date },
  now: Date,
): BookingDecision {
  const config = program.bookings;
  if (!config) return refuse('bookings_off', '本方案尚未开放预约，请联系门店电话预约。');
  const store = bookingStoreOf(program, request.storeId);
  if (!store) return refuse('store_not_bookable', '该门店暂不接受预约，请选择其他门店。');
  const service = config.services.find((candidate) => candidate.id === request.serviceId);
  if (!service || !store.services.includes(service.id)) {
    const offered = store.services
      .map((id) => config.services.find((candidate) => candidate.id === id)?.name ?? id)
      .join('、');
    return refuse('service_not_offered', `该门店不提供此项服务，可预约：${offered}。`);
  }
  const tz = program.timezone;
  const label = localSlotLabel(request.slotStart, tz);
  const date: LocalDate = localDateOf(request.slotStart, tz);
  if (request.slotStart.getTime() <= now.getTime()) {
    return refuse('past_slot', '这个时间已经过去了，请选择之后的时间。');
  }
  if (!withinHorizon(config, date, tz, now)) {
    return refuse('beyond_horizon', `最多可预约 ${config.horizonDays} 天内的时间，请选择更近的日期。`);
  }
  if (isClosedDay(config, store, date)) {
    return refuse('closed_day', `${label.date} 门店不营业，请选择其他日期。`);
  }
  if (request.slotStart.getTime() < now.getTime() + config.earliestMinutes * 60_000) {
    return refuse('too_soon', `请至少提前 ${formatLead(config.earliestMinutes)}预约，请选择稍晚的时间。`);
  }
  const slot = slotsOfDay(config, store, date, tz).find(
    (s) => s.start.getTime() === request.slotStart.getTime(),
  );
  if (!slot) {
    return refuse(
      'not_a_slot',
      `预约时间须为营业时间内的整段时间（${store.opens}–${store.closes}，每 ${config.slotMinutes} 分钟一段）。`,
    );
  }
  return {
    ok: true,
    config,
    store,
    service,
    day: formatIsoDate(date),
    time: slot.time,
    capacity: store.capacityPerSlot,
  };
}

/** Whether a member may still cancel or move a booking whose slot starts at `slotStart` (staff always may). */
export function memberMayChange(config: BookingsConfig, slotStart: Date, now: Date): boolean {
  return now.getTime() <= slotStart.getTime() - config.changeCutoffMinutes * 60_000;
}

/** "2 小时" or "45 分钟". */
export function formatLead(minutes: number): string {
  if (minutes % 60 === 0) return `${minutes / 60} 小时`;
  return `${minutes} 分钟`;
}
