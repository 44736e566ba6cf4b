/** Every BullMQ queue of the application, by name: the one place queue names are spelled. */
export const queueNames = {
  /** The nightly run of RULES.md §3 (accounts, then care scans) and maintenance sweeps. */
  maintenance: 'maintenance',
  /** Every outbound message to a member (care, campaigns): one job per delivery key and round. */
  delivery: 'delivery',
  /** Post-service follow-ups: one delayed job per maintenance/repair transaction (RULES.md §7). */
  postService: 'post-service',
  /** Campaign fan-outs: one delayed job per campaign and round, at the campaign's start time. */
  campaigns: 'campaigns',
  /** Mass-send assembly: waiting marketing deliveries grouped into batches (after a campaign, on a schedule). */
  massSend: 'mass-send',
  /** One job per mass-send batch (one WeChat `message/mass/send` call), rate-limited across processes. */
  massSendBatches: 'mass-send-batches',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
