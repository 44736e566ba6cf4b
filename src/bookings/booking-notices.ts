import type { Program } from '../config/program-schema';
import type { DeliveryRequestInput } from '../delivery/delivery-request';
import { parseIsoDate } from '../rules/local-date';
import { bookingReminderKey } from './booking-reminders';
import { isoWeekday } from './slots';

/** What a notice about a booking says of it. */
export interface NoticeBooking {
  _id: string;
  number: string;
  memberId: string;
  plate: string;
  storeId: string;
  serviceId: string;
  slotStart: Date;
  day: string;
  time: string;
}

const HOUR_MS = 3_600_000;
/** A notice about a cancel or a no-show is pointless after this long in the queue. */
const NOTICE_TTL_MS = 72 * HOUR_MS;

const weekdayZh = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** `2026-12-09` → `12月9日（周三）`. */
export function bookingDayZh(day: string): string {
  const date = parseIsoDate(day);
  if (!date) return day;
  return `${date.month}月${date.day}日（${weekdayZh[isoWeekday(date)]}）`;
}

function names(program: Program, booking: NoticeBooking) {
  return {
    store: program.stores.find((s) => s.id === booking.storeId)?.name ?? booking.storeId,
    service: program.bookings?.services.find((s) => s.id === booking.serviceId)?.name ?? '到店服务',
  };
}

/**
 * Staff words quoted in a member message: braces made full-width (delivery reads `{…}` as
 * placeholders) and ended with a full stop.
 */
function quoted(reason: string): string {
  const text = reason.trim().replace(/\{/g, '｛').replace(/\}/g, '｝');
  return /[。！？!?.]$/.test(text) ? text : `${text}。`;
}

/** The reminder the day before (text inside the window; the program's template outside it). */
export function bookingReminderRequest(booking: NoticeBooking, program: Program): DeliveryRequestInput {
  const { store, service } = names(program, booking);
  const text =
    `温馨提醒：明天 ${bookingDayZh(booking.day)} ${booking.time}，您在${store}预约了${service}` +
    `（${booking.plate}，预约号 ${booking.number}），请按时到店。如需改期或取消，回复「我的预约」。`;
  const template = program.care.templates?.bookingReminder;
  const facts: Record<string, string> = {
    plate: booking.plate,
    store,
    service,
    time: booking.time,
  };
  return {
    key: bookingReminderKey(booking._id, booking.slotStart),
    memberId: booking.memberId,
    category: 'service',
    kind: 'booking_reminder',
    text,
    template: template
      ? {
          id: template.templateId,
          fields: Object.fromEntries(
            Object.entries(template.fields).map(([field, value]) => [
              field,
              value.replace(/\{(plate|store|service|time)\}/g, (_all, name: string) => facts[name] ?? '—'),
            ]),
          ),
        }
      : null,
    values: { date: booking.day },
    expiresAt: new Date(booking.slotStart),
  };
}

/** Staff marked the booking a no-show: one message offering a new time. */
export function bookingNoShowRequest(
  booking: NoticeBooking,
  program: Program,
  now: Date,
): DeliveryRequestInput {
  const { store, service } = names(program, booking);
  return {
    key: `booking:no_show:${booking._id}`,
    memberId: booking.memberId,
    category: 'service',
    kind: 'booking_no_show',
    text:
      `您 ${bookingDayZh(booking.day)} ${booking.time} 在${store}的${service}预约（${booking.plate}）没能到店，` +
      '没关系，换个时间再来吧。回复「预约」重新约时间。',
    expiresAt: new Date(now.getTime() + NOTICE_TTL_MS),
  };
}

/** The store cancelled the booking: why, and how to book again. */
export function bookingCancelledRequest(
  booking: NoticeBooking,
  reason: string,
  program: Program,
  now: Date,
): DeliveryRequestInput {
  const { store, service } = names(program, booking);
  return {
    key: `booking:cancel:${booking._id}`,
    memberId: booking.memberId,
    category: 'service',
    kind: 'booking_cancelled',
    text:
      `抱歉，您 ${bookingDayZh(booking.day)} ${booking.time} 在${store}的${service}预约（${booking.plate}，` +
      `预约号 ${booking.number}）已被门店取消。原因：${quoted(reason)}回复「预约」重新约时间。`,
    expiresAt: new Date(now.getTime() + NOTICE_TTL_MS),
  };
}

/** The store moved the booking (`moved` is it after the move): the new time and, if given, why. */
export function bookingMovedRequest(
  moved: NoticeBooking,
  from: { day: string; time: string },
  reason: string | null,
  requestId: string,
  program: Program,
): DeliveryRequestInput {
  const { store, service } = names(program, moved);
  const why = reason?.trim() ? `原因：${quoted(reason)}` : '';
  return {
    key: `booking:move:${moved._id}:${requestId}`,
    memberId: moved.memberId,
    category: 'service',
    kind: 'booking_moved',
    text:
      `您在${store}的${service}预约（${moved.plate}，预约号 ${moved.number}）已由门店从 ` +
      `${bookingDayZh(from.day)} ${from.time} 改到 ${bookingDayZh(moved.day)} ${moved.time}。${why}` +
      '新时间不方便的话，回复「我的预约」改期或取消。',
    expiresAt: new Date(moved.slotStart),
  };
}
