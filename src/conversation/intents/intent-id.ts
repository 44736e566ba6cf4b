/** What a member can ask for; flows are registered by intent (see `flows/index.ts`). */
export const intentIds = [
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
  /** Answering a post-service rating question; started by the conversation service, not by words. */
  'rate_service',
  'signup',
  /** The member's open vouchers: code, name, expiry. */
  'my_vouchers',
  /** The program's stores: phone and opening hours. */
  'stores',
  /** The tier's benefits and what is left of them this membership year. */
  'benefits',
] as const;

export type IntentId = (typeof intentIds)[number];
