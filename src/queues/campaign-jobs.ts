import type { Queue } from 'bullmq';
import type { CampaignJobs } from '../services/campaign-service';
import { campaignJobNames } from './job-schemas';

/**
 * The fan-out job of a campaign round: its id is derived from the campaign id and the round, so
 * scheduling twice adds one job, and a resume (the next round) is a new job even while the
 * completed one of the previous round is still kept.
 */
export function campaignJobId(campaignId: string, round: number): string {
  return `campaign_${campaignId}_${round}`;
}

export function bullCampaignJobs(queue: Queue): CampaignJobs {
  return {
    async add(campaignId, round, delayMs) {
      await queue.add(
        campaignJobNames.fanOut,
        { campaignId },
        { jobId: campaignJobId(campaignId, round), ...(delayMs > 0 ? { delay: delayMs } : {}) },
      );
    },
  };
}
