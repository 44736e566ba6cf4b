import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyQualifyingPoints } from '../../../src/rules/apply-qualifying-points';
import { computeTier } from '../../../src/rules/compute-tier';
import { reviewTier } from '../../../src/rules/tier-review';
import { initialTierState, type TierState } from '../../../src/rules/tier-state';
import { program, programWith, shanghai } from './builders';

const signedUpAt = shanghai('2026-03-14T10:00');

function state(overrides: Partial<TierState> = {}): TierState {
  return { ...initialTierState(signedUpAt, program), ...overrides };
}

describe('computeTier: the highest threshold reached', () => {
  it.each([
    [0, 'bronze'],
    [9_999, 'bronze'],
    [10_000, 'silver'],
    [29_999, 'silver'],
    [30_000, 'gold'],
    [79_999, 'gold'],
    [80_000, 'diamond'],
    [10_000_000, 'diamond'],
  ])('%d qualifying points → %s', (points, code) => {
    expect(computeTier(points, program).code).toBe(code);
  });
});

describe('a new member', () => {
  it('starts in Bronze with 2 free maintenance services and a year from the local sign-up day', () => {
    expect(initialTierState(new Date('2026-03-13T16:30:00Z'), program)).toEqual({
      tierCode: 'bronze',
      yearStart: '2026-03-14',
      qualifyingPoints: 0,
      freeMaintenanceAllowance: 2,
      freeMaintenanceUsed: 0,
    });
  });
});

describe('upgrade at once when the year’s qualifying points reach a higher threshold', () => {
  it('Bronze → Silver at 10,000, topping free maintenance up to 3', () => {
    const result = applyQualifyingPoints(
      state({ qualifyingPoints: 9_000, freeMaintenanceUsed: 2 }),
      1_000,
      program,
    );
    expect(result.upgrade).toEqual({ from: 'bronze', to: 'silver', freeMaintenanceTopUp: 1 });
    expect(result.state).toMatchObject({
      tierCode: 'silver',
      qualifyingPoints: 10_000,
      freeMaintenanceAllowance: 3,
      freeMaintenanceUsed: 2,
    });
  });

  it('one big transaction can skip tiers: Bronze → Diamond, top-up 3', () => {
    const result = applyQualifyingPoints(state(), 85_000, program);
    expect(result.upgrade).toEqual({ from: 'bronze', to: 'diamond', freeMaintenanceTopUp: 3 });
    expect(result.state.freeMaintenanceAllowance).toBe(5);
  });

  it('no upgrade below the next threshold', () => {
    expect(applyQualifyingPoints(state({ qualifyingPoints: 5_000 }), 4_999, program).upgrade).toBeNull();
  });

  it('refunds lower the points, never below 0, and never the tier', () => {
    const silver = state({ tierCode: 'silver', qualifyingPoints: 10_500, freeMaintenanceAllowance: 3 });
    const lowered = applyQualifyingPoints(silver, -3_000, program);
    expect(lowered).toEqual({ state: { ...silver, qualifyingPoints: 7_500 }, upgrade: null });
    expect(applyQualifyingPoints(silver, -20_000, program).state.qualifyingPoints).toBe(0);
  });

  it('after a refund, points must reach the threshold again to upgrade further', () => {
    const gold = applyQualifyingPoints(
      state({ tierCode: 'silver', qualifyingPoints: 29_000, freeMaintenanceAllowance: 3 }),
      -1_000,
      program,
    );
    expect(applyQualifyingPoints(gold.state, 1_999, program).upgrade).toBeNull();
    expect(applyQualifyingPoints(gold.state, 2_000, program).upgrade?.to).toBe('gold');
  });

  it('the tier never goes down and points never go negative, whatever the changes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50_000, max: 50_000 }), { maxLength: 30 }), (changes) => {
        let current = state();
        let highest = 0;
        for (const change of changes) {
          current = applyQualifyingPoints(current, change, program).state;
          const index = program.tiers.findIndex((tier) => tier.code === current.tierCode);
          expect(index).toBeGreaterThanOrEqual(highest);
          highest = index;
          expect(current.qualifyingPoints).toBeGreaterThanOrEqual(0);
          expect(current.freeMaintenanceAllowance).toBe(program.tiers[index]!.freeMaintenancePerYear);
        }
      }),
    );
  });
});

