import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benefitYear } from '../../../src/benefits/benefit-year';
import { decideBenefitUndo, decideBenefitUse } from '../../../src/benefits/decide-benefit-use';
import { decideFreeMaintenanceChoice } from '../../../src/benefits/decide-free-maintenance-choice';
import { tierBenefits } from '../../../src/benefits/tier-benefits';
import { defaultProgram } from '../../../src/config/default-program';
import type { TierState } from '../../../src/rules/tier-state';

const tier = (fields: Partial<TierState> = {}): TierState => ({
  tierCode: 'bronze',
  yearStart: '2026-03-01',
  qualifyingPoints: 0,
  freeMaintenanceAllowance: 2,
  freeMaintenanceUsed: 0,
  ...fields,
});

describe('decideBenefitUse', () => {
  it('counts one use, refuses when none are left or the year has ended', () => {
    expect(decideBenefitUse(tier(), '2026-03-01')).toMatchObject({
      ok: true,
      tier: { freeMaintenanceUsed: 1 },
      count: { allowance: 2, used: 1, left: 1 },
    });
    expect(decideBenefitUse(tier({ freeMaintenanceUsed: 2 }), '2026-03-01')).toEqual({
      ok: false,
      reason: 'none_left',
      count: { allowance: 2, used: 2, left: 0 },
    });
    expect(decideBenefitUse(tier(), '2025-03-01')).toMatchObject({ ok: false, reason: 'year_ended' });
  });

  it('never passes the allowance however many uses are tried; undo(use) restores the count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 30 }), (allowance, tries) => {
        let state = tier({ freeMaintenanceAllowance: allowance });
        let granted = 0;
        for (let i = 0; i < tries; i++) {
          const decision = decideBenefitUse(state, state.yearStart);
          if (!decision.ok) continue;
          state = decision.tier;
          granted++;
          const undone = decideBenefitUndo(state, state.yearStart);
          expect(undone.ok && undone.tier.freeMaintenanceUsed).toBe(state.freeMaintenanceUsed - 1);
        }
        expect(granted).toBe(Math.min(allowance, tries));
        expect(state.freeMaintenanceUsed).toBeLessThanOrEqual(allowance);
      }),
    );
  });

  it('an undo is refused once the membership year has ended', () => {
    expect(decideBenefitUndo(tier({ freeMaintenanceUsed: 1 }), '2025-03-01')).toMatchObject({
      ok: false,
      reason: 'year_ended',
    });
  });
});

describe('benefitYear', () => {
  const member = {
    signedUpAt: new Date('2025-03-01T10:00:00+08:00'),
    tier: tier({ yearStart: '2025-03-01', freeMaintenanceUsed: 2 }),
  };
  it('keeps the count within the year and restarts it at the anniversary', () => {
    expect(benefitYear(member, new Date('2026-02-28T23:00:00+08:00'), defaultProgram)).toMatchObject({
      yearStart: '2025-03-01',
      yearEnd: '2026-02-28',
      freeMaintenance: { allowance: 2, used: 2, left: 0 },
    });
    expect(benefitYear(member, new Date('2026-03-01T00:10:00+08:00'), defaultProgram)).toMatchObject({
      yearStart: '2026-03-01',
      yearEnd: '2027-02-28',
      freeMaintenance: { allowance: 2, used: 0, left: 2 },
    });
  });
});

describe('decideFreeMaintenanceChoice', () => {
  const services = defaultProgram.bookings!.services;
  it.each([
    ['maintenance', 1, true, null],
    ['repair', 1, false, 'free_maintenance_not_allowed'],
    ['maintenance', 0, false, 'no_free_maintenance_left'],
  ] as const)('%s with %i left → %s', (serviceId, left, ok, reason) => {
    const choice = decideFreeMaintenanceChoice(services, serviceId, { allowance: 2, used: 2 - left, left });
    expect(choice.ok).toBe(ok);
    if (!choice.ok) expect(choice.reason).toBe(reason);
  });
});

describe('tierBenefits', () => {
  it('reads the tier: discount, birthday gift, personal advisor', () => {
    const count = { allowance: 5, used: 1, left: 4 };
    expect(tierBenefits(defaultProgram, 'diamond', count)).toEqual({
      tierName: '钻石卡',
      freeMaintenance: count,
      serviceDiscountZhe: 8,
      birthdayGift: '生日礼遇券',
      personalAdvisor: true,
    });
    expect(tierBenefits(defaultProgram, 'bronze', count)).toMatchObject({
      serviceDiscountZhe: 9.5,
      birthdayGift: null,
      personalAdvisor: false,
    });
  });
});
