import { type Job, UnrecoverableError } from 'bullmq';
import { massSendAssembleJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/**
 * Mass-send assembly: for a source (a campaign whose fan-out completed), its waiting deliveries
 * into batches once they settle; without one (the scheduler), the sweep of every settled group and
 * of batches a crash left unfinished.
 */
export async function massSendAssembleJobProcessor(job: Job, services: Services) {
  const parsed = massSendAssembleJob.safeParse(job.data ?? {});
  if (!parsed.success) throw new UnrecoverableError(`invalid mass-send payload: ${parsed.error.message}`);
  const { source, round } = parsed.data;
  return source === undefined
    ? services.massSend.sweep()
    : services.massSend.assembleSource(source, round ?? 0);
}
