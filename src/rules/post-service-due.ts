import type { Program } from '../config/program-schema';
import { careSendAt } from './care-due';
import { addLocalDays } from './local-date';
import { localDateOf } from './zoned-time';

/** How long after its due time a follow-up is still worth asking (a backfilled old transaction is not). */
const STALE_AFTER_MS = 7 * 86_400_000;

export type PostServiceDecision =
  | { schedule: true; dueAt: Date; delayMs: number }
  | { schedule: false; reason: 'disabled' | 'category' | 'stale' };

/**
 * Whether a service transaction gets a rating question (RULES.md §7), and when: `delayDays` local
 * days after the service, at `care.sendAt` local time. Pure: the same facts and `now` give the
 * same answer, so a re-run of the listener schedules the very same job.
 */
export function decidePostServiceFollowUp(
  transaction: { category: string; occurredAt: Date },
  now: Date,
  program: Pick<Program, 'care' | 'timezone' | 'categories'>,
): PostServiceDecision {
  const settings = program.care.postService;
  if (!settings.enabled) return { schedule: false, reason: 'disabled' };
  if (!program.categories[transaction.category]?.postServiceFollowUp)
    return { schedule: false, reason: 'category' };
  const servedOn = localDateOf(transaction.occurredAt, program.timezone);
  const dueAt = careSendAt(addLocalDays(servedOn, settings.delayDays), program);
  const delayMs = dueAt.getTime() - now.getTime();
  if (delayMs < -STALE_AFTER_MS) return { schedule: false, reason: 'stale' };
  return { schedule: true, dueAt, delayMs: Math.max(0, delayMs) };
}
