import type { Queue } from 'bullmq';
import type { FollowUpJobs } from '../services/service-feedback-service';
import { postServiceJobNames } from './job-schemas';

/**
 * One delayed job per transaction: BullMQ ignores an add whose id exists, so a transaction posted
 * twice or its listener re-run by the recovery sweep schedules nothing more. Ids may not contain
 * `:`, which transaction ids may, hence base64url.
 */
export function postServiceJobId(transactionId: string): string {
  return `ps_${Buffer.from(transactionId, 'utf8').toString('base64url')}`;
}

export function bullFollowUpJobs(queue: Queue): FollowUpJobs {
  return {
    async schedule(transactionId, dueAt, delayMs) {
      await queue.add(
        postServiceJobNames.followUp,
        { transactionId, dueAt: dueAt.toISOString() },
        { jobId: postServiceJobId(transactionId), ...(delayMs > 0 ? { delay: delayMs } : {}) },
      );
    },
  };
}
