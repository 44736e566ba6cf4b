import { describe, expect, it } from 'vitest';
import { defaultProgram } from '../../src/config/default-program';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';

/** Every number in the parsed program, with its path, so "integers only" can be checked at once. */
function numbersIn(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => numbersIn(child, `${path}.${key}`));
}

describe('the default program (RULES.md)', () => {
  const program = defaultProgram;

  it('validates and equals a fresh parse of its input', () => {
    expect(parseProgram(structuredClone(defaultProgramInput))).toEqual(program);
  });

  it('holds only integers for the rules engine', () => {
    const numbers = numbersIn(program);
    expect(numbers.length).toBeGreaterThan(50);
    for (const [path, value] of numbers) expect(Number.isSafeInteger(value), path).toBe(true);
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(program)).toBe(true);
    expect(Object.isFrozen(program.tiers[0])).toBe(true);
    expect(Object.isFrozen(program.care.maintenanceDue.daysBefore)).toBe(true);
    expect(Object.isFrozen(defaultProgramInput.tiers)).toBe(true);
  });

  it('§0 organisation: one store, the program name, Shanghai time', () => {
    expect(program.version).toBe('2026-11-default');
    expect(program.programName).toBe('车主会员俱乐部');
    expect(program.timezone).toBe('Asia/Shanghai');
    expect(program.stores).toEqual([
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
    ]);
  });

  it('bookings: five services, half-hour slots, 2 hours to 14 days ahead, holidays closed', () => {
    expect(program.bookings?.services.map((service) => service.name)).toEqual([
      '保养',
      '维修',
      '钣喷',
      '续保咨询',
      '年检代办',
    ]);
    expect(program.bookings?.services.filter((service) => service.freeMaintenance).map((s) => s.id)).toEqual([
      'maintenance',
    ]);
    expect(program.bookings).toMatchObject({
      slotMinutes: 30,
      earliestMinutes: 120,
      horizonDays: 14,
      changeCutoffMinutes: 120,
      closedDates: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08'],
    });
  });

  it('§1 tiers: thresholds, multipliers, discounts, free maintenance, benefits', () => {
    expect(program.tiers).toEqual([
      {
        code: 'bronze',
        name: '铜卡',
        threshold: 0,
        multiplierMilli: 1000,
        serviceDiscountMilli: 950,
        freeMaintenancePerYear: 2,
        birthdayGift: false,
        personalAdvisor: false,
      },
      {
        code: 'silver',
        name: '银卡',
        threshold: 10_000,
        multiplierMilli: 1200,
        serviceDiscountMilli: 900,
        freeMaintenancePerYear: 3,
        birthdayGift: false,
        personalAdvisor: false,
      },
      {
        code: 'gold',
        name: '金卡',
        threshold: 30_000,
        multiplierMilli: 1400,
        serviceDiscountMilli: 850,
        freeMaintenancePerYear: 4,
        birthdayGift: true,
        personalAdvisor: false,
      },
      {
        code: 'diamond',
        name: '钻石卡',
        threshold: 80_000,
        multiplierMilli: 1600,
        serviceDiscountMilli: 800,
        freeMaintenancePerYear: 5,
        birthdayGift: true,
        personalAdvisor: true,
      },
    ]);
    expect(program.tierReview).toEqual({ maxLevelsDown: 1 });
  });

  it('§2 categories: rates, pending days, referral and follow-up flags', () => {
    const summary = Object.fromEntries(
      Object.entries(program.categories).map(([code, c]) => [
        code,
        [c.name, c.rateMilli, c.pendingDays, c.referralQualifying, c.postServiceFollowUp],
      ]),
    );
    expect(summary).toEqual({
      vehicle: ['购车', 100, 14, true, false],
      maintenance: ['保养', 1000, 0, true, true],
      repair: ['维修', 1000, 0, true, true],
      parts: ['配件', 1000, 0, false, false],
      accessories: ['精品装饰', 1000, 0, false, false],
      insurance: ['续保', 500, 7, false, false],
    });
  });

  it('§2 promotions and the first-transaction bonus', () => {
    expect(program.promotions).toEqual({
      memberDay: { enabled: true, name: '会员日', dayOfMonth: 18, multiplierMilli: 2000 },
      birthday: { enabled: true, name: '生日', multiplierMilli: 2000 },
    });
    expect(program.firstTransactionBonus).toEqual({ percent: 10 });
  });

  it('§3 expiry: end of the month, 36 months on', () => {
    expect(program.expiry).toEqual({ months: 36, endOfMonth: true });
  });

  it('§4 redemption and the default catalogue', () => {
    expect(program.redemption).toEqual({
      pointsPerYuan: 100,
      voucherCode: { length: 8, alphabet: 'ABCDEFGHJKMNPQRSTUVWXYZ23456789' },
    });
    expect(program.catalogue.map((r) => [r.id, r.name, r.cost, r.stock, r.minTier])).toEqual([
      ['car-wash', '免费洗车', 1_500, null, null],
      ['cabin-filter', '空调滤芯更换', 6_000, null, null],
      ['wheel-alignment', '四轮定位', 8_000, null, null],
      ['service-coupon-50', '¥50 保养抵扣券', 5_000, null, null],
      ['car-fragrance', '品牌车载香氛', 3_000, 200, null],
      ['airport-transfer', '钻石专享 机场接送', 30_000, 20, 'diamond'],
    ]);
    expect(program.catalogue[0]?.validityDays).toBe(30);
    for (const reward of program.catalogue) {
      expect(reward.perMemberLimit).toBeNull();
      expect(reward.storeIds).toBeNull();
      expect(reward.validityDays).toBeGreaterThan(0);
    }
  });

  it('§5 sign-up, SMS verification and welcome', () => {
    expect(program.signup).toEqual({
      privacyPolicyVersion: '2026-11',
      sms: { codeLength: 6, ttlSeconds: 300, maxAttempts: 5, resendSeconds: 60, maxPerNumberPerDay: 5 },
    });
    expect(program.welcome).toEqual({ points: 1_000, voucher: { name: '免费基础保养券', validityDays: 30 } });
  });

  it('§6 referral', () => {
    expect(program.referral).toEqual({
      newMemberPoints: 500,
      referrerOnSignupPoints: 500,
      referrerOnFirstQualifyingPoints: 2_000,
      windowDays: 30,
      maxRewardedPerMembershipYear: 20,
    });
  });

  it('§7 care messages', () => {
    const { care } = program;
    expect(care.sendAt).toBe('09:00');
    expect(care.birthday).toEqual({ enabled: true, feb29On: 'feb28' });
    expect(care.birthdayGiftVoucher.validityDays).toBeGreaterThan(0);
    expect(care.maintenanceDue).toEqual({
      enabled: true,
      monthsAfterService: 6,
      kmAfterService: 5_000,
      daysBefore: [7, 0],
    });
    expect(care.insuranceRenewal.daysBefore).toEqual([30, 7]);
    expect(care.inspectionDue.daysBefore).toEqual([30]);
    expect(care.pointsExpiring).toEqual({ enabled: true, daysBefore: [30, 7], minPoints: 100 });
    expect(care.postService).toEqual({ enabled: true, delayDays: 3, maxRating: 5, alertAtOrBelow: 2 });
    expect(care.voucherExpiring.daysBefore).toEqual([3]);
  });

  it('§8 marketing caps, quiet hours and win-back', () => {
    expect(program.marketing).toEqual({
      caps: { perDay: 1, perMonth: 4 },
      quietHours: { start: '21:00', end: '09:00' },
      winBack: { enabled: true, afterDaysWithoutVisit: 180 },
    });
    expect(program.nightlyRun.at).toMatch(/^\d\d:\d\d$/);
  });
});
