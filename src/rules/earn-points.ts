import type { Program } from '../config/program-schema';
import { type AppliedPromotion, type CampaignWindow, highestPromotion } from './active-promotion';
import { tierByCode } from './compute-tier';
import { exactDecimal, floorMulDiv, toSafeNumber } from './exact-decimal';
import type { MonthDay } from './is-birthday';
import { lotExpiresAt } from './lot-expiry';
import { localDateOf } from './zoned-time';

export interface EarnInput {
  /** What the member actually paid, in fen. */
  readonly amountFen: number;
  readonly category: string;
  readonly occurredAt: Date;
  /** The member's tier when the transaction happened (before any upgrade it causes). */
  readonly tierCode: string;
  readonly birthday: MonthDay | null;
  /** Campaign windows to consider; the ones not active at `occurredAt` are ignored. */
  readonly campaigns: readonly CampaignWindow[];
  /**
   * True when the member has no earlier transaction since sign-up. A refunded transaction still
   * counts as earlier, so the bonus is given once and cannot be farmed by buy-and-refund.
   */
  readonly isFirstTransaction: boolean;
}

/** Everything needed to explain an earning later in plain words; kept with the ledger entry. */
export interface EarnBreakdown {
  readonly amountFen: number;
  readonly category: string;
  readonly categoryName: string;
  readonly rateMilli: number;
  /** amount in yuan × rate, exact (`"1234.56"`). */
  readonly basePointsExact: string;
  readonly tierCode: string;
  readonly tierName: string;
  readonly tierMultiplierMilli: number;
  readonly promotion: AppliedPromotion | null;
  /** base × tier × promotion before the floor (`"2962.944"`). */
  readonly exactPoints: string;
  /** `exactPoints` floored: the spending points. */
  readonly points: number;
  readonly firstTransactionBonus: { readonly percent: number; readonly points: number } | null;
  /** points + first-transaction bonus: what the member is credited. */
  readonly total: number;
  readonly expiresAt: Date;
  /** Null when the points are spendable at once. */
  readonly pendingUntil: Date | null;
}

export type EarnDecision =
  | {
      readonly ok: true;
      /** Credited in total, bonus included. */
      readonly points: number;
      /**
       * Counted toward tiers: the spending points after multipliers, without the first-transaction
       * bonus, which RULES.md §1 counts among bonus points ("bonus … points do not qualify").
       */
      readonly qualifyingPoints: number;
      readonly pendingUntil: Date | null;
      readonly expiresAt: Date;
      readonly breakdown: EarnBreakdown;
    }
  | { readonly ok: false; readonly reason: 'unknown_category'; readonly category: string };

const DAY_MS = 86_400_000;
// points = fen/100 × rate/1000 × tier/1000 × promotion/1000, so the exact numerator is over 10^11.
const POINTS_SCALE = 11;
const POINTS_DIVISOR = 10 ** POINTS_SCALE;
const BASE_SCALE = 5;

/**
 * Points earned by one transaction (RULES.md §2):
 * `floor(base × tier multiplier × highest promotion)`, floored once at the end, plus the
 * first-transaction bonus (`floor(points × percent / 100)`) on the member's first transaction.
 *
 * Exact: the product is formed in integers (with `bigint` when it passes 2^53, e.g. a ¥5,000,000
 * vehicle at a high rate) and divided once.
 *
 * Pending categories: the points are pending for `pendingDays × 24 h` after `occurredAt`, and the
 * lot's expiry counts from the end of that period, when it is activated.
 */
export function earnPoints(input: EarnInput, program: Program): EarnDecision {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 0) {
    throw new RangeError(`amountFen must be a non-negative integer, got ${input.amountFen}`);
  }
  const category = program.categories[input.category];
  if (!category) return { ok: false, reason: 'unknown_category', category: input.category };
  const tier = tierByCode(input.tierCode, program);
  const promotion = highestPromotion(
    {
      at: input.occurredAt,
      localDate: localDateOf(input.occurredAt, program.timezone),
      birthday: input.birthday,
      campaigns: input.campaigns,
    },
    program.promotions,
    program.care.birthday.feb29On,
  );
  const promotionMilli = promotion?.multiplierMilli ?? 1000;

  const base = input.amountFen * category.rateMilli;
  const product = base * tier.multiplierMilli * promotionMilli;
  let points: number;
  let exactPoints: string;
  if (Number.isSafeInteger(product)) {
    // Every factor is a non-negative integer, so a safe final product means every step was exact.
    points = (product - (product % POINTS_DIVISOR)) / POINTS_DIVISOR;
    exactPoints = exactDecimal(product, POINTS_SCALE);
  } else {
    const exact =
      BigInt(input.amountFen) *
      BigInt(category.rateMilli) *
      BigInt(tier.multiplierMilli) *
      BigInt(promotionMilli);
    points = toSafeNumber(exact / BigInt(POINTS_DIVISOR));
    exactPoints = exactDecimal(exact, POINTS_SCALE);
  }
  const basePointsExact = Number.isSafeInteger(base)
    ? exactDecimal(base, BASE_SCALE)
    : exactDecimal(BigInt(input.amountFen) * BigInt(category.rateMilli), BASE_SCALE);

  const bonusPercent = program.firstTransactionBonus.percent;
  const firstTransactionBonus =
    input.isFirstTransaction && bonusPercent > 0
      ? { percent: bonusPercent, points: floorMulDiv(points, bonusPercent, 100) }
      : null;
  const total = points + (firstTransactionBonus?.points ?? 0);

  const pendingUntil =
    category.pendingDays > 0 ? new Date(input.occurredAt.getTime() + category.pendingDays * DAY_MS) : null;
  const expiresAt = lotExpiresAt(pendingUntil ?? input.occurredAt, program);

  return {
    ok: true,
    points: total,
    qualifyingPoints: points,
    pendingUntil,
    expiresAt,
    breakdown: {
      amountFen: input.amountFen,
      category: input.category,
      categoryName: category.name,
      rateMilli: category.rateMilli,
      basePointsExact,
      tierCode: tier.code,
      tierName: tier.name,
      tierMultiplierMilli: tier.multiplierMilli,
      promotion,
      exactPoints,
      points,
      firstTransactionBonus,
      total,
      expiresAt,
      pendingUntil,
    },
  };
}
