import type { Program } from '../config/program-schema';
import { isBirthday, type MonthDay } from './is-birthday';
import type { LocalDate } from './local-date';

/** A campaign's double-points window (RULES.md §8), passed in as data by the caller. */
export interface CampaignWindow {
  readonly id: string;
  readonly name: string;
  readonly multiplierMilli: number;
  readonly startsAt: Date;
  /** Exclusive: the window is active while `startsAt <= at < endsAt`. */
  readonly endsAt: Date;
}

export type PromotionKind = 'member_day' | 'birthday' | 'campaign';

export interface AppliedPromotion {
  readonly kind: PromotionKind;
  readonly name: string;
  readonly multiplierMilli: number;
  /** The campaign's id; null for member day and birthday. */
  readonly campaignId: string | null;
}

export interface PromotionContext {
  /** The transaction's instant (for campaign windows) and its local date (for the calendar days). */
  readonly at: Date;
  readonly localDate: LocalDate;
  readonly birthday: MonthDay | null;
  readonly campaigns: readonly CampaignWindow[];
}

const NEUTRAL_MILLI = 1000;

/**
 * The one promotion that applies to a transaction (RULES.md §2): promotions do not stack, the
 * highest multiplier wins. A promotion of ×1 or less is ignored (it would not promote anything and
 * would only clutter the explanation). On a tie the more personal one is named: birthday, then
 * member day, then campaigns in the order given.
 */
export function highestPromotion(
  context: PromotionContext,
  promotions: Program['promotions'],
  feb29On: 'feb28' | 'mar1',
): AppliedPromotion | null {
  let best: AppliedPromotion | null = null;
  const { birthday, memberDay } = promotions;
  if (birthday.enabled && context.birthday && isBirthday(context.birthday, context.localDate, feb29On)) {
    best = better(best, {
      kind: 'birthday',
      name: birthday.name,
      multiplierMilli: birthday.multiplierMilli,
      campaignId: null,
    });
  }
  if (memberDay.enabled && context.localDate.day === memberDay.dayOfMonth) {
    best = better(best, {
      kind: 'member_day',
      name: memberDay.name,
      multiplierMilli: memberDay.multiplierMilli,
      campaignId: null,
    });
  }
  const atMs = context.at.getTime();
  for (const campaign of context.campaigns) {
    if (campaign.startsAt.getTime() <= atMs && atMs < campaign.endsAt.getTime()) {
      best = better(best, {
        kind: 'campaign',
        name: campaign.name,
        multiplierMilli: campaign.multiplierMilli,
        campaignId: campaign.id,
      });
    }
  }
  return best;
}

/** The candidate if it beats the best so far; on a tie the earlier (more personal) one stays. */
function better(best: AppliedPromotion | null, candidate: AppliedPromotion): AppliedPromotion | null {
  if (candidate.multiplierMilli <= NEUTRAL_MILLI) return best;
  return best === null || candidate.multiplierMilli > best.multiplierMilli ? candidate : best;
}
