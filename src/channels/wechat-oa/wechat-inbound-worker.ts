import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { createRedis, throttledErrorLog } from '../../infra/redis-connections';
import type { Logger } from '../../lib/logger';
import type { Metrics } from '../../lib/metrics';
import { WECHAT_INBOUND_QUEUE, wechatInboundJobSchema } from '../../queues/wechat-inbound-queue';
import { KeyedSequencer } from '../keyed-sequencer';
import type { InboundClaims } from './inbound-claims';
import type { OaPuppet } from './oa-puppet';

export interface WechatInboundWorkerOptions {
  redisUrl: string;
  puppet: Pick<OaPuppet, 'deliver'>;
  logger: Logger;
  metrics?: Metrics;
  /** Jobs in flight per process; one member's jobs still run one at a time, in order. */
  concurrency?: number;
  /** Counts a member's hand-offs down (jobs marked `counted` by the webhook). */
  claims?: Pick<InboundClaims, 'finished'>;
}

export interface WechatInboundWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Feeds `wechat-inbound` jobs to the official-account puppet. BullMQ hands jobs out in arrival
 * order; within this process a member's messages then wait for the previous one (per-openid
 * sequencing) while other members run concurrently. A job completes when the bot has handled the
 * message, and fails (to be retried with backoff) when the conversation handler failed. Across
 * several worker processes, or after a retry, one member's messages may overlap: the conversation
 * runtime's optimistic session update keeps that correct.
 */
export function startWechatInboundWorker(options: WechatInboundWorkerOptions): WechatInboundWorker {
  const { logger, metrics } = options;
  const connection = createRedis(
    options.redisUrl,
    'worker',
    'wechat-inbound-worker',
    throttledErrorLog((err) => logger.warn({ err: err.message }, 'wechat-inbound worker connection error')),
  );
  const sequencer = new KeyedSequencer();
  const worker = new Worker(
    WECHAT_INBOUND_QUEUE,
    async (job: Job) => {
      const parsed = wechatInboundJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`invalid wechat-inbound job: ${parsed.error.message}`);
      const { message, counted } = parsed.data;
      await sequencer.run(message.userId, () => options.puppet.deliver(message));
      if (counted) await options.claims?.finished(message);
      return { handled: message.id };
    },
    { connection, concurrency: options.concurrency ?? 8 },
  );
  worker.on('completed', (job) => {
    metrics?.jobs.inc({ queue: WECHAT_INBOUND_QUEUE, job: job.name, outcome: 'completed' });
  });
  worker.on('failed', (job, err) => {
    metrics?.jobs.inc({ queue: WECHAT_INBOUND_QUEUE, job: job?.name ?? 'unknown', outcome: 'failed' });
    // Given up for good: the member's later messages need not wait for it any more.
    const parsed = wechatInboundJobSchema.safeParse(job?.data);
    const finalFailure = job && job.attemptsMade >= (job.opts.attempts ?? 1);
    if (finalFailure && parsed.success && parsed.data.counted) {
      options.claims?.finished(parsed.data.message).catch((error: unknown) => {
        logger.warn({ err: error }, 'hand-off count not lowered; it expires by itself');
      });
    }
    logger.error(
      { queue: WECHAT_INBOUND_QUEUE, id: job?.id, attempts: job?.attemptsMade, err },
      'job failed',
    );
  });
  worker.on(
    'error',
    throttledErrorLog((err) => logger.warn({ err: err.message }, 'wechat-inbound worker error')),
  );
  return {
    worker,
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