describe('annual review on the anniversary: at most one level down', () => {
  const anniversary = shanghai('2027-03-14T00:30');

  it.each([
    ['diamond', 0, 'gold', 'down'],
    ['diamond', 50_000, 'gold', 'down'],
    ['diamond', 80_000, 'diamond', 'same'],
    ['gold', 0, 'silver', 'down'],
    ['gold', 30_000, 'gold', 'same'],
    ['silver', 0, 'bronze', 'down'],
    ['silver', 12_000, 'silver', 'same'],
    ['bronze', 0, 'bronze', 'same'],
    ['silver', 35_000, 'gold', 'up'],
  ])('%s with %d points → %s (%s)', (tierCode, qualifyingPoints, to, change) => {
    const result = reviewTier(
      state({ tierCode, qualifyingPoints, freeMaintenanceUsed: 1 }),
      signedUpAt,
      anniversary,
      program,
    );
    expect(result.reviews).toEqual([
      { yearStart: '2026-03-14', qualifyingPoints, from: tierCode, to, change },
    ]);
    const tier = program.tiers.find((candidate) => candidate.code === to)!;
    expect(result.state).toEqual({
      tierCode: to,
      yearStart: '2027-03-14',
      qualifyingPoints: 0,
      freeMaintenanceAllowance: tier.freeMaintenancePerYear,
      freeMaintenanceUsed: 0,
    });
  });

  it('does nothing before the anniversary, and nothing the second time', () => {
    const diamond = state({ tierCode: 'diamond', qualifyingPoints: 100 });
    expect(reviewTier(diamond, signedUpAt, shanghai('2027-03-13T23:59'), program)).toEqual({
      state: diamond,
      reviews: [],
    });
    const once = reviewTier(diamond, signedUpAt, anniversary, program);
    expect(reviewTier(once.state, signedUpAt, shanghai('2027-03-15T00:30'), program)).toEqual({
      state: once.state,
      reviews: [],
    });
  });

  it('catches up year by year: Diamond absent for three years ends in Bronze', () => {
    const result = reviewTier(
      state({ tierCode: 'diamond', qualifyingPoints: 0 }),
      signedUpAt,
      shanghai('2029-06-01T00:30'),
      program,
    );
    expect(result.reviews.map((review) => [review.yearStart, review.to])).toEqual([
      ['2026-03-14', 'gold'],
      ['2027-03-14', 'silver'],
      ['2028-03-14', 'bronze'],
    ]);
    expect(result.state.yearStart).toBe('2029-03-14');
  });

  it('follows tierReview.maxLevelsDown', () => {
    const twoDown = programWith({ tierReview: { maxLevelsDown: 2 } });
    expect(reviewTier(state({ tierCode: 'diamond' }), signedUpAt, anniversary, twoDown).state.tierCode).toBe(
      'silver',
    );
    const none = programWith({ tierReview: { maxLevelsDown: 0 } });
    expect(reviewTier(state({ tierCode: 'diamond' }), signedUpAt, anniversary, none).state.tierCode).toBe(
      'diamond',
    );
  });

  it('a 29 February sign-up is reviewed on 28 February in common years', () => {
    const leap = shanghai('2028-02-29T10:00');
    const start = { ...initialTierState(leap, program), tierCode: 'gold' };
    expect(reviewTier(start, leap, shanghai('2029-02-27T23:00'), program).reviews).toEqual([]);
    const reviewed = reviewTier(start, leap, shanghai('2029-02-28T00:30'), program);
    expect(reviewed.state).toMatchObject({ tierCode: 'silver', yearStart: '2029-02-28' });
  });
});
