import type { MemberRecord } from '../data/models/member-model';
import { bringUpToDate } from '../rules/member-standing';
import type { ServiceContext } from './service-context';

export interface NightlyCounts {
  membersDue: number;
  membersChanged: number;
  activated: number;
  expired: number;
  expiredPoints: number;
  debtPayments: number;
  tierReviews: { up: number; down: number; same: number };
}

/**
 * The account part of the nightly run (RULES.md §3): for every member with something due at
 * `now` — pending points to activate, lots to expire, an annual tier review — bring the member up
 * to date in that fixed order. Members are found through the `nextAccountEventAt` and
 * `tierReviewAt` indexes, so only the members due are read. Entry ids are deterministic and the
 * update is guarded by `rev`, so a second run, or two runs racing, change nothing more.
 */
export class NightlyService {
  constructor(private readonly ctx: ServiceContext) {}

  async run(now: Date = this.ctx.clock()): Promise<NightlyCounts> {
    const { db } = this.ctx;
    const program = this.ctx.program.current();
    const counts: NightlyCounts = {
      membersDue: 0,
      membersChanged: 0,
      activated: 0,
      expired: 0,
      expiredPoints: 0,
      debtPayments: 0,
      tierReviews: { up: 0, down: 0, same: 0 },
    };
    const due = db.members
      .find(
        { status: 'active', $or: [{ nextAccountEventAt: { $lte: now } }, { tierReviewAt: { $lte: now } }] },
        { _id: 1 },
      )
      .lean<Pick<MemberRecord, '_id'>[]>()
      .cursor({ batchSize: 500 });
    for await (const { _id } of due) {
      counts.membersDue++;
      const outcome = await db.memberStore.apply(
        _id,
        `nightly:${now.toISOString()}:${_id}`,
        { programVersion: program.version },
        (member) => {
          const change = bringUpToDate(member, now, program);
          const tierChanged = JSON.stringify(change.tier) !== JSON.stringify(member.tier);
          const datesChanged =
            change.tierReviewAt.getTime() !== new Date(member.tierReviewAt).getTime() ||
            (change.nextAccountEventAt?.getTime() ?? null) !==
              (member.nextAccountEventAt ? new Date(member.nextAccountEventAt).getTime() : null);
          if (change.entries.length === 0 && !tierChanged && !datesChanged) {
            return { ok: false as const, failure: 'nothing_due' as const };
          }
          return {
            ok: true as const,
            entries: change.entries,
            result: change,
            update: {
              account: change.account,
              tier: change.tier,
              tierReviewAt: change.tierReviewAt,
              nextAccountEventAt: change.nextAccountEventAt,
            },
          };
        },
      );
      if (outcome.status !== 'applied') continue;
      counts.membersChanged++;
      for (const entry of outcome.result.entries) {
        if (entry.type === 'activate') counts.activated++;
        if (entry.type === 'expire') {
          counts.expired++;
          counts.expiredPoints += -entry.points;
        }
        if (entry.type === 'debt_payment') counts.debtPayments++;
      }
      for (const review of outcome.result.reviews) counts.tierReviews[review.change]++;
    }
    this.ctx.logger.info({ ...counts, at: now.toISOString() }, 'nightly account run finished');
    return counts;
  }
}
