import { deepFreeze } from './deep-freeze';
import type { ProgramInput } from './program-schema';

/**
 * The default membership program of RULES.md, as a person would write it in a program file.
 *
 * It is the base every PROGRAM_FILE is merged over, so it must stay complete. Where RULES.md gives
 * no number, the value chosen here says so in a comment.
 */
export const defaultProgramInput = deepFreeze({
  version: '2026-11-default',
  timezone: 'Asia/Shanghai',
  programName: '车主会员俱乐部',
  // RULES.md gives no phone, hours or address: placeholders for 人工 and 门店 until a program file
  // sets them.
  // Booking hours: RULES.md gives none; a typical service desk takes 4 cars per half hour, every day.
  stores: [
    {
      id: 'main',
      name: '本店',
      phone: '400-800-1234',
      hours: '每天 8:30–18:00',
      address: '上海市浦东新区示例路 88 号',
      booking: {
        services: ['maintenance', 'repair', 'body-paint', 'insurance', 'inspection'],
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        opens: '08:30',
        closes: '17:30',
        capacityPerSlot: 4,
        closedDates: [],
      },
    },
  ],
  tiers: [
    {
      code: 'bronze',
      name: '铜卡',
      threshold: 0,
      multiplier: 1,
      serviceDiscount: 0.95,
      freeMaintenancePerYear: 2,
      birthdayGift: false,
      personalAdvisor: false,
    },
    {
      code: 'silver',
      name: '银卡',
      threshold: 10_000,
      multiplier: 1.2,
      serviceDiscount: 0.9,
      freeMaintenancePerYear: 3,
      birthdayGift: false,
      personalAdvisor: false,
    },
    {
      code: 'gold',
      name: '金卡',
      threshold: 30_000,
      multiplier: 1.4,
      serviceDiscount: 0.85,
      freeMaintenancePerYear: 4,
      birthdayGift: true,
      personalAdvisor: false,
    },
    {
      code: 'diamond',
      name: '钻石卡',
      threshold: 80_000,
      multiplier: 1.6,
      serviceDiscount: 0.8,
      freeMaintenancePerYear: 5,
      birthdayGift: true,
      personalAdvisor: true,
    },
  ],
  tierReview: { maxLevelsDown: 1 },
  categories: {
    vehicle: {
      name: '购车',
      rate: 0.1,
      pendingDays: 14,
      referralQualifying: true,
      postServiceFollowUp: false,
    },
    maintenance: {
      name: '保养',
      rate: 1,
      pendingDays: 0,
      referralQualifying: true,
      postServiceFollowUp: true,
    },
    repair: { name: '维修', rate: 1, pendingDays: 0, referralQualifying: true, postServiceFollowUp: true },
    parts: { name: '配件', rate: 1, pendingDays: 0, referralQualifying: false, postServiceFollowUp: false },
    accessories: {
      name: '精品装饰',
      rate: 1,
      pendingDays: 0,
      referralQualifying: false,
      postServiceFollowUp: false,
    },
    insurance: {
      name: '续保',
      rate: 0.5,
      pendingDays: 7,
      referralQualifying: false,
      postServiceFollowUp: false,
    },
  },
  promotions: {
    memberDay: { enabled: true, name: '会员日', dayOfMonth: 18, multiplier: 2 },
    birthday: { enabled: true, name: '生日', multiplier: 2 },
  },
  firstTransactionBonus: { percent: 10 },
  expiry: { months: 36, endOfMonth: true },
  redemption: {
    pointsPerYuan: 100,
    voucherCode: { length: 8, alphabet: 'ABCDEFGHJKMNPQRSTUVWXYZ23456789' },
  },
  // RULES.md gives a validity only for the car wash (30 days); the others get 90 days, long enough
  // to book a service appointment. No per-member limits: RULES.md sets none for the defaults.
  catalogue: [
    { id: 'car-wash', name: '免费洗车', cost: 1_500, validityDays: 30 },
    { id: 'cabin-filter', name: '空调滤芯更换', cost: 6_000, validityDays: 90 },
    { id: 'wheel-alignment', name: '四轮定位', cost: 8_000, validityDays: 90 },
    { id: 'service-coupon-50', name: '¥50 保养抵扣券', cost: 5_000, validityDays: 90 },
    { id: 'car-fragrance', name: '品牌车载香氛', cost: 3_000, stock: 200, validityDays: 90 },
    {
      id: 'airport-transfer',
      name: '钻石专享 机场接送',
      cost: 30_000,
      stock: 20,
      minTier: 'diamond',
      validityDays: 90,
    },
  ],
  welcome: { points: 1_000, voucher: { name: '免费基础保养券', validityDays: 30 } },
  referral: {
    newMemberPoints: 500,
    referrerOnSignupPoints: 500,
    referrerOnFirstQualifyingPoints: 2_000,
    windowDays: 30,
    maxRewardedPerMembershipYear: 20,
  },
  signup: {
    privacyPolicyVersion: '2026-11',
    sms: { codeLength: 6, ttlSeconds: 300, maxAttempts: 5, resendSeconds: 60, maxPerNumberPerDay: 5 },
  },
  care: {
    sendAt: '09:00',
    birthday: { enabled: true, feb29On: 'feb28' },
    // RULES.md names the gift but not its validity; 30 days matches the welcome voucher.
    birthdayGiftVoucher: { name: '生日礼遇券', validityDays: 30 },
    maintenanceDue: { enabled: true, monthsAfterService: 6, kmAfterService: 5_000, daysBefore: [7, 0] },
    insuranceRenewal: { enabled: true, daysBefore: [30, 7] },
    inspectionDue: { enabled: true, daysBefore: [30] },
    pointsExpiring: { enabled: true, daysBefore: [30, 7], minPoints: 100 },
    postService: { enabled: true, delayDays: 3, maxRating: 5, alertAtOrBelow: 2 },
    voucherExpiring: { enabled: true, daysBefore: [3] },
    // Template ids are each account's own (MP admin → 模板消息): none by default, so outside the
    // 48-hour window care messages are skipped (`no_template`) until a program file adds them.
    templates: {},
  },
  marketing: {
    caps: { perDay: 1, perMonth: 4 },
    quietHours: { start: '21:00', end: '09:00' },
    winBack: { enabled: true, afterDaysWithoutVisit: 180 },
  },
  // RULES.md fixes the nightly order but not the hour.
  nightlyRun: { at: '00:30' },
  // RULES.md gives no booking numbers: book from 2 hours to 14 days ahead, change until 2 hours
  // before, and New Year's Day and the first days of the Spring Festival closed.
  bookings: {
    services: [
      { id: 'maintenance', name: '保养', freeMaintenance: true },
      { id: 'repair', name: '维修', freeMaintenance: false },
      { id: 'body-paint', name: '钣喷', freeMaintenance: false },
      { id: 'insurance', name: '续保咨询', freeMaintenance: false },
      { id: 'inspection', name: '年检代办', freeMaintenance: false },
    ],
    slotMinutes: 30,
    earliestMinutes: 120,
    horizonDays: 14,
    changeCutoffMinutes: 120,
    closedDates: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08'],
  },
  // RULES.md gives no call-back time for complaints: the next working day.
  complaints: { callBackWithinHours: 24 },
} satisfies ProgramInput);
