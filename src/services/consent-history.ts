import type { ConsentRecord } from '../data/models/member-model';

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
