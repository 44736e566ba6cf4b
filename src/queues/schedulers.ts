import type { Queue } from 'bullmq';
import type { Program } from '../config/program-schema';
import { maintenanceJobNames, massSendJobNames } from './job-schemas';
import { queueNames } from './queue-names';

export const schedulerIds = {
  nightlyRun: 'nightly-run',
  recoverySweep: 'recovery-sweep',
  massSendSweep: 'mass-send-sweep',
  bookingReminders: 'booking-reminders',
} as const;

/** How often half-finished operations are looked for (each sweep only takes ones idle for 30 s). */
const RECOVERY_EVERY_MS = 5 * 60_000;
/**
 * Every 10 minutes: mass-send groups nobody triggered (win-back, a campaign whose trigger was lost,
 * deliveries deferred past their campaign) and batches a crash left unfinished. Quiet hours are
 * checked when a batch is sent, so the pattern needs no hours.
 */
const MASS_SEND_SWEEP_CRON = '*/10 * * * *';
/**
 * Every 10 minutes: the day-before reminders of bookings whose reminder time
 * (`bookings.reminder.dayBeforeAt`, read on each run) has come; each is keyed, so runs repeat nothing.
 */
const BOOKING_REMINDERS_CRON = '*/10 * * * *';

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
export async function upsertSchedulers(
  queues: { maintenance: Queue; [queueNames.massSend]: Queue },
  program: Program,
): Promise<void> {
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
  await queues.maintenance.upsertJobScheduler(
    schedulerIds.bookingReminders,
    { pattern: BOOKING_REMINDERS_CRON, tz: program.timezone },
    { name: maintenanceJobNames.bookingReminders, data: {} },
  );
  await queues[queueNames.massSend].upsertJobScheduler(
    schedulerIds.massSendSweep,
    { pattern: MASS_SEND_SWEEP_CRON, tz: program.timezone },
    { name: massSendJobNames.sweep, data: {} },
  );
}
