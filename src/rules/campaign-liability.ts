import { pointsToFen } from './points-to-fen';

/**
 * What a campaign may cost in points, in fen (100 points = ¥1 by default; `pointsPerYuan`).
 * - bonus: every recipient gets `bonusPoints` once → recipients × bonus ÷ pointsPerYuan yuan;
 * - window: a simple estimate of the extra points a promotion window makes members earn: the
 *   points the program earned over a recent reference period, scaled to the window's length, times
 *   the multiplier's extra part (×1.5 → 0.5). It ignores that a member day or birthday inside the
 *   window would have promoted some of those points anyway (so it errs high, the safe side).
 */
export interface CampaignLiabilityInput {
  readonly recipients: number;
  readonly bonusPoints: number;
  readonly pointsPerYuan: number;
  readonly window: {
    readonly multiplierMilli: number;
    readonly durationMs: number;
    /** Points earned (type `earn`) during the reference period. */
    readonly referenceEarnedPoints: number;
    readonly referencePeriodMs: number;
  } | null;
}

export interface CampaignLiability {
  readonly bonusPoints: number;
  readonly bonusFen: number;
  readonly windowExtraPoints: number;
  readonly windowExtraFen: number;
  readonly totalFen: number;
}

export function campaignLiability(input: CampaignLiabilityInput): CampaignLiability {
  const bonusPoints = input.recipients * input.bonusPoints;
  let windowExtraPoints = 0;
  const window = input.window;
  if (window && window.referencePeriodMs > 0 && window.multiplierMilli > 1000) {
    // Integer arithmetic on thousandths; floor once at the end.
    windowExtraPoints = Math.floor(
      (window.referenceEarnedPoints * window.durationMs * (window.multiplierMilli - 1000)) /
        (window.referencePeriodMs * 1000),
    );
  }
  const toFen = (points: number) => pointsToFen(points, input.pointsPerYuan);
  const bonusFen = toFen(bonusPoints);
  const windowExtraFen = toFen(windowExtraPoints);
  return { bonusPoints, bonusFen, windowExtraPoints, windowExtraFen, totalFen: bonusFen + windowExtraFen };
}
