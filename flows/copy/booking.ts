import type { ChatBooking, ChatSlot } from '../../src/conversation/effect';
import { formatInteger } from '../../src/rules/format-zh';
import { parseIsoDate } from '../../src/rules/local-date';

/** 预约 and 我的预约: what the assistant says, short and ending with what to type next. */

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** `2026-12-09` → `12月9日 周三`. */
export function dayZh(isoDate: string): string {
  const date = parseIsoDate(isoDate);
  if (!date) return isoDate;
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return `${date.month}月${date.day}日 ${WEEKDAYS[weekday]}`;
}

const numbered = (lines: readonly string[]) => lines.map((line, i) => `${i + 1}. ${line}`).join('\n');

/** `保养（沪A12345，本店）`. */
function what(v: { serviceName: string; plate: string; storeName: string }): string {
  return `${v.serviceName}（${v.plate}，${v.storeName}）`;
}

export const bookingCopy = {
  off: '暂时还不能在聊天里预约，请致电门店预约。回复「门店」查看电话。',
  noStore: '暂时没有门店开放在线预约，请致电门店。回复「门店」查看电话。',
  noCar: '预约前需要先登记爱车的车牌。回复「我的车」填写车牌，再回复「预约」。',
  askCar: (cars: readonly { plate: string; model: string | null }[]) =>
    `为哪辆车预约？回复序号：\n${numbered(cars.map((car) => (car.model ? `${car.plate}（${car.model}）` : car.plate)))}`,
  badCar: '请回复车辆前面的序号',
  askStore: (stores: readonly { name: string }[]) =>
    `去哪家门店？回复序号：\n${numbered(stores.map((store) => store.name))}`,
  badStore: '请回复门店前面的序号',
  askService: (storeName: string, services: readonly { name: string }[]) =>
    `${storeName}可以预约这些服务，回复序号：\n${numbered(services.map((service) => service.name))}`,
  badService: '请回复服务前面的序号',
  /** The next open days with room: `1. 12月9日 周三（余 12 位）`. */
  askDay: (
    v: { serviceName: string; plate: string; storeName: string },
    days: readonly { date: string; free: number }[],
  ) =>
    `预约${what(v)}，请选择日期：\n${numbered(days.map((day) => `${dayZh(day.date)}（余 ${formatInteger(day.free)} 位）`))}\n回复序号选择。`,
  badDay: '请回复日期前面的序号',
  noDays: (storeName: string) => `${storeName}近期的预约都已约满，请致电门店安排。回复「门店」查看电话。`,
  daysUnavailable: (message: string) => `${message}回复「预约」重新选择。`,
  askSlot: (date: string, slots: readonly ChatSlot[]) =>
    `${dayZh(date)}可约的时间：\n${numbered(slots.map((slot) => `${slot.time}（余 ${formatInteger(slot.free)} 位）`))}\n回复序号选择，回复「返回」换一天。`,
  badSlot: '请回复时间前面的序号',
  askMileage: '现在的里程大约多少公里？（例如 35000）不清楚请回复「跳过」。',
  badMileage: '里程应为 0–2,000,000 之间的整数公里数，或回复「跳过」',
  askFree: (left: number) =>
    `您本会员年还有 ${formatInteger(left)} 次免费保养，这次要使用吗？回复「要」或「不要」。`,
  confirm: (v: {
    serviceName: string;
    plate: string;
    storeName: string;
    slot: ChatSlot;
    mileageKm: number | null;
    useFreeMaintenance: boolean;
  }) =>
    [
      '请确认预约：',
      `服务：${v.serviceName}${v.useFreeMaintenance ? '（使用免费保养 1 次）' : ''}`,
      `车辆：${v.plate}${v.mileageKm === null ? '' : `，${formatInteger(v.mileageKm)} 公里`}`,
      `门店：${v.storeName}`,
      `时间：${dayZh(v.slot.day)} ${v.slot.time}`,
      '回复「确认」预约，或回复「不了」。',
    ].join('\n'),
  declined: '好的，这次先不预约。需要时回复「预约」。',
  done: (booking: ChatBooking) =>
    [
      `预约成功！预约号 ${booking.number}`,
      `${dayZh(booking.day)} ${booking.time}，${booking.serviceName}（${booking.plate}）`,
      booking.address
        ? `${booking.storeName}：${booking.address}${booking.phone ? `（电话 ${booking.phone}）` : ''}`
        : `${booking.storeName}${booking.phone ? `，电话 ${booking.phone}` : ''}`,
      booking.useFreeMaintenance ? '本次使用免费保养 1 次，到店时核销。' : null,
      '回复「我的预约」可改期或取消。',
    ]
      .filter((line) => line !== null)
      .join('\n'),
  /** The slot chosen was taken meanwhile: the nearest free ones instead. */
  full: (alternatives: readonly ChatSlot[]) =>
    `这个时间刚刚约满了。离它最近的空位：\n${numbered(alternatives.map((slot) => `${dayZh(slot.day)} ${slot.time}`))}\n回复序号选择，回复「换一天」重新选日期。`,
  fullNoAlternative: '这个时间刚刚约满了，附近几天也没有空位。回复「预约」选更晚的日期。',
  badAlternative: '请回复时间前面的序号，或回复「换一天」',
  /** Any other refusal: the service's reason, and what to do next. */
  refused: (message: string, phone: string | null) =>
    `没能预约：${message}${phone ? `如需帮助请致电 ${phone}。` : ''}回复「预约」重新选择，或回复「我的预约」查看已有预约。`,
};

export const myBookingsCopy = {
  none: '您现在没有待到店的预约。回复「预约」约个时间。',
  line: (booking: ChatBooking) =>
    `${booking.number} ${dayZh(booking.day)} ${booking.time} ${booking.serviceName}（${booking.plate}，${booking.storeName}）`,
  choose: (bookings: readonly ChatBooking[]) =>
    `您的预约：\n${numbered(bookings.map(myBookingsCopy.line))}\n回复序号选择要改期或取消的预约。`,
  badChoice: '请回复预约前面的序号',
  askAction: (booking: ChatBooking) =>
    `您的预约：${myBookingsCopy.line(booking)}\n要改期还是取消？回复「改期」或「取消预约」。`,
  badAction: '请回复「改期」或「取消预约」',
  /** After the cut-off: the store's phone instead. */
  tooLate: (cutoffMinutes: number, phone: string | null) =>
    `预约开始前 ${cutoffMinutes % 60 === 0 ? `${cutoffMinutes / 60} 小时` : `${cutoffMinutes} 分钟`}内不能在线改期或取消，请致电门店${phone ? ` ${phone}` : ''}。回复「门店」查看门店信息。`,
  confirmCancel: (booking: ChatBooking) =>
    `确认取消 ${dayZh(booking.day)} ${booking.time} 的${booking.serviceName}预约吗？回复「确认」或「不了」。`,
  keep: '好的，预约保留不变。回复「我的预约」查看。',
  cancelled: (booking: ChatBooking) =>
    `已取消预约 ${booking.number}（${dayZh(booking.day)} ${booking.time}）。回复「预约」可以重新约时间。`,
  moved: (booking: ChatBooking) =>
    `已改期！预约号 ${booking.number}\n新时间：${dayZh(booking.day)} ${booking.time}，${booking.serviceName}（${booking.plate}，${booking.storeName}）\n回复「我的预约」可再改期或取消。`,
  refused: (message: string, phone: string | null) =>
    `没能办理：${message}${phone ? `如需帮助请致电 ${phone}。` : ''}回复「我的预约」重新选择。`,
};
