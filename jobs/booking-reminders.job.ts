import { type Job, UnrecoverableError } from 'bullmq';
import { bookingRemindersJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/** Hands the booking reminders due now to delivery (`BookingReminders.run`, keyed: safe to repeat). */
export async function bookingRemindersJobProcessor(job: Job, services: Services) {
  const parsed = bookingRemindersJob.safeParse(job.data ?? {});
  if (!parsed.success)
    throw new UnrecoverableError(`invalid booking-reminders payload: ${parsed.error.message}`);
  const at = parsed.data.at ? new Date(parsed.data.at) : services.clock();
  return { at: at.toISOString(), ...(await services.bookingReminders.run(at)) };
}
