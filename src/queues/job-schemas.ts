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

/** The day-before reminders of bookings due at `at` (absent → the time the job runs). */
export const bookingRemindersJob = z.strictObject({ at: z.iso.datetime({ offset: true }).optional() });

export const maintenanceJobNames = {
  nightlyRun: 'nightly-run',
  recoverySweep: 'recovery-sweep',
  bookingReminders: 'booking-reminders',
} as const;

/** One delivery attempt: the delivery record's key (the record holds the message). */
export const deliverMessageJob = z.strictObject({ key: z.string().min(1).max(200) });
export type DeliverMessageJob = z.infer<typeof deliverMessageJob>;

export const deliveryJobNames = { deliverMessage: 'deliver-message' } as const;

/** One campaign fan-out (a round: the first at the start time, one more per resume). */
export const campaignFanOutJob = z.strictObject({ campaignId: z.string().regex(/^[0-9a-f]{24}$/) });
export type CampaignFanOutJob = z.infer<typeof campaignFanOutJob>;

export const campaignJobNames = { fanOut: 'campaign-fan-out' } as const;

/** Ask for a rating of one service: the DMS transaction id (the job id is derived from it). */
export const postServiceFollowUpJob = z.strictObject({
  transactionId: z.string().min(1).max(64),
  /** When the question is due (`care.sendAt` local time, `delayDays` after the service). */
  dueAt: z.iso.datetime({ offset: true }),
});
export type PostServiceFollowUpJob = z.infer<typeof postServiceFollowUpJob>;

export const postServiceJobNames = { followUp: 'post-service-follow-up' } as const;

/**
 * Group a source's waiting mass-send deliveries into batches (`source`: `campaign:<id>`, once its
 * fan-out completed; `round` counts the waits for its deliveries still being decided), or, without
 * a source, the scheduled sweep of every settled group and unfinished batch.
 */
export const massSendAssembleJob = z.strictObject({
  source: z.string().min(1).max(200).optional(),
  round: z.number().int().nonnegative().optional(),
});
export type MassSendAssembleJob = z.infer<typeof massSendAssembleJob>;

/** Send one mass-send batch (its record holds the openids, the text and the clientmsgid). */
export const massSendBatchJob = z.strictObject({ batchId: z.string().regex(/^mass_[0-9a-f]{40}$/) });
export type MassSendBatchJob = z.infer<typeof massSendBatchJob>;

export const massSendJobNames = { assemble: 'mass-send-assemble', sweep: 'mass-send-sweep' } as const;
export const massSendBatchJobNames = { send: 'mass-send-batch' } as const;
