/** Who a campaign goes to (RULES.md §8): every field is optional and they combine with AND. */
export interface CampaignAudience {
  /** Tier codes (any of). */
  tiers: string[] | null;
  /** Member tags (any of). */
  tags: string[] | null;
  /** 1–12. */
  birthdayMonth: number | null;
  lastVisitBefore: Date | null;
  lastVisitAfter: Date | null;
  /** A vehicle model (exact, any of the member's vehicles). */
  vehicleModel: string | null;
  /** Available balance range, inclusive; checked in the fan-out (the balance is derived, not indexed). */
  minPoints: number | null;
  maxPoints: number | null;
  signedUpAfter: Date | null;
  signedUpBefore: Date | null;
}

/** The member fields a campaign page needs (projection of the fan-out and preview cursors). */
export const audienceProjection = {
  _id: 1,
  name: 1,
  tier: 1,
  account: 1,
  marketingConsent: 1,
  marketingOptOut: 1,
  recentOps: 1,
} as const;

/**
 * The indexable part of an audience as a MongoDB filter on `members` (active members only). The
 * points balance is derived from the embedded lots at a given moment, so it is not part of the
 * query: `inPointsRange` checks it on each member the cursor returns.
 */
export function audienceQuery(audience: CampaignAudience): Record<string, unknown> {
  const query: Record<string, unknown> = { status: 'active' };
  if (audience.tiers?.length) query['tier.tierCode'] = { $in: audience.tiers };
  if (audience.tags?.length) query.tags = { $in: audience.tags };
  if (audience.birthdayMonth !== null) query['birthday.month'] = audience.birthdayMonth;
  if (audience.vehicleModel !== null) query['vehicles.model'] = audience.vehicleModel;
  const lastVisit = range(audience.lastVisitAfter, audience.lastVisitBefore);
  if (lastVisit) query.lastVisitAt = lastVisit;
  const signedUp = range(audience.signedUpAfter, audience.signedUpBefore);
  if (signedUp) query.signedUpAt = signedUp;
  return query;
}

/** `after` inclusive, `before` exclusive. */
function range(after: Date | null, before: Date | null): Record<string, Date> | null {
  if (after === null && before === null) return null;
  return { ...(after ? { $gte: after } : {}), ...(before ? { $lt: before } : {}) };
}

/** The balance part of the audience (inclusive bounds). */
export function inPointsRange(audience: CampaignAudience, balance: number): boolean {
  if (audience.minPoints !== null && balance < audience.minPoints) return false;
  if (audience.maxPoints !== null && balance > audience.maxPoints) return false;
  return true;
}

/**
 * A member of the audience who may receive marketing (RULES.md §8: consent given, not opted out).
 * Only they are recipients: they get the bonus points and count in the liability; the others are
 * still handed to delivery, whose policy records them as skipped with the reason.
 */
export function isCampaignRecipient(member: {
  marketingConsent: boolean;
  marketingOptOut: boolean;
}): boolean {
  return member.marketingConsent && !member.marketingOptOut;
}
