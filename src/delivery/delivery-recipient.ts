import type { MemberDeliveryState } from './policy';

/**
 * Where a delivery goes: the member's own WeChat account, or — for a service notice about the
 * member to an account that is no longer theirs (`recipientOpenid`, the old account after a
 * re-bind) — that account. Pure.
 */
export function recipientOf(
  record: { recipientOpenid?: string | null },
  member: { openid: string | null },
): { openid: string; own: boolean } {
  if (record.recipientOpenid) return { openid: record.recipientOpenid, own: false };
  return { openid: member.openid ?? '', own: true };
}

/**
 * The delivery state the policy decides on for another account: we keep no window or counts for
 * it, so quiet hours still apply, and the send is tried as a customer-service message (WeChat
 * refuses it outside that account's 48-hour window: then the template, when there is one). Only
 * service notices go to other accounts, so consent and caps play no part.
 */
export function otherAccountState(now: Date): MemberDeliveryState {
  return {
    followed: true,
    marketingConsent: false,
    optedOut: false,
    lastInboundAt: now,
    csSentSinceInbound: 0,
    marketingSentToday: 0,
    marketingSentThisMonth: 0,
    massSendsThisMonth: 0,
  };
}
