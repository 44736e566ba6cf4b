/**
 * Ready-made campaigns (RULES.md §8) as data: staff pick one, set the dates and audience, and
 * create it. Texts use only the campaign placeholders; `genericText` is the mass-send variant.
 */
export interface CampaignTemplate {
  readonly id: string;
  readonly name: string;
  readonly occasion: string;
  readonly text: string;
  readonly genericText: string;
  readonly suggestedBonusPoints: number;
  /** A suggested promotion window: multiplier and length in days (null: none). */
  readonly suggestedWindow: { readonly multiplier: number; readonly days: number } | null;
}

export const campaignTemplates: readonly CampaignTemplate[] = [
  {
    id: 'spring-festival',
    name: '春节问候',
    occasion: '春节',
    text: '{name}您好！新春将至，感谢您一年来的信任与陪伴。春节期间到店消费享双倍积分，祝您新年快乐、出行平安！',
    genericText: '新春将至，感谢您一年来的信任与陪伴。春节期间到店消费享双倍积分，祝您新年快乐、出行平安！',
    suggestedBonusPoints: 188,
    suggestedWindow: { multiplier: 2, days: 7 },
  },
  {
    id: 'mid-autumn',
    name: '中秋问候',
    occasion: '中秋节',
    text: '{name}您好！月圆人团圆，祝您中秋快乐。节前远行，欢迎到店免费检测，平安回家。',
    genericText: '月圆人团圆，祝您中秋快乐。节前远行，欢迎到店免费检测，平安回家。',
    suggestedBonusPoints: 88,
    suggestedWindow: null,
  },
  {
    id: 'national-day',
    name: '国庆出行关怀',
    occasion: '国庆节',
    text: '{name}您好！国庆长假出行前，欢迎到店做一次免费安全检查。假期期间到店消费积分 1.5 倍，祝您旅途愉快！',
    genericText: '国庆长假出行前，欢迎到店做一次免费安全检查。假期期间到店消费积分 1.5 倍，祝您旅途愉快！',
    suggestedBonusPoints: 0,
    suggestedWindow: { multiplier: 1.5, days: 7 },
  },
  {
    id: 'double-eleven',
    name: '双十一会员专享',
    occasion: '双十一',
    text: '{name}您好！双十一会员专享：11 月 11 日当天到店保养、美容享三倍积分，您当前有 {points}，欢迎兑换好礼。',
    genericText: '双十一会员专享：11 月 11 日当天到店保养、美容享三倍积分，欢迎兑换好礼。',
    suggestedBonusPoints: 0,
    suggestedWindow: { multiplier: 3, days: 1 },
  },
  {
    id: 'member-day',
    name: '每月会员日',
    occasion: '会员日',
    text: '{name}您好！本月会员日到了，当天到店消费双倍积分。您是{tier}，当前有 {points}。',
    genericText: '本月会员日到了，当天到店消费双倍积分，欢迎到店。',
    suggestedBonusPoints: 0,
    suggestedWindow: null,
  },
];
