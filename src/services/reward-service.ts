import { isDuplicateKeyError } from '../data/duplicate-key';
import type { RewardRecord } from '../data/models/reward-model';
import type { ServiceContext } from './service-context';

/** The fields staff edit; the rest of a reward record is bookkeeping of stock in flight. */
export type RewardFields = Pick<
  RewardRecord,
  'name' | 'cost' | 'stock' | 'perMemberLimit' | 'minTier' | 'validityDays' | 'storeIds' | 'active'
>;

/** A reward as staff (and later the chat catalogue) see it. */
export interface RewardView extends RewardFields {
  id: string;
  /** Units held by redemptions in progress (already taken off `stock`). */
  reserved: number;
  createdAt: string;
  updatedAt: string;
}

export type CreateRewardOutcome =
  | { ok: true; reward: RewardView }
  | { ok: false; reason: 'exists' | 'invalid'; message?: string };
export type PatchRewardOutcome =
  | { ok: true; reward: RewardView }
  | { ok: false; reason: 'not_found' | 'invalid'; message?: string };

/** The reward catalogue: seeded from the program once, then managed by marketing staff. */
export class RewardService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Creates the program's default catalogue rewards that do not exist yet. Existing rewards keep
   * whatever staff made of them (stock, cost, active…): the program is only the starting point.
   */
  async seedCatalogue(): Promise<number> {
    const program = this.ctx.program.current();
    return this.ctx.db.rewardStore.seed(
      program.catalogue.map((reward) => ({
        _id: reward.id,
        name: reward.name,
        cost: reward.cost,
        stock: reward.stock,
        perMemberLimit: reward.perMemberLimit ? { ...reward.perMemberLimit } : null,
        minTier: reward.minTier,
        validityDays: reward.validityDays,
        storeIds: reward.storeIds ? [...reward.storeIds] : null,
        active: true,
      })),
      this.ctx.clock(),
    );
  }

  async list(options: { activeOnly?: boolean } = {}): Promise<RewardView[]> {
    const rewards = await this.ctx.db.rewards
      .find(options.activeOnly ? { active: true } : {})
      .sort({ cost: 1, _id: 1 })
      .lean<RewardRecord[]>();
    return rewards.map(rewardView);
  }

  async get(id: string): Promise<RewardRecord | null> {
    return this.ctx.db.rewards.findById(id).lean<RewardRecord>();
  }

  async create(id: string, fields: RewardFields): Promise<CreateRewardOutcome> {
    const invalid = this.invalid(fields);
    if (invalid) return { ok: false, reason: 'invalid', message: invalid };
    const now = this.ctx.clock();
    const record: RewardRecord = {
      _id: id,
      ...fields,
      reservations: [],
      returns: [],
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.ctx.db.rewards.create(record);
    } catch (err) {
      if (isDuplicateKeyError(err)) return { ok: false, reason: 'exists' };
      throw err;
    }
    return { ok: true, reward: rewardView(record) };
  }

  /**
   * Changes some fields. `stock` sets the units still free now; units held by redemptions in
   * progress were taken off before and are not counted again.
   */
  async patch(id: string, changes: Partial<RewardFields>): Promise<PatchRewardOutcome> {
    const current = await this.get(id);
    if (!current) return { ok: false, reason: 'not_found' };
    const invalid = this.invalid({ ...current, ...changes });
    if (invalid) return { ok: false, reason: 'invalid', message: invalid };
    const updated = await this.ctx.db.rewards
      .findOneAndUpdate(
        { _id: id },
        { $set: { ...changes, updatedAt: this.ctx.clock() } },
        { returnDocument: 'after' },
      )
      .lean<RewardRecord>();
    if (!updated) return { ok: false, reason: 'not_found' };
    return { ok: true, reward: rewardView(updated) };
  }

  /** Checks against the program that a schema cannot make: the tier and the stores exist. */
  private invalid(fields: Pick<RewardFields, 'minTier' | 'storeIds'>): string | null {
    const program = this.ctx.program.current();
    if (fields.minTier !== null && !program.tiers.some((tier) => tier.code === fields.minTier)) {
      return `没有等级 ${fields.minTier}（可选：${program.tiers.map((tier) => tier.code).join('、')}）`;
    }
    const unknown = fields.storeIds?.find((storeId) => !program.stores.some((store) => store.id === storeId));
    if (unknown) return `没有门店 ${unknown}`;
    return null;
  }
}

export function rewardView(reward: RewardRecord): RewardView {
  return {
    id: reward._id,
    name: reward.name,
    cost: reward.cost,
    stock: reward.stock,
    perMemberLimit: reward.perMemberLimit
      ? { count: reward.perMemberLimit.count, period: reward.perMemberLimit.period }
      : null,
    minTier: reward.minTier,
    validityDays: reward.validityDays,
    storeIds: reward.storeIds,
    active: reward.active,
    reserved: reward.reservations.length,
    createdAt: new Date(reward.createdAt).toISOString(),
    updatedAt: new Date(reward.updatedAt).toISOString(),
  };
}
