import type { ModelIntent } from './model-intent';
import type { Classification } from './train-intent-model';

export type ActionableIntent = Exclude<ModelIntent, 'none'>;

export interface DecisionThresholds {
  /** The best intent's probability must reach this to act without asking. */
  minScore: number;
  /** …and lead the runner-up by this much. */
  minMargin: number;
  /** Below this even the best real intent is too unlikely to offer as a choice. */
  minChoiceScore: number;
}

/** Chosen on the held-out examples (`npm run bench -- intents` prints what they lead to). */
export const defaultThresholds: DecisionThresholds = { minScore: 0.5, minMargin: 0.2, minChoiceScore: 0.1 };

export type IntentDecision =
  | { kind: 'intent'; intent: ActionableIntent; score: number }
  /** Ask one short question with both choices as numbers. */
  | { kind: 'clarify'; choices: [ActionableIntent, ActionableIntent] }
  /** Gibberish, off-topic or a negation: offer the closest two intents and 人工, never a dead end. */
  | { kind: 'not_understood'; closest: [ActionableIntent, ActionableIntent] };

/**
 * What to do with a classified message: act on a clear intent, ask between the two likeliest when
 * the model is unsure or two intents are close, and answer "not understood" when the likeliest
 * reading is `none` or no real intent is likely enough to offer.
 */
export function decideIntent(
  classification: Classification,
  thresholds: DecisionThresholds = defaultThresholds,
): IntentDecision {
  const { top, margin } = classification;
  const real = classification.ranked.filter(
    (entry): entry is { intent: ActionableIntent; score: number } => entry.intent !== 'none',
  );
  const first = real[0];
  const second = real[1];
  if (!first || !second) throw new Error('decideIntent: the model knows fewer than two intents');
  const pair: [ActionableIntent, ActionableIntent] = [first.intent, second.intent];
  if (top.intent === 'none' || first.score < thresholds.minChoiceScore) {
    return { kind: 'not_understood', closest: pair };
  }
  if (top.score >= thresholds.minScore && margin >= thresholds.minMargin) {
    return { kind: 'intent', intent: first.intent, score: first.score };
  }
  return { kind: 'clarify', choices: pair };
}
