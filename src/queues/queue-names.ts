/** Every BullMQ queue of the application, by name: the one place queue names are spelled. */
export const queueNames = {
  /** The nightly run of RULES.md §3 (accounts, then care scans) and maintenance sweeps. */
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
