import type { CampaignRecord } from '../data/models/campaign-model';
import type { CampaignInput } from '../delivery/campaign-input';
import type { CampaignFailure } from './campaign-service';
import type { ServiceContext } from './service-context';

/**
 * Editing a campaign until it is scheduled (`PATCH /campaigns/{id}`): the whole campaign as staff
 * write it replaces the draft's content in one conditional update (`status: 'draft'`), so an edit
 * racing a schedule either lands before it or is refused, never half-applied to a campaign that
 * is already on its way. A draft feeds no promotion window, so nothing cached needs refreshing.
 */
export class CampaignDraftService {
  constructor(private readonly ctx: ServiceContext) {}

  async update(id: string, input: CampaignInput): Promise<{ ok: true } | CampaignFailure> {
    const codes = new Set(this.ctx.program.current().tiers.map((t) => t.code));
    const unknown = (input.audience.tiers ?? []).filter((t) => !codes.has(t));
    if (unknown.length > 0) return { ok: false, reason: 'unknown_tier', tiers: unknown };
    const changes: Partial<CampaignRecord> = {
      name: input.name,
      audience: input.audience,
      text: input.text,
      genericText: input.genericText,
      bonusPoints: input.bonusPoints,
      window: input.window,
      startAt: input.startAt,
      updatedAt: this.ctx.clock(),
    };
    const updated = await this.ctx.db.campaigns.updateOne({ _id: id, status: 'draft' }, { $set: changes });
    if (updated.matchedCount === 1) return { ok: true };
    const current = await this.ctx.db.campaigns.findById(id, { status: 1 }).lean<CampaignRecord>();
    return current
      ? { ok: false, reason: 'invalid_state', status: current.status }
      : { ok: false, reason: 'not_found' };
  }
}
