import { type Job, Queue, type RateLimiterOptions, UnrecoverableError, Worker } from 'bullmq';
import { processors } from '../../jobs';
import type { Program } from '../config/program-schema';
import { massSendSettings } from '../delivery/mass-send-plan';
import { createRedis, throttledErrorLog, whenReady } from '../infra/redis-connections';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import { defaultJobOptions, jitteredBackoff } from '../queues/default-job-options';
import { deliveryLimiter } from '../queues/delivery-jobs';
import { massSendLimiter } from '../queues/mass-send-jobs';
import { type QueueName, queueNames } from '../queues/queue-names';
import { upsertSchedulers } from '../queues/schedulers';
import type { Services } from '../services/services';

export interface QueueSet {
  queues: Record<QueueName, Queue>;
  close(): Promise<void>;
}

export interface WorkerSet {
  workers: Worker[];
  close(): Promise<void>;
}

const concurrency: Record<QueueName, number> = {
  [queueNames.maintenance]: 1,
  [queueNames.delivery]: 256,
  [queueNames.campaigns]: 2,
  [queueNames.postService]: 2,
  [queueNames.massSend]: 1,
  [queueNames.massSendBatches]: 2,
};
/** Global (all processes) rate limits per queue. */
function limitersFor(deliveryRatePerSecond: number): Partial<Record<QueueName, RateLimiterOptions>> {
  const delivery = deliveryLimiter(deliveryRatePerSecond);
  return delivery ? { [queueNames.delivery]: delivery } : {};
}

/** Producers for every queue, on one fail-fast connection (callers on request paths must not hang). */
export async function createQueues(redisUrl: string, logger: Logger): Promise<QueueSet> {
  const connection = createRedis(
    redisUrl,
    'producer',
    'queues',
    throttledErrorLog((err) => logger.warn({ err: err.message }, 'queue connection error')),
  );
  const report = throttledErrorLog((err) => logger.warn({ err: err.message }, 'queue error'));
  const queues = Object.fromEntries(
    Object.values(queueNames).map((name) => {
      const queue = new Queue(name, { connection, defaultJobOptions });
      queue.on('error', report);
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
  // A fail-fast connection rejects commands until it is connected: wait for it once here.
  await whenReady(connection);
  return {
    queues,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/**
 * Workers for every queue (roles `all` and `worker`): each dispatches a job by its name to the
 * processor registered in `jobs/`, counts outcomes in Prometheus, and logs failures. The
 * schedulers are upserted here too, so a worker fleet alone keeps the nightly run going.
 */
export async function startWorkers(
  redisUrl: string,
  queueSet: QueueSet,
  services: Services,
  program: Program,
  logger: Logger,
  metrics: Metrics,
  options: { deliveryRatePerSecond: number } = { deliveryRatePerSecond: 20 },
): Promise<WorkerSet> {
  await upsertSchedulers(queueSet.queues, program);
  const limiters = {
    ...limitersFor(options.deliveryRatePerSecond),
    // WeChat's mass-send limits are the account's: the program's rate, read at start.
    [queueNames.massSendBatches]: massSendLimiter(massSendSettings(program).perMinute),
  };
  const connection = createRedis(
    redisUrl,
    'worker',
    'workers',
    throttledErrorLog((err) => logger.warn({ err: err.message }, 'worker connection error')),
  );
  const workerError = throttledErrorLog((err) => logger.warn({ err: err.message }, 'worker error'));
  const workers = Object.values(queueNames).map((name) => {
    const registry = processors[name];
    const worker = new Worker(
      name,
      async (job: Job) => {
        const processor = registry[job.name];
        if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}" on queue "${name}"`);
        return processor(job, services);
      },
      {
        connection,
        concurrency: concurrency[name],
        ...(limiters[name] ? { limiter: limiters[name] } : {}),
        settings: { backoffStrategy: jitteredBackoff },
      },
    );
    worker.on('completed', (job) => {
      metrics.jobs.inc({ queue: name, job: job.name, outcome: 'completed' });
      logger.info({ queue: name, job: job.name, id: job.id, result: job.returnvalue }, 'job completed');
    });
    worker.on('failed', (job, err) => {
      metrics.jobs.inc({ queue: name, job: job?.name ?? 'unknown', outcome: 'failed' });
      logger.error(
        { queue: name, job: job?.name, id: job?.id, attempts: job?.attemptsMade, err },
        'job failed',
      );
    });
    worker.on('error', workerError);
    return worker;
  });
  return {
    workers,
    async close() {
      // Let running jobs finish (BullMQ waits for them), then drop the connection.
      await Promise.all(workers.map((w) => w.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
