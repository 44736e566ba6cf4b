import type { DefaultJobOptions } from 'bullmq';

/**
 * Retries with exponential backoff (BullMQ adds no jitter to its built-in strategy, so the
 * `jittered` strategy below spreads retries of jobs that failed together, e.g. during a Redis or
 * WeChat outage). Finished jobs are kept long enough to inspect, then removed.
 */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 6,
  backoff: { type: 'jittered', delay: 2_000 },
  removeOnComplete: { age: 7 * 86_400, count: 10_000 },
  removeOnFail: { age: 30 * 86_400 },
};

/** `delay × 2^(attempt-1)` with ±25 % jitter, capped at 10 minutes. */
export function jitteredBackoff(attemptsMade: number, _type?: string, _err?: Error): number {
  const base = Math.min(2_000 * 2 ** Math.max(0, attemptsMade - 1), 600_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
