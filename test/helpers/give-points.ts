import { randomBytes } from 'node:crypto';
import type { Program } from '../../src/config/program-schema';
import type { Database } from '../../src/data/database';
import type { MemberRecord } from '../../src/data/models/member-model';
import { creditPoints } from '../../src/rules/credit-points';
import { lotExpiresAt } from '../../src/rules/lot-expiry';
import { bringUpToDate, withEntries } from '../../src/rules/member-standing';
import { availableBalance } from '../../src/rules/points-account';

/**
 * Credits `points` to a member through `MemberStore.apply` (the only way points change), as an
 * adjustment earned at `earnedAt` (default: now), so its lot expires like any other.
 */
export async function givePoints(
  db: Database,
  program: Program,
  memberId: string,
  points: number,
  now: Date,
  earnedAt: Date = now,
): Promise<void> {
  const entryId = `test-credit:${randomBytes(6).toString('hex')}`;
  const outcome = await db.memberStore.apply(memberId, entryId, {}, (member) => {
    const base = bringUpToDate(member, now, program);
    const credit = creditPoints(base.account, {
      entryId,
      type: 'adjust',
      now,
      points,
      earnedAt,
      expiresAt: lotExpiresAt(earnedAt, program),
      reason: 'test',
    });
    const change = withEntries(base, credit.account, credit.entries, member, now, program);
    return {
      ok: true as const,
      entries: change.entries,
      result: null,
      update: { account: change.account, tier: change.tier, nextAccountEventAt: change.nextAccountEventAt },
    };
  });
  if (outcome.status !== 'applied') throw new Error(`could not credit ${memberId}: ${outcome.status}`);
}

export async function memberOf(db: Database, memberId: string): Promise<MemberRecord> {
  const member = await db.members.findById(memberId).lean<MemberRecord>();
  if (!member) throw new Error(`no member ${memberId}`);
  return member;
}

export async function balanceOf(db: Database, memberId: string, now: Date): Promise<number> {
  return availableBalance((await memberOf(db, memberId)).account, now);
}
