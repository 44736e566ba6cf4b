import type { EarnBreakdown } from './earn-points';
import { formatDateZh, formatMilli, formatPoints, formatYuan } from './format-zh';
import type { LedgerEntry } from './ledger-entry';

const NEUTRAL_MILLI = 1000;

/**
 * One ledger entry in plain Chinese, for 积分明细 / 为什么 in chat, e.g.
 * `保养消费 ¥1,234.56 × 1 分/元 × 银卡 1.2 倍 × 会员日 2 倍 = 2,962 积分，2029年11月30日到期`.
 * Names come from the entry's breakdown (as they were when it was earned), not from today's
 * program, so an old entry is explained as it was computed.
 */
export function explainEntry(entry: LedgerEntry, timeZone: string): string {
  switch (entry.type) {
    case 'earn':
      return entry.breakdown
        ? explainEarning(entry.breakdown, timeZone)
        : `消费获得 ${formatPoints(entry.points)}`;
    case 'activate':
      return entry.lot
        ? `待到账的 ${formatPoints(entry.lot.amount)}已到账，${formatDateZh(entry.lot.expiresAt, timeZone)}到期`
        : '待到账积分已到账';
    case 'redeem':
      return `兑换礼品，使用 ${formatPoints(-entry.points)}`;
    case 'cancel_redemption':
      return `取消兑换，退回 ${formatPoints(entry.points)}`;
    case 'refund':
      return entry.debtChange > 0
        ? `交易退款，扣回 ${formatPoints(-entry.points)}，其中 ${formatPoints(entry.debtChange)}将从以后获得的积分中扣除`
        : `交易退款，扣回 ${formatPoints(-entry.points)}`;
    case 'expire':
      return `${formatPoints(-entry.points)}已过期`;
    case 'debt_payment':
      return `抵扣之前欠下的 ${formatPoints(-entry.debtChange)}`;
    case 'adjust': {
      const sign = entry.points > 0 ? '+' : '';
      return `人工调整 ${sign}${formatPoints(entry.points)}${entry.reason ? `：${entry.reason}` : ''}`;
    }
    case 'bonus':
      return `活动奖励 +${formatPoints(entry.points)}`;
    case 'welcome':
      return `入会礼 +${formatPoints(entry.points)}`;
    case 'referral':
      return `推荐有礼 +${formatPoints(entry.points)}`;
  }
}

/** An earning's arithmetic, its first-transaction bonus, when it arrives and when it expires. */
export function explainEarning(breakdown: EarnBreakdown, timeZone: string): string {
  const factors = [`${breakdown.categoryName}消费 ${formatYuan(breakdown.amountFen)}`];
  factors.push(`${formatMilli(breakdown.rateMilli)} 分/元`);
  if (breakdown.tierMultiplierMilli !== NEUTRAL_MILLI) {
    factors.push(`${breakdown.tierName} ${formatMilli(breakdown.tierMultiplierMilli)} 倍`);
  }
  if (breakdown.promotion) {
    factors.push(`${breakdown.promotion.name} ${formatMilli(breakdown.promotion.multiplierMilli)} 倍`);
  }
  let text = `${factors.join(' × ')} = ${formatPoints(breakdown.points)}`;
  const bonus = breakdown.firstTransactionBonus;
  if (bonus) {
    text += `，首笔消费奖励 ${bonus.percent}% +${formatPoints(bonus.points)}，共 ${formatPoints(breakdown.total)}`;
  }
  if (breakdown.pendingUntil) text += `，${formatDateZh(breakdown.pendingUntil, timeZone)}到账`;
  return `${text}，${formatDateZh(breakdown.expiresAt, timeZone)}到期`;
}
