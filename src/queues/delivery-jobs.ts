import type { Queue, RateLimiterOptions } from 'bullmq';
import type { DeliveryJobs } from '../services/delivery-service';
import { deliveryJobNames } from './job-schemas';

/**
 * The account-wide send rate of the `delivery` queue's workers (BullMQ's limiter is global across
 * processes): WeChat's daily quotas (500,000 customer-service, 100,000 template sends) and its
 * per-minute limits are the account's, not a process's. The default of 20 a second
 * (`DELIVERY_RATE_PER_SECOND`) empties a 10,000-member campaign in about 8 minutes and leaves room
 * for conversations on the same quotas; 0 → no limiter (benchmarks, tests with a fake API).
 */
export function deliveryLimiter(ratePerSecond: number): RateLimiterOptions | null {
  return ratePerSecond > 0 ? { max: ratePerSecond, duration: 1_000 } : null;
}

/**
 * One job per delivery key and round: round 0 at enqueue, a new round for each re-add (deferred,
 * held then released, recovered). BullMQ ignores an add whose id exists, so a repeated add of the
 * same round is harmless; ids may not contain `:`, which keys do, hence base64url.
 */
export function deliveryJobId(key: string, round: number): string {
  return `dl_${Buffer.from(key, 'utf8').toString('base64url')}_${round}`;
}

export function bullDeliveryJobs(queue: Queue): DeliveryJobs {
  return {
    async add(key, round, delayMs) {
      await queue.add(
        deliveryJobNames.deliverMessage,
        { key },
        { jobId: deliveryJobId(key, round), ...(delayMs > 0 ? { delay: delayMs } : {}) },
      );
    },
    async addMany(items) {
      if (items.length === 0) return;
      await queue.addBulk(
        items.map(({ key, round, delayMs }) => ({
          name: deliveryJobNames.deliverMessage,
          data: { key },
          opts: { jobId: deliveryJobId(key, round), ...(delayMs > 0 ? { delay: delayMs } : {}) },
        })),
      );
    },
    async waiting() {
      return queue.getWaitingCount();
    },
  };
}
