import type { Queue } from 'bullmq';
import { Counter } from 'prom-client';
import type { Metrics } from '../lib/metrics';
import { bullCampaignJobs } from '../queues/campaign-jobs';
import type { Services } from '../services/services';

/**
 * Connects `CampaignService` to the `campaigns` queue (every role schedules; workers fan out) and
 * counts what each fan-out page did in `campaign_members_total{outcome}` (targeted, queued,
 * bonus_offered: the message carries the bonus, credited when it goes out), next to `deliveries_total` for what delivery then did with each message.
 */
export function connectCampaigns(services: Services, parts: { queue: Queue; metrics: Metrics }): void {
  services.campaigns.connect({ jobs: bullCampaignJobs(parts.queue) });
  const members = new Counter({
    name: 'campaign_members_total',
    help: 'Campaign fan-out: members targeted, messages queued and bonuses offered, per page handed over',
    labelNames: ['outcome'] as const,
    registers: [parts.metrics.registry],
  });
  services.campaigns.onPage((page) => {
    members.inc({ outcome: 'targeted' }, page.targeted);
    members.inc({ outcome: 'queued' }, page.queued);
    members.inc({ outcome: 'bonus_offered' }, page.bonusOffered);
  });
}
