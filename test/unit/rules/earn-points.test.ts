import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../../src/config/default-program-input';
import type { CampaignWindow } from '../../../src/rules/active-promotion';
import { earnPoints } from '../../../src/rules/earn-points';
import { earnInput, program, programWith, shanghai } from './builders';

function earned(input: Parameters<typeof earnInput>[0], withProgram = program) {
  const decision = earnPoints(earnInput(input), withProgram);
  if (!decision.ok) throw new Error(`expected points, got ${decision.reason}`);
  return decision;
}

const springFestival: CampaignWindow = {
  id: 'spring-2027',
  name: '春节周',
  multiplierMilli: 3000,
  startsAt: shanghai('2027-02-06T00:00'),
  endsAt: shanghai('2027-02-13T00:00'),
};

describe('earnPoints: RULES.md §2 worked example', () => {
  it('Silver, ¥1,234.56 maintenance on the 18th → 2962 (not the first transaction)', () => {
    const result = earned({
      amountFen: 1_234_56,
      tierCode: 'silver',
      occurredAt: shanghai('2026-11-18T10:00'),
    });
    expect(result.points).toBe(2962);
    expect(result.qualifyingPoints).toBe(2962);
    expect(result.breakdown).toEqual({
      amountFen: 123456,
      category: 'maintenance',
      categoryName: '保养',
      rateMilli: 1000,
      basePointsExact: '1234.56',
      tierCode: 'silver',
      tierName: '银卡',
      tierMultiplierMilli: 1200,
      promotion: { kind: 'member_day', name: '会员日', multiplierMilli: 2000, campaignId: null },
      exactPoints: '2962.944',
      points: 2962,
      firstTransactionBonus: null,
      total: 2962,
      expiresAt: new Date('2029-11-30T23:59:59.999+08:00'),
      pendingUntil: null,
    });
  });
});

describe('earnPoints: base rate per category (points per yuan, exact in fen)', () => {
  it.each([
    ['vehicle', 300_000_00, 30_000, '30000'],
    ['maintenance', 100_00, 100, '100'],
    ['repair', 123_45, 123, '123.45'],
    ['parts', 1, 0, '0.01'],
    ['accessories', 99_99, 99, '99.99'],
    ['insurance', 5_000_00, 2_500, '2500'],
    ['insurance', 1_23, 0, '0.615'],
    ['vehicle', 123_456_78, 12_345, '12345.678'],
  ])('%s ¥%d fen → %d points (base %s)', (category, amountFen, points, base) => {
    const result = earned({ category, amountFen });
    expect(result.points).toBe(points);
    expect(result.breakdown.basePointsExact).toBe(base);
  });

  it('refuses an unknown category as a value', () => {
    expect(earnPoints(earnInput({ category: 'car-wash' }), program)).toEqual({
      ok: false,
      reason: 'unknown_category',
      category: 'car-wash',
    });
  });

  it('throws on a negative or fractional amount (a caller bug: the API validates amounts)', () => {
    expect(() => earnPoints(earnInput({ amountFen: -1 }), program)).toThrow(RangeError);
    expect(() => earnPoints(earnInput({ amountFen: 1.5 }), program)).toThrow(RangeError);
  });

  it('throws on an unknown tier (a caller bug)', () => {
    expect(() => earnPoints(earnInput({ tierCode: 'platinum' }), program)).toThrow(/unknown tier/);
  });
});

describe('earnPoints: tier multiplier at the time of the transaction', () => {
  it.each([
    ['bronze', 100, 1000],
    ['silver', 120, 1200],
    ['gold', 140, 1400],
    ['diamond', 160, 1600],
  ])('%s: ¥100 maintenance → %d', (tierCode, points, multiplierMilli) => {
    const result = earned({ tierCode, amountFen: 100_00 });
    expect(result.points).toBe(points);
    expect(result.breakdown.tierMultiplierMilli).toBe(multiplierMilli);
  });
});

