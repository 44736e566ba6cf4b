import { type Job, UnrecoverableError } from 'bullmq';
import { massSendBatchJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/**
 * One mass-send batch through `MassSendService.sendBatch` (the queue's limiter keeps WeChat's
 * per-minute limit). A `retry` outcome (busy, quota, network, another worker mid-send) throws so
 * BullMQ backs off; on the last attempt the service records `failed` instead. A `failed` outcome
 * is permanent.
 */
export async function massSendBatchJobProcessor(job: Job, services: Services) {
  const parsed = massSendBatchJob.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid mass-send-batch payload: ${parsed.error.message}`);
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const outcome = await services.massSend.sendBatch(parsed.data.batchId, { finalAttempt });
  if (outcome.status === 'retry') {
    throw new Error(
      `mass send ${parsed.data.batchId}: ${outcome.reason} (errcode ${outcome.errcode ?? 'none'})`,
    );
  }
  if (outcome.status === 'failed') {
    throw new UnrecoverableError(
      `mass send ${parsed.data.batchId} failed: ${outcome.reason} (errcode ${outcome.errcode ?? 'none'})`,
    );
  }
  return outcome;
}
