import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRedemption, type RedemptionRequest } from '../../../src/rules/check-redemption';
import { redemptionPeriod } from '../../../src/rules/redemption-period';
import { generateVoucherCode, voucherCodeByteCount } from '../../../src/rules/voucher-code';
import { program, shanghai } from './builders';

const airportTransfer = {
  ...program.catalogue.find((reward) => reward.id === 'airport-transfer')!,
  active: true,
};
const carWash = { ...program.catalogue.find((reward) => reward.id === 'car-wash')!, active: true };

function request(overrides: Partial<RedemptionRequest> = {}): RedemptionRequest {
  return {
    reward: carWash,
    member: { tierCode: 'bronze', availablePoints: 10_000, redemptionsInPeriod: 0 },
    stockLeft: null,
    storeId: null,
    ...overrides,
  };
}

describe('checkRedemption', () => {
  it('allows and names the cost', () => {
    expect(checkRedemption(request(), program)).toEqual({ ok: true, cost: 1_500 });
  });

  it.each([
    ['inactive', request({ reward: { ...carWash, active: false } }), { ok: false, reason: 'inactive' }],
    [
      'store not allowed',
      request({ reward: { ...carWash, storeIds: ['bj-01'] }, storeId: 'sh-02' }),
      { ok: false, reason: 'store_not_allowed', storeIds: ['bj-01'] },
    ],
    [
      'Diamond only, Gold member',
      request({
        reward: airportTransfer,
        member: { tierCode: 'gold', availablePoints: 100_000, redemptionsInPeriod: 0 },
        stockLeft: 20,
      }),
      { ok: false, reason: 'tier_too_low', requiredTier: 'diamond' },
    ],
    [
      'limit reached',
      request({
        reward: { ...carWash, perMemberLimit: { count: 1, period: 'month' } },
        member: { tierCode: 'bronze', availablePoints: 10_000, redemptionsInPeriod: 1 },
      }),
      { ok: false, reason: 'limit_reached', limit: 1, period: 'month' },
    ],
    ['out of stock', request({ stockLeft: 0 }), { ok: false, reason: 'out_of_stock' }],
    [
      'insufficient points',
      request({ member: { tierCode: 'bronze', availablePoints: 1_234, redemptionsInPeriod: 0 } }),
      { ok: false, reason: 'insufficient_points', missing: 266 },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(checkRedemption(input, program)).toEqual(expected);
  });

  it('allows exactly the cost, a Diamond member for Diamond rewards, the last unit, and under the limit', () => {
    expect(
      checkRedemption(
        request({
          reward: { ...airportTransfer, perMemberLimit: { count: 2, period: 'year' }, storeIds: ['main'] },
          member: { tierCode: 'diamond', availablePoints: 30_000, redemptionsInPeriod: 1 },
          stockLeft: 1,
          storeId: 'main',
        }),
        program,
      ),
    ).toEqual({ ok: true, cost: 30_000 });
  });

  it('a store-limited reward redeemed in chat is checked at verification, not here', () => {
    expect(checkRedemption(request({ reward: { ...carWash, storeIds: ['bj-01'] } }), program).ok).toBe(true);
  });

  it('names the reason the member cannot fix by collecting points first', () => {
    const everythingWrong = request({
      reward: airportTransfer,
      member: { tierCode: 'bronze', availablePoints: 0, redemptionsInPeriod: 0 },
      stockLeft: 0,
    });
    expect(checkRedemption(everythingWrong, program)).toMatchObject({ reason: 'tier_too_low' });
  });
});

describe('redemption limit periods in local time', () => {
  const context = { signedUpAt: shanghai('2026-03-14T10:00'), timeZone: 'Asia/Shanghai' };

  it.each([
    ['month', '2026-11-18T10:00', '2026-11-01T00:00', '2026-12-01T00:00'],
    ['month', '2026-12-31T23:59', '2026-12-01T00:00', '2027-01-01T00:00'],
    ['year', '2026-11-18T10:00', '2026-01-01T00:00', '2027-01-01T00:00'],
    ['membershipYear', '2026-11-18T10:00', '2026-03-14T00:00', '2027-03-14T00:00'],
    ['membershipYear', '2027-03-14T00:00', '2027-03-14T00:00', '2028-03-14T00:00'],
  ] as const)('%s at %s → [%s, %s)', (period, at, from, until) => {
    expect(redemptionPeriod(period, shanghai(at), context)).toEqual({
      from: shanghai(from),
      until: shanghai(until),
    });
  });

  it('the month starts at local midnight: 2026-10-31T16:30Z is already in November', () => {
    expect(redemptionPeriod('month', new Date('2026-10-31T16:30:00Z'), context).from).toEqual(
      shanghai('2026-11-01T00:00'),
    );
  });

  it('lifetime is unbounded', () => {
    expect(redemptionPeriod('lifetime', shanghai('2026-11-18T10:00'), context)).toEqual({
      from: null,
      until: null,
    });
  });
});

describe('voucher codes', () => {
  const settings = program.redemption.voucherCode;

  it('are 8 characters of the unambiguous alphabet', () => {
    const code = generateVoucherCode(
      Uint8Array.from({ length: 16 }, (_, index) => index * 7),
      settings,
    );
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    expect(code).not.toMatch(/[01OIL]/);
  });

  it('reject the bytes that would bias the alphabet (248–255 for 31 characters)', () => {
    const bytes = Uint8Array.from([248, 255, 0, 30, 31, 247, 250, 62, 1, 2, 3, 4]);
    // 0 → A, 30 → 9, 31 → A, 247 → 247 % 31 = 30 → 9, 62 → A, 1 → B, 2 → C, 3 → D.
    expect(generateVoucherCode(bytes, settings)).toBe('A9A9ABCD');
  });

  it('return null when the bytes run out, so the caller draws more', () => {
    expect(generateVoucherCode(Uint8Array.from([255, 255, 1, 2]), settings)).toBeNull();
    expect(voucherCodeByteCount(settings)).toBe(16);
  });

  it('use every character equally often over all accepted bytes', () => {
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 256; byte += 1) {
      const code = generateVoucherCode(Uint8Array.from([byte]), { length: 1, alphabet: settings.alphabet });
      if (code) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    expect(counts.size).toBe(31);
    expect(new Set(counts.values())).toEqual(new Set([8]));
  });

  it('are a pure function of the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(generateVoucherCode(bytes, settings)).toBe(
          generateVoucherCode(Uint8Array.from(bytes), settings),
        );
      }),
    );
  });
});
