import type { IntentId } from '../intent-id';

/**
 * What the example-based model tells apart: every intent a member starts with words (today's
 * `IntentId`s except `rate_service`, which the conversation service starts), the intents issue 15
 * adds, and `none` for gibberish, off-topic text and negations such as 「我没说要注销」, so
 * those land on a low-confidence answer instead of the nearest flow.
 */
export const modelIntents = [
  'balance',
  'history',
  'why',
  'redeem',
  'referral',
  'my_car',
  'missing_points',
  'unsubscribe',
  'subscribe',
  'erase',
  'help',
  'human',
  'signup',
  'my_vouchers',
  'benefits',
  'stores',
  'complaint',
  'smalltalk',
  'program_faq',
  'booking',
  'events',
  'none',
] as const;

export type ModelIntent = (typeof modelIntents)[number];

/** Compile-time guard: an intent added to `intentIds` must be added here too (or this fails). */
type Unmodelled = Exclude<IntentId, ModelIntent | 'rate_service'>;
const everyIntentModelled: Unmodelled extends never ? true : Unmodelled = true;
void everyIntentModelled;

const known = new Set<string>(modelIntents);

export function isModelIntent(value: string): value is ModelIntent {
  return known.has(value);
}
