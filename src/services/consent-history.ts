import type { BindingRecord, ConsentRecord } from '../data/models/member-model';

export interface ConsentHistoryEntry {
  kind: 'privacy' | 'marketing';
  granted: boolean;
  status: 'granted' | 'withdrawn';
  /** The privacy policy version agreed to; null for marketing consent. */
  policyVersion: string | null;
  at: string;
  /** Where it was given or withdrawn: chat, counter, import, api… */
  channel: string;
}

/**
 * Every consent record of a member, oldest first, as staff read it (PIPL: who agreed to what,
 * when and where, and each withdrawal — 退订, 注销 — next to it).
 */
export function consentHistory(consents: readonly ConsentRecord[]): ConsentHistoryEntry[] {
  return consents
    .map((consent, index) => ({ consent, index }))
    .sort((a, b) => new Date(a.consent.at).getTime() - new Date(b.consent.at).getTime() || a.index - b.index)
    .map(({ consent }) => ({
      kind: consent.kind,
      granted: consent.granted,
      status: consent.granted ? 'granted' : 'withdrawn',
      policyVersion: consent.version,
      at: new Date(consent.at).toISOString(),
      channel: consent.channel,
    }));
}

export interface BindingHistoryEntry {
  action: 'bind' | 'unbind';
  /** signup, rebind (taken over from another WeChat), relink, unfollow, erase. */
  reason: BindingRecord['reason'];
  at: string;
  channel: string;
  /**
   * The WeChat accounts as short tags (the first 8 hex digits of their salted hash: the openids
   * are not kept), enough to tell accounts apart: null where there was none.
   */
  fromAccount: string | null;
  toAccount: string | null;
}

/** The member's WeChat bindings and unbindings, oldest first, as staff read them. */
export function bindingHistory(bindings: readonly BindingRecord[] | undefined): BindingHistoryEntry[] {
  return [...(bindings ?? [])]
    .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())
    .map((binding) => ({
      action: binding.action,
      reason: binding.reason,
      at: new Date(binding.at).toISOString(),
      channel: binding.channel,
      fromAccount: binding.oldOpenidHash?.slice(0, 8) ?? null,
      toAccount: binding.newOpenidHash?.slice(0, 8) ?? null,
    }));
}