describe('earnPoints: promotions do not stack, the highest applies', () => {
  const memberDay = shanghai('2026-11-18T10:00');
  const birthday = { month: 11, day: 18 };

  it.each([
    ['no promotion', { occurredAt: shanghai('2026-11-17T10:00') }, 100, null],
    ['member day ×2', { occurredAt: memberDay }, 200, 'member_day'],
    [
      'birthday ×2',
      { occurredAt: shanghai('2026-11-17T10:00'), birthday: { month: 11, day: 17 } },
      200,
      'birthday',
    ],
    // Both ×2 on the same day: still ×2 (not ×4), named after the birthday.
    ['birthday on member day', { occurredAt: memberDay, birthday }, 200, 'birthday'],
    [
      'campaign ×3 beats birthday and member day',
      {
        occurredAt: shanghai('2027-02-18T10:00'),
        birthday: { month: 2, day: 18 },
        campaigns: [{ ...springFestival, endsAt: shanghai('2027-02-19T00:00') }],
      },
      300,
      'campaign',
    ],
    [
      'member day ×2 beats a ×1.5 campaign',
      {
        occurredAt: memberDay,
        campaigns: [
          {
            ...springFestival,
            multiplierMilli: 1500,
            startsAt: shanghai('2026-11-01T00:00'),
            endsAt: shanghai('2026-12-01T00:00'),
          },
        ],
      },
      200,
      'member_day',
    ],
    [
      'a ×1.5 campaign alone',
      {
        occurredAt: shanghai('2026-11-17T10:00'),
        campaigns: [
          {
            ...springFestival,
            multiplierMilli: 1500,
            startsAt: shanghai('2026-11-01T00:00'),
            endsAt: shanghai('2026-12-01T00:00'),
          },
        ],
      },
      150,
      'campaign',
    ],
    [
      'campaign before its window',
      { occurredAt: shanghai('2027-02-05T23:59:59.999'), campaigns: [springFestival] },
      100,
      null,
    ],
    [
      'campaign at its start',
      { occurredAt: shanghai('2027-02-06T00:00'), campaigns: [springFestival] },
      300,
      'campaign',
    ],
    [
      'campaign at its (exclusive) end',
      { occurredAt: shanghai('2027-02-13T00:00'), campaigns: [springFestival] },
      100,
      null,
    ],
  ] as const)('%s', (_name, overrides, points, kind) => {
    const result = earned({ amountFen: 100_00, ...overrides });
    expect(result.points).toBe(points);
    expect(result.breakdown.promotion?.kind ?? null).toBe(kind);
  });

  it('takes the highest of several active campaigns and names it', () => {
    const at = shanghai('2027-02-08T10:00');
    const result = earned({
      amountFen: 100_00,
      occurredAt: at,
      campaigns: [
        { ...springFestival, id: 'a', name: '甲', multiplierMilli: 1500 },
        { ...springFestival, id: 'b', name: '乙', multiplierMilli: 2500 },
        { ...springFestival, id: 'c', name: '丙', multiplierMilli: 2000 },
      ],
    });
    expect(result.points).toBe(250);
    expect(result.breakdown.promotion).toEqual({
      kind: 'campaign',
      name: '乙',
      multiplierMilli: 2500,
      campaignId: 'b',
    });
  });

  it('ignores a campaign of ×1 or less', () => {
    const result = earned({
      amountFen: 100_00,
      occurredAt: shanghai('2027-02-08T10:00'),
      campaigns: [{ ...springFestival, multiplierMilli: 900 }],
    });
    expect(result.points).toBe(100);
    expect(result.breakdown.promotion).toBeNull();
  });

  it('ignores a disabled member day or birthday promotion', () => {
    const disabled = programWith({
      promotions: {
        memberDay: { enabled: false, name: '会员日', dayOfMonth: 18, multiplier: 2 },
        birthday: { enabled: false, name: '生日', multiplier: 2 },
      },
    });
    expect(earned({ amountFen: 100_00, occurredAt: memberDay, birthday }, disabled).points).toBe(100);
  });

  it('uses the configured member day and multiplier', () => {
    const fifth = programWith({
      promotions: {
        memberDay: { enabled: true, name: '会员日', dayOfMonth: 5, multiplier: 1.5 },
        birthday: { enabled: true, name: '生日', multiplier: 2 },
      },
    });
    expect(earned({ amountFen: 100_00, occurredAt: shanghai('2026-11-05T10:00') }, fifth).points).toBe(150);
    expect(earned({ amountFen: 100_00, occurredAt: memberDay }, fifth).points).toBe(100);
  });
});

