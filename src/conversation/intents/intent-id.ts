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
  /** The program's stores: address, phone and opening hours. */
  'stores',
  /** 投诉: recorded with the member's recent messages; the store is alerted and calls back. */
  'complaint',
  /** A question about the program (tiers, earning, expiry…), answered with its numbers. */
  'program_faq',
  /** 预约: book a service slot in chat. */
  'booking',
  /** 我的预约: the member's open bookings, to move or cancel (reached by its keywords). */
  'my_bookings',
  /** The tier's benefits and what is left of them this membership year. */
  'benefits',
] as const;

export type IntentId = (typeof intentIds)[number];
