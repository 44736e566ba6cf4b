import type { Program } from '../config/program-schema';
import { addLocalDays, type LocalDate } from '../rules/local-date';
import { localDateTimeOf, startOfLocalDay } from '../rules/zoned-time';

/**
 * How one outbound message reaches one member, decided from data and time only (no IO, no clock):
 * RULES.md §7–8 and WECHAT.md §4.
 *
 * Order of the rules (the first that applies wins):
 * 1. the member does not follow the account (or has no openid) → skip `unfollowed`;
 * 2. marketing: opted out → skip `opted_out`; no marketing consent → skip `no_consent`;
 * 3. quiet hours (21:00–09:00 local) → defer to their end. They apply to service messages too:
 *    this queue carries only proactive messages (care, campaigns; never replies in a
 *    conversation), and a follow-up or a late retry should not reach a member at 23:00 either;
 * 4. marketing caps: the month's cap reached → skip `cap_reached` (deferring to next month would
 *    deliver a campaign weeks late); the day's cap reached → defer to the end of the next day's
 *    quiet hours (09:00), or skip `cap_reached` when that is past the message's `expiresAt`;
 * 5. inside the customer-service window (last inbound less than 48 h ago, fewer than 5 CS sends
 *    since) → `send_customer_service` with the personalised text;
 * 6. outside it: a service message → `send_template` (skip `no_template` without a template);
 *    marketing → `mass_send` with the generic text (the platform delivers at most 4 mass sends a
 *    calendar month to a member: past that → skip `platform_cap`).
 *
 * A test send (`message.test`: staff checking a campaign's message on their own WeChat) is not
 * marketing to the member: after rules 1–2 it skips quiet hours and the caps and goes now, as a
 * customer-service message inside the window, else it is skipped `no_service_window` (a single
 * member cannot be reached by a mass send, and a campaign has no template).
 */
export function decideDelivery(
  message: DeliveryMessage,
  state: MemberDeliveryState,
  now: Date,
  program: DeliveryProgram,
): DeliveryDecision {
  if (!state.followed) return skip('unfollowed');
  const marketing = message.category === 'marketing';
  if (marketing && state.optedOut) return skip('opted_out');
  if (marketing && !state.marketingConsent) return skip('no_consent');
  if (message.test) {
    return insideServiceWindow(state, now)
      ? { action: 'send_customer_service', text: message.personalText }
      : skip('no_service_window');
  }

  const { quietHours, caps } = program.marketing;
  if (inQuietHours(now, quietHours, program.timezone)) {
    return deferUntil(nextLocalTime(now, quietHours.end, program.timezone), message, 'expired');
  }
  if (marketing) {
    if (state.marketingSentThisMonth >= caps.perMonth) return skip('cap_reached');
    if (state.marketingSentToday >= caps.perDay) {
      const tomorrow = addLocalDays(localDateTimeOf(now, program.timezone), 1);
      return deferUntil(atLocalTime(tomorrow, quietHours.end, program.timezone), message, 'cap_reached');
    }
  }

  if (insideServiceWindow(state, now)) {
    return { action: 'send_customer_service', text: message.personalText };
  }
  if (!marketing) {
    return message.hasTemplate ? { action: 'send_template', clientMsgId: message.key } : skip('no_template');
  }
  if (state.massSendsThisMonth >= PLATFORM_MASS_SENDS_PER_MONTH) return skip('platform_cap');
  if (message.genericText === null) return skip('no_generic_text');
  return { action: 'mass_send', text: message.genericText, clientMsgId: message.key };
}

/** WECHAT.md §4: a member's message opens a window of 48 hours for 5 customer-service messages. */
export const SERVICE_WINDOW_MS = 48 * 3_600_000;
export const SERVICE_WINDOW_SENDS = 5;
/** WECHAT.md §4: a service account's users receive at most 4 mass sends a calendar month. */
export const PLATFORM_MASS_SENDS_PER_MONTH = 4;

export type DeliveryCategory = 'service' | 'marketing';

export interface DeliveryMessage {
  /** The delivery key (`care:birthday:<member>:<year>`, `campaign:<id>:<member>`). */
  key: string;
  category: DeliveryCategory;
  kind: string;
  memberId: string;
  /** Rendered for this member (customer-service messages). */
  personalText: string;
  /** Without personal placeholders (mass sends); null when the message has none. */
  genericText: string | null;
  /** A template id is configured for it (service messages outside the window). */
  hasTemplate: boolean;
  /** After this the message is pointless (a one-day promotion); null → never. */
  expiresAt: Date | null;
  /** A staff test of a campaign: now, no quiet hours, no caps (see `decideDelivery`). */
  test?: boolean;
}

export interface MemberDeliveryState {
  followed: boolean;
  marketingConsent: boolean;
  optedOut: boolean;
  lastInboundAt: Date | null;
  /** Customer-service messages sent since `lastInboundAt`. */
  csSentSinceInbound: number;
  /** Marketing messages sent on `now`'s local day / calendar month (see `delivery-counters.ts`). */
  marketingSentToday: number;
  marketingSentThisMonth: number;
  /** Platform mass sends that reached the member in `now`'s calendar month. */
  massSendsThisMonth: number;
}

export type SkipReason =
  | 'unfollowed'
  | 'opted_out'
  | 'no_consent'
  | 'cap_reached'
  | 'platform_cap'
  | 'no_template'
  | 'no_generic_text'
  | 'expired'
  | 'window_closed'
  | 'no_service_window';

export type DeliveryDecision =
  | { action: 'send_customer_service'; text: string }
  | { action: 'send_template'; clientMsgId: string }
  | { action: 'mass_send'; text: string; clientMsgId: string }
  | { action: 'defer'; until: Date }
  | { action: 'skip'; reason: SkipReason };

export type DeliveryProgram = Pick<Program, 'timezone'> & {
  marketing: Pick<Program['marketing'], 'caps' | 'quietHours'>;
};

export function insideServiceWindow(state: MemberDeliveryState, now: Date): boolean {
  if (!state.lastInboundAt) return false;
  const age = now.getTime() - state.lastInboundAt.getTime();
  return age >= 0 && age < SERVICE_WINDOW_MS && state.csSentSinceInbound < SERVICE_WINDOW_SENDS;
}

/** From `start` (inclusive) to `end` (exclusive), wrapping past midnight when `end < start`. */
export function inQuietHours(now: Date, hours: { start: string; end: string }, timeZone: string): boolean {
  const local = localDateTimeOf(now, timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The first instant after `now` whose local time is `hhmm`. */
export function nextLocalTime(now: Date, hhmm: string, timeZone: string): Date {
  const today = atLocalTime(localDateTimeOf(now, timeZone), hhmm, timeZone);
  return today.getTime() > now.getTime()
    ? today
    : atLocalTime(addLocalDays(localDateTimeOf(now, timeZone), 1), hhmm, timeZone);
}

/** `hhmm` on a local date (minutes after local midnight; exact for zones without daylight saving). */
export function atLocalTime(date: LocalDate, hhmm: string, timeZone: string): Date {
  return new Date(startOfLocalDay(date, timeZone).getTime() + minutesOf(hhmm) * 60_000);
}

/** Defers, unless the message would be pointless by then: skipped with `reason` instead. */
function deferUntil(until: Date, message: DeliveryMessage, reason: SkipReason): DeliveryDecision {
  if (message.expiresAt && until.getTime() > message.expiresAt.getTime()) return skip(reason);
  return { action: 'defer', until };
}

function skip(reason: SkipReason): DeliveryDecision {
  return { action: 'skip', reason };
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}
