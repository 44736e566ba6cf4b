import { expect } from 'vitest';
import type { Database } from '../../src/data/database';
import { replayLedger } from '../../src/rules/replay-ledger';
import { memberOf } from './give-points';

export { balanceOf, givePoints, memberOf } from './give-points';

/** RULES.md §3: the member's ledger replays to exactly the stored account. */
export async function expectLedgerReplays(db: Database, memberId: string): Promise<void> {
  const member = await memberOf(db, memberId);
  const ledger = await db.memberStore.ledgerOf(memberId);
  expect(normalise(replayLedger(ledger))).toEqual(normalise(member.account));
}

function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
