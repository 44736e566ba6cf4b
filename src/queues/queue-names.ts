/** Every BullMQ queue of the application, by name: the one place queue names are spelled. */
export const queueNames = {
  /** The nightly run of RULES.md §3 (accounts, then care scans) and maintenance sweeps. */
  maintenance: 'maintenance',
  /** Every outbound message to a member (care, campaigns): one job per delivery key and round. */
  delivery: 'delivery',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
