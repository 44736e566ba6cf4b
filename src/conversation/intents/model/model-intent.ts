import { type IntentId, intentIds } from '../intent-id';

/**
 * What the example-based model tells apart: every intent a member starts with words (today's
 * `IntentId`s except `rate_service`, which the conversation service starts), the intents issue 15
 * adds, and `none` for gibberish, off-topic text and negations such as 「我没说要注销」, so
 * those land on a low-confidence answer instead of the nearest flow.
 */
const modelOnlyIntents = ['smalltalk', 'events', 'none'] as const;

/**
 * `my_bookings` has no examples of its own: its keywords (我的预约, 改预约, 取消预约…) route it,
 * and the model's `booking` (which learnt both) starts 预约.
 */
type WordIntent = Exclude<IntentId, 'rate_service' | 'my_bookings'>;
export type ModelIntent = WordIntent | (typeof modelOnlyIntents)[number];

export const modelIntents: readonly ModelIntent[] = [
  ...intentIds.filter((id): id is WordIntent => id !== 'rate_service' && id !== 'my_bookings'),
  ...modelOnlyIntents,
];

const known = new Set<string>(modelIntents);

export function isModelIntent(value: string): value is ModelIntent {
  return known.has(value);
}
