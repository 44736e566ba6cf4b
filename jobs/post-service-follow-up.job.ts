import { type Job, UnrecoverableError } from 'bullmq';
import { postServiceFollowUpJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/** Asks the member to rate one service (`ServiceFeedbackService.ask`, idempotent per transaction). */
export async function postServiceFollowUpJobProcessor(job: Job, services: Services) {
  const parsed = postServiceFollowUpJob.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid post-service-follow-up payload: ${parsed.error.message}`);
  return services.feedback.ask(parsed.data.transactionId);
}
