import { type Job, UnrecoverableError } from 'bullmq';
import { deliverMessageJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/**
 * One delivery attempt through `DeliveryService.deliver`. A `retry` outcome (WeChat busy, quota,
 * network) throws so BullMQ backs off; on the last attempt the service records `failed` instead.
 * A `failed` outcome is permanent (`UnrecoverableError`: retrying cannot help).
 */
export async function deliverMessageJobProcessor(job: Job, services: Services) {
  const parsed = deliverMessageJob.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid deliver-message payload: ${parsed.error.message}`);
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const outcome = await services.delivery.deliver(parsed.data.key, {
    finalAttempt,
    ...(job.id ? { jobId: job.id } : {}),
  });
  if (outcome.status === 'retry') {
    throw new Error(`delivery ${parsed.data.key}: ${outcome.reason} (errcode ${outcome.errcode ?? 'none'})`);
  }
  if (outcome.status === 'failed') {
    throw new UnrecoverableError(
      `delivery ${parsed.data.key} failed: errcode ${outcome.errcode} ${outcome.errmsg}`,
    );
  }
  return outcome;
}
