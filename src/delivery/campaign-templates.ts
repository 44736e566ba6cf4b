import type { HolidayId } from '../rules/chinese-holidays';

/**
 * Ready-made campaigns (RULES.md §8) as data: staff pick one, check the audience, and create it;
 * the send time and the promotion window are proposed from the holiday's next occurrence
 * (`campaign-proposal.ts`). Texts use only the campaign placeholders (`{bonusPoints}` where the
 * template gives points); `genericText` is the mass-send variant.
 */
export interface CampaignTemplate {
  readonly id: string;
  readonly name: string;
  readonly occasion: string;
  /** The holiday it is written for (its dates set the send time and window); null: any day. */
  readonly holiday: HolidayId | null;
  /** The proposed send time is 10:00 this many days before the holiday's period. */
  readonly leadDays: number;
  readonly text: string;
  readonly genericText: string;
  readonly suggestedBonusPoints: number;
  /**
   * A suggested promotion window: its multiplier, and its length in days when the template has
   * no holiday date to cover (null: no window).
   */
  readonly suggestedWindow: { readonly multiplier: number; readonly days: number } | null;
}

export const campaignTemplates: readonly CampaignTemplate[] = [
  {
    id: 'spring-festival',
    name: '春节问候',
    occasion: '春节',
    holiday: 'spring-festival',
    leadDays: 5,
    text: '{name}您好！新春将至，感谢您一年来的信任与陪伴，特赠您 {bonusPoints}。春节期间到店消费享双倍积分，祝您新年快乐、出行平安！回复「查积分」看看您的积分。',
    genericText:
      '新春将至，感谢您一年来的信任与陪伴，特赠您 {bonusPoints}。春节期间到店消费享双倍积分，祝您新年快乐、出行平安！回复「查积分」看看您的积分。',
    suggestedBonusPoints: 188,
    suggestedWindow: { multiplier: 2, days: 7 },
  },
  {
    id: 'mid-autumn',
    name: '中秋问候',
    occasion: '中秋节',
    holiday: 'mid-autumn',
    leadDays: 3,
    text: '{name}您好！月圆人团圆，祝您中秋快乐，特赠您 {bonusPoints}。节前远行，欢迎到店免费检测，平安回家。回复「兑换」看看积分能换的礼品。',
    genericText:
      '月圆人团圆，祝您中秋快乐，特赠您 {bonusPoints}。节前远行，欢迎到店免费检测，平安回家。回复「兑换」看看积分能换的礼品。',
    suggestedBonusPoints: 88,
    suggestedWindow: null,
  },
  {
    id: 'national-day',
    name: '国庆出行关怀',
    occasion: '国庆节',
    holiday: 'national-day',
    leadDays: 3,
    text: '{name}您好！国庆长假出行前，欢迎到店做一次免费安全检查。假期期间到店消费积分 1.5 倍，祝您旅途愉快！',
    genericText: '国庆长假出行前，欢迎到店做一次免费安全检查。假期期间到店消费积分 1.5 倍，祝您旅途愉快！',
    suggestedBonusPoints: 0,
    suggestedWindow: { multiplier: 1.5, days: 7 },
  },
  {
    id: 'double-eleven',
    name: '双十一会员专享',
    occasion: '双十一',
    holiday: 'double-eleven',
    leadDays: 3,
    text: '{name}您好！双十一会员专享：11 月 11 日当天到店保养、美容享三倍积分，您当前有 {points}，欢迎兑换好礼。',
    genericText: '双十一会员专享：11 月 11 日当天到店保养、美容享三倍积分，欢迎兑换好礼。',
    suggestedBonusPoints: 0,
    suggestedWindow: { multiplier: 3, days: 1 },
  },
  {
    id: 'member-day',
    name: '每月会员日',
    occasion: '会员日',
    holiday: null,
    leadDays: 0,
    text: '{name}您好！本月会员日到了，当天到店消费双倍积分。您是{tier}，当前有 {points}。',
    genericText: '本月会员日到了，当天到店消费双倍积分，欢迎到店。',
    suggestedBonusPoints: 0,
    suggestedWindow: null,
  },
];
