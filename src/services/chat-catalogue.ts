import type { EffectResults } from '../conversation/effect';
import type { MemberRecord } from '../data/models/member-model';
import { catalogueOffer } from '../rules/catalogue-offer';
import { tierByCode } from '../rules/compute-tier';
import { bringUpToDate } from '../rules/member-standing';
import { availableBalance } from '../rules/points-account';
import type { Services } from './services';

/**
 * The 积分兑换 catalogue for a member at `now`: the active rewards, each with what holds the member
 * back (points, tier, stock, the per-member limit), judged on the member brought up to date the
 * way a redemption judges them, so what the list offers is what `redeem` accepts.
 */
export async function chatCatalogue(
  services: Pick<Services, 'program' | 'rewards'>,
  member: MemberRecord,
  now: Date,
): Promise<EffectResults['load_catalogue']> {
  const program = services.program.current();
  const standing = bringUpToDate(member, now, program);
  const available = availableBalance(standing.account, now);
  const { tierCode } = standing.tier;
  const rewards = await services.rewards.list({ activeOnly: true });
  return {
    available,
    tierName: tierByCode(tierCode, program).name,
    rewards: catalogueOffer(
      rewards,
      {
        tierCode,
        availablePoints: available,
        signedUpAt: member.signedUpAt,
        redemptionCounts: member.redemptionCounts,
      },
      now,
      program,
    ),
  };
}
