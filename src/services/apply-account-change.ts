import type { Program } from '../config/program-schema';
import type { ApplyOutcome, MemberDecision } from '../data/member-store';
import type { MemberRecord } from '../data/models/member-model';
import type { AccountChange } from '../rules/ledger-entry';
import { bringUpToDate, withEntries } from '../rules/member-standing';
import type { PointsAccount } from '../rules/points-account';
import type { ServiceContext } from './service-context';

/**
 * One account operation by key, exactly once (`MemberStore.apply`): the member is brought up to
 * date at `now` (activations, expiries, tier review — RULES.md §3's order), then `change` appends
 * its own entries (a welcome credit, a referral reward, an adjustment…), and their qualifying
 * points move the tier. `change` returning null means there is nothing to do (the key is still
 * recorded, so the operation counts as done).
 */
export function applyAccountChange(
  ctx: ServiceContext,
  memberId: string,
  opKey: string,
  storeId: string | null,
  change: (account: PointsAccount, now: Date, program: Program) => AccountChange | null,
): Promise<ApplyOutcome<null, never>> {
  const program = ctx.program.current();
  const now = ctx.clock();
  return ctx.db.memberStore.apply(
    memberId,
    opKey,
    { storeId, programVersion: program.version },
    accountDecision(change, now, program),
  );
}

/**
 * The same change for many members, each under its own key (`MemberStore.applyMany`: a few round
 * trips for the lot), from the member documents as the caller just read them. Outcomes in order.
 */
export function applyAccountChanges(
  ctx: ServiceContext,
  items: readonly { member: MemberRecord; opKey: string }[],
  storeId: string | null,
  change: (account: PointsAccount, now: Date, program: Program, opKey: string) => AccountChange | null,
): Promise<ApplyOutcome<null, never>[]> {
  const program = ctx.program.current();
  const now = ctx.clock();
  return ctx.db.memberStore.applyMany(items, { storeId, programVersion: program.version }, (member, opKey) =>
    accountDecision((account) => change(account, now, program, opKey), now, program)(member),
  );
}

function accountDecision(
  change: (account: PointsAccount, now: Date, program: Program) => AccountChange | null,
  now: Date,
  program: Program,
): (member: MemberRecord) => MemberDecision<null, never> {
  return (member) => {
    const base = bringUpToDate(member, now, program);
    const own = change(base.account, now, program) ?? { account: base.account, entries: [] };
    const next = withEntries(base, own.account, own.entries, member, now, program);
    return {
      ok: true as const,
      entries: next.entries,
      result: null,
      update: {
        account: next.account,
        tier: next.tier,
        tierReviewAt: next.tierReviewAt,
        nextAccountEventAt: next.nextAccountEventAt,
      },
    };
  };
}
