import type { Program } from '../config/program-schema';
import type { CampaignWindow } from './active-promotion';
import { type EarnDecision, earnPoints } from './earn-points';
import type { MonthDay } from './is-birthday';
import { bringUpToDate, type MemberStanding, type StandingChange, withEntries } from './member-standing';
import { recordEarn } from './record-earn';

export interface TransactionFacts {
  readonly transactionId: string;
  readonly category: string;
  readonly amountFen: number;
  readonly occurredAt: Date;
}

export interface MemberForTransaction extends MemberStanding {
  readonly birthday: MonthDay | null;
  readonly firstTransactionAt: Date | null;
}

export type TransactionDecision =
  | {
      readonly ok: true;
      readonly earned: Extract<EarnDecision, { ok: true }>;
      readonly change: StandingChange;
      readonly earnEntryId: string;
    }
  | { readonly ok: false; readonly reason: 'unknown_category'; readonly category: string };

/** The ledger entry id of a transaction's earning: one per DMS transaction id, ever. */
export function earnEntryId(transactionId: string): string {
  return `txn:${transactionId}:earn`;
}

/**
 * Points for one DMS transaction (RULES.md §2), from the member brought up to date at `now`: the
 * tier at the time of the transaction (an upgrade it causes applies after it), the highest
 * promotion, the first-transaction bonus, pending periods, and the immediate upgrade.
 */
export function decideTransaction(
  member: MemberForTransaction,
  facts: TransactionFacts,
  campaigns: readonly CampaignWindow[],
  now: Date,
  program: Program,
): TransactionDecision {
  const base = bringUpToDate(member, now, program);
  const earned = earnPoints(
    {
      amountFen: facts.amountFen,
      category: facts.category,
      occurredAt: facts.occurredAt,
      tierCode: base.tier.tierCode,
      birthday: member.birthday,
      campaigns,
      isFirstTransaction: member.firstTransactionAt === null,
    },
    program,
  );
  if (!earned.ok) return earned;
  const entryId = earnEntryId(facts.transactionId);
  const recorded = recordEarn(base.account, earned, {
    entryId,
    transactionId: facts.transactionId,
    occurredAt: facts.occurredAt,
    now,
  });
  return {
    ok: true,
    earned,
    earnEntryId: entryId,
    change: withEntries(base, recorded.account, recorded.entries, member, now, program),
  };
}
