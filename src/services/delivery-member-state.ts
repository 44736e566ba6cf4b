import type { Program } from '../config/program-schema';
import type { DeliveryRecord } from '../data/models/delivery-model';
import type { DeliveryStateRecord } from '../data/models/delivery-state-model';
import type { MemberRecord } from '../data/models/member-model';
import { countsWithout, currentCounts, type MarketingReservation } from '../delivery/delivery-counters';
import type { MemberDeliveryState } from '../delivery/policy';
import type { RenderValues } from '../delivery/render-message';
import { availableBalance } from '../rules/points-account';

/** What the delivery policy reads of a member: following, consent, the window and the counts. */
export function memberState(
  member: MemberRecord,
  state: DeliveryStateRecord | null,
  own: MarketingReservation | null,
  now: Date,
  program: Program,
): MemberDeliveryState {
  return {
    followed: member.openid !== null && !state?.unfollowedAt,
    marketingConsent: member.marketingConsent,
    optedOut: member.marketingOptOut,
    lastInboundAt: state?.lastInboundAt ?? null,
    csSentSinceInbound: state?.csSentSinceInbound ?? 0,
    ...countsWithout(currentCounts(state, now, program.timezone), own, now, program.timezone),
  };
}

/** The values a message is rendered with for this member at `now`. */
export function renderValues(
  member: MemberRecord,
  record: DeliveryRecord,
  now: Date,
  program: Program,
): RenderValues {
  return {
    name: member.name,
    tierName: program.tiers.find((tier) => tier.code === member.tier.tierCode)?.name ?? null,
    points: availableBalance(member.account, now),
    expiringPoints: record.values.expiringPoints,
    date: record.values.date,
  };
}