describe('earnPoints: calendar days in the program time zone', () => {
  it.each([
    ['2026-03-17T15:59:59.999Z', 100, 'still the 17th in Shanghai'],
    ['2026-03-17T16:00:00.000Z', 200, 'local midnight: the 18th begins'],
    ['2026-03-17T16:30:00.000Z', 200, 'already the 18th in Shanghai (UTC still says the 17th)'],
    ['2026-03-18T15:59:59.999Z', 200, 'last moment of the 18th'],
    ['2026-03-18T16:00:00.000Z', 100, 'the 19th in Shanghai (UTC still says the 18th)'],
  ])('%s → %d (%s)', (iso, points) => {
    expect(earned({ amountFen: 100_00, occurredAt: new Date(iso) }).points).toBe(points);
  });

  it('reads the birthday on the local date too', () => {
    expect(
      earned({
        amountFen: 100_00,
        occurredAt: new Date('2026-05-31T16:30:00Z'),
        birthday: { month: 6, day: 1 },
      }).points,
    ).toBe(200);
  });

  it.each([
    ['2027-02-28T12:00', 'feb28', 200],
    ['2027-03-01T12:00', 'feb28', 100],
    ['2027-03-01T12:00', 'mar1', 200],
    ['2027-02-28T12:00', 'mar1', 100],
    ['2028-02-29T12:00', 'feb28', 200],
    ['2028-02-28T12:00', 'feb28', 100],
  ] as const)('29 Feb birthday on %s with feb29On=%s → %d', (local, feb29On, points) => {
    const withRule = programWith({
      care: { ...defaultProgramInput.care, birthday: { enabled: true, feb29On } },
    });
    expect(
      earned({ amountFen: 100_00, occurredAt: shanghai(local), birthday: { month: 2, day: 29 } }, withRule)
        .points,
    ).toBe(points);
  });

  it('works in another zone: member day follows New York midnight there', () => {
    const newYork = programWith({ timezone: 'America/New_York' });
    // 2026-03-18T03:30Z is 23:30 on the 17th in New York (EDT, −4).
    expect(earned({ amountFen: 100_00, occurredAt: new Date('2026-03-18T03:30:00Z') }, newYork).points).toBe(
      100,
    );
    expect(earned({ amountFen: 100_00, occurredAt: new Date('2026-03-18T04:00:00Z') }, newYork).points).toBe(
      200,
    );
  });
});

describe('earnPoints: floor once, at the end', () => {
  it.each([
    // exact 3.6 → 3; flooring each step (1 → 1 → 2) would give 2.
    [1_50, 'silver', '2026-11-18T10:00', 3, '3.6'],
    [99, 'silver', '2026-11-18T10:00', 2, '2.376'],
    [9_99, 'silver', '2026-11-10T10:00', 11, '11.988'],
    [1, 'bronze', '2026-11-10T10:00', 0, '0.01'],
    [0, 'diamond', '2026-11-18T10:00', 0, '0'],
    [83_34, 'gold', '2026-11-10T10:00', 116, '116.676'],
  ])('¥%d fen, %s, %s → %d (exact %s)', (amountFen, tierCode, local, points, exact) => {
    const result = earned({ amountFen, tierCode, occurredAt: shanghai(local) });
    expect(result.points).toBe(points);
    expect(result.breakdown.exactPoints).toBe(exact);
  });

  it('is exact beyond 2^53: a ¥4,999,999.99 vehicle, Diamond, on member day', () => {
    // 499,999,999 fen × 100 × 1600 × 2000 = 1.6e17 > 2^53, computed with bigint.
    const result = earned({
      category: 'vehicle',
      amountFen: 499_999_999,
      tierCode: 'diamond',
      occurredAt: shanghai('2026-11-18T10:00'),
    });
    expect(result.breakdown.exactPoints).toBe('1599999.9968');
    expect(result.points).toBe(1_599_999);
  });

  it('matches an independent bigint computation for any amount, category, tier and promotion', () => {
    const categories = Object.keys(program.categories);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000_000_00 }),
        fc.constantFrom(...categories),
        fc.constantFrom(...program.tiers.map((tier) => tier.code)),
        fc.integer({ min: 1001, max: 10_000 }),
        (amountFen, category, tierCode, campaignMilli) => {
          const result = earned({
            amountFen,
            category,
            tierCode,
            occurredAt: springFestival.startsAt,
            campaigns: [{ ...springFestival, multiplierMilli: campaignMilli }],
          });
          const rate = BigInt(program.categories[category]!.rateMilli);
          const tier = BigInt(program.tiers.find((t) => t.code === tierCode)!.multiplierMilli);
          const expected = (BigInt(amountFen) * rate * tier * BigInt(campaignMilli)) / 100_000_000_000n;
          expect(result.points).toBe(Number(expected));
        },
      ),
    );
  });

  it('is monotonic in the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc.constantFrom(...Object.keys(program.categories)),
        fc.constantFrom(...program.tiers.map((tier) => tier.code)),
        fc.boolean(),
        fc.boolean(),
        (a, b, category, tierCode, memberDay, first) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const occurredAt = shanghai(memberDay ? '2026-11-18T10:00' : '2026-11-10T10:00');
          const common = { category, tierCode, occurredAt, isFirstTransaction: first };
          const lowResult = earned({ ...common, amountFen: low });
          const highResult = earned({ ...common, amountFen: high });
          expect(lowResult.points).toBeLessThanOrEqual(highResult.points);
          expect(lowResult.qualifyingPoints).toBeLessThanOrEqual(highResult.qualifyingPoints);
        },
      ),
    );
  });
});

