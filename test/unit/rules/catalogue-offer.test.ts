import { describe, expect, it } from 'vitest';
import { type CatalogueMember, catalogueOffer } from '../../../src/rules/catalogue-offer';
import { redemptionCountKey } from '../../../src/rules/redemption-count-key';
import { program, shanghai } from './builders';

const now = shanghai('2026-11-25T10:00');
const signedUpAt = shanghai('2026-01-10T09:00');
const rewards = program.catalogue.map((reward) => ({ ...reward, active: true }));

function member(overrides: Partial<CatalogueMember> = {}): CatalogueMember {
  return { tierCode: 'bronze', availablePoints: 5_500, signedUpAt, redemptionCounts: {}, ...overrides };
}

/** The chat catalogue: every active reward with what holds the member back, by the redemption check. */
describe('catalogueOffer', () => {
  it('holds back what costs more than the balance and what needs a higher tier, in catalogue order', () => {
    const offer = catalogueOffer(rewards, member(), now, program);
    expect(offer.map((reward) => [reward.id, reward.hold])).toEqual([
      ['car-wash', null],
      ['cabin-filter', { kind: 'points', missing: 500 }],
      ['wheel-alignment', { kind: 'points', missing: 2_500 }],
      ['service-coupon-50', null],
      ['car-fragrance', null],
      ['airport-transfer', { kind: 'tier', tierName: '钻石卡', top: true }],
    ]);
  });

  it('names the tier before the points (no use saving up for a reward out of reach), below the top as such', () => {
    const goldOnly = { ...rewards[0]!, id: 'gold-wash', minTier: 'gold', cost: 90_000 };
    const [hold] = catalogueOffer([goldOnly], member({ tierCode: 'silver' }), now, program);
    expect(hold?.hold).toEqual({ kind: 'tier', tierName: '金卡', top: false });
    const [reached] = catalogueOffer([goldOnly], member({ tierCode: 'diamond' }), now, program);
    expect(reached?.hold).toEqual({ kind: 'points', missing: 84_500 });
  });

  it('says sold out and a reached per-member limit, counted in the limit’s current window', () => {
    const soldOut = { ...rewards[0]!, id: 'model-car', stock: 0 };
    const monthly = {
      ...rewards[0]!,
      id: 'monthly-wash',
      perMemberLimit: { count: 1, period: 'month' as const },
    };
    const key = redemptionCountKey('monthly-wash', 'month', now, { signedUpAt, timeZone: program.timezone });
    const lastMonth = redemptionCountKey('monthly-wash', 'month', shanghai('2026-10-20T10:00'), {
      signedUpAt,
      timeZone: program.timezone,
    });
    expect(
      catalogueOffer([soldOut, monthly], member({ redemptionCounts: { [key]: 1 } }), now, program).map(
        (reward) => reward.hold,
      ),
    ).toEqual([{ kind: 'sold_out' }, { kind: 'limit', count: 1, period: 'month' }]);
    expect(
      catalogueOffer([monthly], member({ redemptionCounts: { [lastMonth]: 1 } }), now, program)[0]?.hold,
    ).toBeNull();
  });

  it('leaves out withdrawn rewards, store-only ones never (chat has no store), and tiers the program lost', () => {
    const withdrawn = { ...rewards[0]!, id: 'old', active: false };
    const storeOnly = { ...rewards[0]!, id: 'east-only', storeIds: ['east'] };
    const lostTier = { ...rewards[0]!, id: 'platinum', minTier: 'platinum' };
    expect(catalogueOffer([withdrawn, storeOnly, lostTier], member(), now, program)).toEqual([
      { id: 'east-only', name: '免费洗车', cost: 1_500, hold: null },
    ]);
  });
});
