import type { BindingRecord } from '../data/models/member-model';

/** Re-binds of one membership within this many days beyond the first alert staff. */
export const REBIND_ALERT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * What binding `newOpenidHash` to a member whose current account is `oldOpenidHash` records, PURE:
 * a take-over from another WeChat (`rebind`), or a bind after an unfollow or of a member created
 * without WeChat (`relink`). Null when that account is already the member's.
 */
export function bindingChange(
  oldOpenidHash: string | null,
  newOpenidHash: string,
  facts: { id: string; at: Date; channel: string },
): BindingRecord | null {
  if (oldOpenidHash === newOpenidHash) return null;
  return {
    id: facts.id,
    at: facts.at,
    action: 'bind',
    reason: oldOpenidHash ? 'rebind' : 'relink',
    channel: facts.channel,
    oldOpenidHash,
    newOpenidHash,
  };
}

/** Re-binds (take-overs) recorded in the 30 days up to `now`. */
export function recentRebinds(bindings: readonly BindingRecord[], now: Date): BindingRecord[] {
  const since = now.getTime() - REBIND_ALERT_WINDOW_DAYS * DAY_MS;
  return bindings.filter(
    (binding) =>
      binding.reason === 'rebind' &&
      new Date(binding.at).getTime() > since &&
      new Date(binding.at).getTime() <= now.getTime(),
  );
}

/** Staff are alerted when one membership is re-bound more than once in 30 days. */
export function needsRebindAlert(bindings: readonly BindingRecord[], now: Date): boolean {
  return recentRebinds(bindings, now).length > 1;
}

/**
 * When the membership moved away from the account `openidHash` (its latest take-over by another
 * WeChat), or null when it never did or that account was bound to it again since.
 */
export function movedAwayAt(bindings: readonly BindingRecord[], openidHash: string): Date | null {
  let moved: Date | null = null;
  for (const binding of bindings) {
    if (binding.action === 'bind' && binding.newOpenidHash === openidHash) moved = null;
    if (binding.reason === 'rebind' && binding.oldOpenidHash === openidHash) moved = new Date(binding.at);
  }
  return moved;
}
