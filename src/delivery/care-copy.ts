import type { CareMessage } from '../rules/care-due';
import { parseIsoDate } from '../rules/local-date';
import type { DeliveryRequestInput } from './delivery-request';

/**
 * The member-facing words of each care message (RULES.md §7–8), short and friendly, each ending
 * with what the member can do next. Placeholders ({name}, {date}, {expiringPoints}…) are filled
 * per member at delivery; facts that are not placeholders (a plate, a voucher code) are written in
 * here. Pure: the same care message always gives the same request.
 */
export function careDeliveryRequest(message: CareMessage): DeliveryRequestInput {
  const { facts } = message;
  const base = {
    key: message.key,
    memberId: message.memberId,
    category: message.category,
    kind: message.kind,
    genericText: null,
    template: null,
  };
  switch (message.kind) {
    case 'birthday':
      return {
        ...base,
        text: facts.giftVoucher
          ? '{name}，祝您生日快乐！🎂 今天消费享双倍积分，生日礼遇券已放进您的卡包。回复「我的券」查看。'
          : '{name}，祝您生日快乐！🎂 今天到店消费享双倍积分。回复「查积分」看看您的积分。',
      };
    case 'maintenance_due':
      return { ...base, text: maintenanceText(facts), values: { date: String(facts.date) } };
    case 'insurance_renewal':
      return {
        ...base,
        text: `{name}，您的爱车${plate(facts.plate)}保险将于 {date} 到期。到店续保还能赚积分，回复「预约」约个时间来店咨询。`,
        values: { date: String(facts.date) },
      };
    case 'inspection_due':
      return {
        ...base,
        text: `{name}，您的爱车${plate(facts.plate)}年检将于 {date} 到期，回复「预约」在线预约年检代办。`,
        values: { date: String(facts.date) },
      };
    case 'points_expiring':
      return {
        ...base,
        text: '{name}，您有 {expiringPoints} 积分将于 {date} 到期。回复「兑换」看看能换什么吧。',
        values: { expiringPoints: Number(facts.expiringPoints), date: String(facts.date) },
      };
    case 'voucher_expiring':
      return {
        ...base,
        text: `{name}，您的「${String(facts.voucherName)}」（券码 ${String(facts.code)}）将于 {date} 到期，记得到店使用哦。`,
        values: { date: String(facts.date) },
      };
    case 'win_back':
      return {
        ...base,
        text: '{name}，好久不见！您的爱车该做个检查了，本月到店保养享会员积分。回复「查积分」看看您的权益，回复「退订」不再接收此类消息。',
        genericText:
          '好久不见！您的爱车该做个检查了，本月到店保养享会员积分。回复「查积分」看看您的权益，回复「退订」不再接收此类消息。',
      };
  }
}

/**
 * Ahead of the day: when to come (by the months since the last service, or by the member's own
 * driving); on the day: that it is time. Both say how to book (预约 starts the booking with 保养
 * chosen) and, when mileage matters, how to correct it (我的车).
 */
function maintenanceText(facts: CareMessage['facts']): string {
  const car = `爱车${plate(facts.plate)}`;
  const last = zhDate(facts.lastServiceOn);
  const byMileage = facts.by === 'mileage';
  if (Number(facts.daysBefore) === 0) {
    return byMileage
      ? `{name}，按行驶里程估算，您的${car}已到保养里程（上次保养：${last}），建议尽快到店保养。回复「预约」在线约时间，里程不准可回复「我的车」更新。`
      : `{name}，您的${car}今天到了建议保养的时间（上次保养：${last}）。回复「预约」在线预约保养。`;
  }
  return byMileage
    ? `{name}，按行驶里程估算，您的${car}约在 {date} 到保养里程（上次保养：${last}）。回复「预约」在线约时间，里程不准可回复「我的车」更新。`
    : `{name}，您的${car}建议在 {date} 前做下一次保养（上次保养：${last}）。回复「预约」在线约时间。`;
}

/** `2026-06-01` → `2026年6月1日`. */
function zhDate(value: unknown): string {
  const date = typeof value === 'string' ? parseIsoDate(value) : null;
  return date ? `${date.year}年${date.month}月${date.day}日` : '';
}

function plate(value: unknown): string {
  return typeof value === 'string' && value ? `（${value}）` : '';
}
