import type { ServiceContext } from './service-context';

/**
 * 退订 / 订阅 (RULES.md §8–9): marketing stops or resumes at once, and every change is recorded
 * as a consent (time and channel) next to the sign-up consents. Service messages are unaffected.
 */
export class MarketingConsentService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Opts in or out; `changed` is false when the member was already there (nothing recorded). */
  async setMarketing(
    memberId: string,
    optIn: boolean,
    channel: string,
  ): Promise<{ ok: true; changed: boolean } | { ok: false; reason: 'not_found' }> {
    const { members } = this.ctx.db;
    const now = this.ctx.clock();
    // The condition makes a repeat a no-op, so a re-delivered 退订 records one withdrawal.
    const current = optIn
      ? { $or: [{ marketingOptOut: true }, { marketingConsent: false }] }
      : { marketingOptOut: false };
    const result = await members.updateOne(
      { _id: memberId, status: 'active', ...current },
      {
        $set: { marketingOptOut: !optIn, marketingConsent: optIn },
        $push: { consents: { kind: 'marketing', granted: optIn, version: null, at: now, channel } },
      },
    );
    if (result.modifiedCount === 1) return { ok: true, changed: true };
    const exists = await members.exists({ _id: memberId, status: 'active' });
    return exists ? { ok: true, changed: false } : { ok: false, reason: 'not_found' };
  }
}
