import type { IntentId } from './intent-id';
import { type DecisionThresholds, decideIntent, defaultThresholds } from './model/decide-intent';
import type { ModelIntent } from './model/model-intent';
import type { Classification } from './model/train-intent-model';

/** What the runtime does with a model intent: a flow's intent, or a short friendly reply. */
export type RoutedIntent = IntentId | 'smalltalk';

/**
 * Model intents without a flow of their own go to the closest answer the assistant has:
 * 活动 → 人工 (the store knows its events). Nothing dead-ends.
 */
const ROUTE: Record<Exclude<ModelIntent, 'none'>, RoutedIntent> = {
  balance: 'balance',
  history: 'history',
  why: 'why',
  redeem: 'redeem',
  referral: 'referral',
  my_car: 'my_car',
  missing_points: 'missing_points',
  unsubscribe: 'unsubscribe',
  subscribe: 'subscribe',
  erase: 'erase',
  help: 'help',
  human: 'human',
  signup: 'signup',
  my_vouchers: 'my_vouchers',
  stores: 'stores',
  smalltalk: 'smalltalk',
  benefits: 'benefits',
  program_faq: 'program_faq',
  complaint: 'complaint',
  booking: 'booking',
  events: 'human',
};

export type Understanding =
  | { kind: 'intent'; intent: RoutedIntent }
  /** Two readings are close: ask which, as numbers. */
  | { kind: 'clarify'; choices: [IntentId, IntentId] }
  /** Not understood: offer the closest two (and 人工). */
  | { kind: 'not_understood'; closest: [IntentId, IntentId] };

/** As a numbered choice, small talk is the menu. */
const asChoice = (intent: RoutedIntent): IntentId => (intent === 'smalltalk' ? 'help' : intent);

/**
 * The model's verdict on a message, in routes the runtime can take (pure). Choices are distinct
 * and never 人工 itself (the not-understood answer always offers 人工 apart).
 */
export function understandMessage(
  classification: Classification,
  thresholds: DecisionThresholds = defaultThresholds,
): Understanding {
  const decision = decideIntent(classification, thresholds);
  if (decision.kind === 'intent') return { kind: 'intent', intent: ROUTE[decision.intent] };
  const ranked: IntentId[] = [];
  for (const { intent } of classification.ranked) {
    if (intent === 'none') continue;
    const choice = asChoice(ROUTE[intent]);
    if (!ranked.includes(choice)) ranked.push(choice);
  }
  if (decision.kind === 'clarify') {
    const [first, second] = decision.choices.map((intent) => asChoice(ROUTE[intent]));
    if (first === second) return { kind: 'intent', intent: ROUTE[decision.choices[0]] };
    return { kind: 'clarify', choices: [first!, second!] };
  }
  const offered = ranked.filter((intent) => intent !== 'human');
  return { kind: 'not_understood', closest: [offered[0]!, offered[1]!] };
}

/** Only this sure of another intent does a message inside a flow leave it (see `runStep`). */
export const LEAVE_FLOW_SCORE = 0.8;
