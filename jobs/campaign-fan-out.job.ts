import { type Job, UnrecoverableError } from 'bullmq';
import { campaignFanOutJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/** A campaign's start time (or a resume): stream its audience to delivery, page by page. */
export async function campaignFanOutJobProcessor(job: Job, services: Services) {
  const parsed = campaignFanOutJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid campaign payload: ${parsed.error.message}`);
  return services.campaigns.fanOut(parsed.data.campaignId);
}
