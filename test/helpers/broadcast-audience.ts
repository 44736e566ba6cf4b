import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { defaultProgram } from '../../src/config/default-program';
import { localDateTimeOf } from '../../src/rules/zoned-time';
import { newMemberRecord } from '../../src/services/new-member-record';

/**
 * A program file for processes that run on the real clock: the default program with its quiet
 * hours moved to one minute twelve hours from now, so marketing is never deferred to 09:00 by the
 * hour at which a test or benchmark happens to run.
 */
export function awakeProgramFile(dir: string, now = new Date()): string {
  const at = (ms: number) => {
    const local = localDateTimeOf(new Date(now.getTime() + ms), defaultProgram.timezone);
    return `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  };
  const file = join(dir, 'program.json');
  writeFileSync(
    file,
    JSON.stringify({
      marketing: { quietHours: { start: at(12 * 3_600_000), end: at(12 * 3_600_000 + 60_000) } },
    }),
  );
  return file;
}

export interface AudienceMember {
  id: string;
  openid: string;
}

/**
 * `count` members tagged `tag`, following the account with marketing consent, each of whom wrote
 * to the account at `inboundAt` (their delivery state opens the 48-hour customer-service window),
 * written straight to MongoDB in batches of 1,000.
 */
export async function insertBroadcastAudience(
  db: Db,
  options: { count: number; tag: string; inboundAt: Date; signedUpAt?: Date },
): Promise<AudienceMember[]> {
  const signedUpAt = options.signedUpAt ?? new Date(options.inboundAt.getTime() - 30 * 86_400_000);
  const audience: AudienceMember[] = [];
  const prefix = randomBytes(3).toString('hex');
  const mobileBase = randomBytes(4).readUInt32BE() % 900_000_000;
  for (let start = 0; start < options.count; start += 1_000) {
    const members = [];
    const states = [];
    for (let i = start; i < Math.min(options.count, start + 1_000); i++) {
      const id = randomBytes(12).toString('hex');
      const openid = `o_${prefix}_${String(i).padStart(7, '0')}`;
      audience.push({ id, openid });
      members.push({
        ...newMemberRecord(
          {
            id,
            name: `会员${i}`,
            mobile: `19${String(mobileBase + i).padStart(9, '0')}`,
            openid,
            referralCode: `B${prefix}${i.toString(36)}`.toUpperCase(),
            signedUpAt,
            homeStoreId: defaultProgram.stores[0]!.id,
            consents: [],
            marketingConsent: true,
          },
          defaultProgram,
        ),
        tags: [options.tag],
        createdAt: signedUpAt,
        updatedAt: signedUpAt,
      });
      states.push({
        _id: id,
        lastInboundAt: options.inboundAt,
        csSentSinceInbound: 0,
        unfollowedAt: null,
        marketingDayKey: null,
        marketingDay: 0,
        marketingMonthKey: null,
        marketingMonth: 0,
        massMonth: 0,
        updatedAt: options.inboundAt,
      });
    }
    await db.collection('members').insertMany(members as never[]);
    await db.collection('delivery_states').insertMany(states as never[]);
  }
  return audience;
}
