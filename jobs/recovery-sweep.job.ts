import { type Job, UnrecoverableError } from 'bullmq';
import { recoverySweepJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/** Every few minutes: finish operations a crash left half-way (see `RecoveryService`). */
export async function recoverySweepJobProcessor(job: Job, services: Services) {
  const parsed = recoverySweepJob.safeParse(job.data ?? {});
  if (!parsed.success)
    throw new UnrecoverableError(`invalid recovery-sweep payload: ${parsed.error.message}`);
  return services.recovery.sweep();
}
