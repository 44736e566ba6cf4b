import type { Queue, RateLimiterOptions } from 'bullmq';
import type { MassSendJobs } from '../services/mass-send-service';
import { massSendBatchJobNames, massSendJobNames } from './job-schemas';

/**
 * The account-wide rate of mass-send calls (BullMQ's limiter is global across processes): WeChat
 * limits `message/mass/send` per minute and per day (100 a day for a new account), so the queue of
 * batches takes at most `perMinute` a minute whatever the number of workers.
 */
export function massSendLimiter(perMinute: number): RateLimiterOptions {
  return { max: perMinute, duration: 60_000 };
}

/**
 * One assembly job per source and round (a source's round counts its waits for deliveries still
 * being decided); ids may not contain `:`, which sources do, hence base64url.
 */
export function massAssembleJobId(source: string, round: number): string {
  return `msa_${Buffer.from(source, 'utf8').toString('base64url')}_${round}`;
}

/** One send job per batch and round (a round is added when a send is put off or recovered). */
export function massBatchJobId(batchId: string, round: number): string {
  return `msb_${batchId}_${round}`;
}

export function bullMassSendJobs(queues: { assemble: Queue; batches: Queue }): MassSendJobs {
  return {
    async assemble(source, round, delayMs) {
      await queues.assemble.add(
        massSendJobNames.assemble,
        { source, round },
        { jobId: massAssembleJobId(source, round), ...(delayMs > 0 ? { delay: delayMs } : {}) },
      );
    },
    async send(batchId, round, delayMs) {
      await queues.batches.add(
        massSendBatchJobNames.send,
        { batchId },
        { jobId: massBatchJobId(batchId, round), ...(delayMs > 0 ? { delay: delayMs } : {}) },
      );
    },
    async sendQueued(batchId, round) {
      const job = await queues.batches.getJob(massBatchJobId(batchId, round));
      if (!job) return false;
      return ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'].includes(
        await job.getState(),
      );
    },
  };
}
