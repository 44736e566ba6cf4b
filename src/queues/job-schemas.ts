import { z } from 'zod';

/**
 * Payload schemas of every job, validated by the processor before it does anything (a bad
 * payload is a permanent failure, never retried).
 */
export const nightlyRunJob = z.strictObject({
  /** The moment the run is for; absent → the time the job runs. ISO-8601 with offset. */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type NightlyRunJob = z.infer<typeof nightlyRunJob>;

export const recoverySweepJob = z.strictObject({});

export const maintenanceJobNames = { nightlyRun: 'nightly-run', recoverySweep: 'recovery-sweep' } as const;

/** One delivery attempt: the delivery record's key (the record holds the message). */
export const deliverMessageJob = z.strictObject({ key: z.string().min(1).max(200) });
export type DeliverMessageJob = z.infer<typeof deliverMessageJob>;

export const deliveryJobNames = { deliverMessage: 'deliver-message' } as const;
