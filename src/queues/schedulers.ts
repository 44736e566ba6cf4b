import type { Queue } from 'bullmq';
import type { Program } from '../config/program-schema';
import { maintenanceJobNames } from './job-schemas';

export const schedulerIds = { nightlyRun: 'nightly-run', recoverySweep: 'recovery-sweep' } as const;

/** How often half-finished operations are looked for (each sweep only takes ones idle for 30 s). */
const RECOVERY_EVERY_MS = 5 * 60_000;

/** `HH:MM` → a daily cron pattern (`M H * * *`). */
export function dailyCron(hhmm: string): string {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return `${minutes} ${hours} * * *`;
}

/**
 * Creates or updates every repeating job by its stable id, in the program's time zone, so that any
 * number of processes may call this at start-up and exactly one schedule exists (BullMQ v6:
 * `upsertJobScheduler`; the old `repeat` option is gone).
 */
export async function upsertSchedulers(queues: { maintenance: Queue }, program: Program): Promise<void> {
  await queues.maintenance.upsertJobScheduler(
    schedulerIds.nightlyRun,
    { pattern: dailyCron(program.nightlyRun.at), tz: program.timezone },
    { name: maintenanceJobNames.nightlyRun, data: {} },
  );
  await queues.maintenance.upsertJobScheduler(
    schedulerIds.recoverySweep,
    { every: RECOVERY_EVERY_MS },
    { name: maintenanceJobNames.recoverySweep, data: {} },
  );
}