describe('earnPoints: first-transaction bonus', () => {
  it('adds +10% of the points, floored, and does not qualify', () => {
    const result = earned({
      amountFen: 1_234_56,
      tierCode: 'silver',
      occurredAt: shanghai('2026-11-18T10:00'),
      isFirstTransaction: true,
    });
    expect(result.points).toBe(2962 + 296);
    expect(result.qualifyingPoints).toBe(2962);
    expect(result.breakdown.firstTransactionBonus).toEqual({ percent: 10, points: 296 });
    expect(result.breakdown.total).toBe(3258);
  });

  it.each([
    [9_00, 9, 0],
    [10_00, 10, 1],
    [19_99, 19, 1],
    [100_00, 100, 10],
  ])('¥%d fen → %d + %d', (amountFen, points, bonus) => {
    const result = earned({ amountFen, isFirstTransaction: true });
    expect(result.qualifyingPoints).toBe(points);
    expect(result.points).toBe(points + bonus);
  });

  it('is absent when the program sets 0%', () => {
    const none = programWith({ firstTransactionBonus: { percent: 0 } });
    const result = earned({ amountFen: 100_00, isFirstTransaction: true }, none);
    expect(result.points).toBe(100);
    expect(result.breakdown.firstTransactionBonus).toBeNull();
  });
});

describe('earnPoints: pending period and lot expiry', () => {
  it.each([
    ['vehicle', 14],
    ['insurance', 7],
    ['maintenance', 0],
    ['repair', 0],
    ['parts', 0],
    ['accessories', 0],
  ])('%s is pending %d days', (category, days) => {
    const occurredAt = shanghai('2026-03-14T15:20');
    const result = earned({ category, occurredAt });
    expect(result.pendingUntil).toEqual(
      days === 0 ? null : new Date(occurredAt.getTime() + days * 86_400_000),
    );
    expect(result.breakdown.pendingUntil).toEqual(result.pendingUntil);
  });

  it('RULES.md §3: earned 2026-03-14 → expires 2029-03-31 23:59:59.999 Shanghai', () => {
    expect(earned({ occurredAt: shanghai('2026-03-14T10:00') }).expiresAt).toEqual(
      new Date('2029-03-31T23:59:59.999+08:00'),
    );
  });

  it('a pending lot expires 36 months after the month it activates in', () => {
    // 2026-03-20 + 14 days = 2026-04-03 → end of April 2029.
    const result = earned({ category: 'vehicle', occurredAt: shanghai('2026-03-20T10:00') });
    expect(result.expiresAt).toEqual(new Date('2029-04-30T23:59:59.999+08:00'));
  });

  it('at local midnight the month is the local one', () => {
    // 2026-03-31T16:30Z is already 1 April in Shanghai.
    expect(earned({ occurredAt: new Date('2026-03-31T16:30:00Z') }).expiresAt).toEqual(
      new Date('2029-04-30T23:59:59.999+08:00'),
    );
    expect(earned({ occurredAt: new Date('2026-03-31T15:59:59Z') }).expiresAt).toEqual(
      new Date('2029-03-31T23:59:59.999+08:00'),
    );
  });
});
