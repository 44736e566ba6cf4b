import { type DefaultJobOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { type InboundMessage, inboundMessageSchema } from '../channels/inbound-message';
import { createRedis, throttledErrorLog, whenReady } from '../infra/redis-connections';
import type { Logger } from '../lib/logger';

/**
 * `wechat-inbound`: the durable hand-off from the WeChat webhook (which must answer within 5 s)
 * to the conversation runtime. One job per member action; the job id is derived from the
 * de-duplication key, so even a duplicate that got past the Redis marker adds nothing while the
 * first job is still kept.
 */
export const WECHAT_INBOUND_QUEUE = 'wechat-inbound';

export const wechatInboundJobSchema = z.strictObject({
  /** Payload version; bump on an incompatible change so old jobs can still be read. */
  v: z.literal(1),
  /** When our webhook accepted it (ISO instant). */
  receivedAt: z.iso.datetime({ offset: true }),
  message: inboundMessageSchema,
  /**
   * Set when the webhook counted this hand-off in the member's count (`InboundClaims`: passive
   * replies wait while it is above zero); the worker counts it down once the job is done.
   */
  counted: z.literal(true).optional(),
});
export type WechatInboundJob = z.infer<typeof wechatInboundJobSchema>;

export const wechatInboundJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  // Completed jobs stay a day: their ids keep re-deliveries out beyond the 5-minute marker.
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** BullMQ job ids may not contain `:`, and the de-duplication key does. */
export function wechatInboundJobId(message: InboundMessage): string {
  return `wx_${Buffer.from(message.id, 'utf8').toString('base64url')}`;
}

/** Validates and adds one job; resolves once Redis has it. */
export async function enqueueWechatInbound(queue: Queue, job: WechatInboundJob): Promise<void> {
  const data = wechatInboundJobSchema.parse(job);
  await queue.add(data.message.content.type, data, { jobId: wechatInboundJobId(data.message) });
}

/**
 * The producer the webhook adds to. Its connection fails fast (no offline queue, 2 s command
 * timeout): while Redis is away the webhook answers 503 at once and WeChat retries, instead of
 * the request hanging past WeChat's 5-second deadline.
 */
export async function createWechatInboundProducer(
  redisUrl: string,
  logger: Logger,
): Promise<{ queue: Queue; close(): Promise<void> }> {
  const report = throttledErrorLog((err) =>
    logger.warn({ err: err.message }, 'wechat-inbound producer error'),
  );
  const connection = createRedis(redisUrl, 'command', 'wechat-inbound-producer', report);
  const queue = new Queue(WECHAT_INBOUND_QUEUE, { connection, defaultJobOptions: wechatInboundJobOptions });
  queue.on('error', report);
  await whenReady(connection);
  return {
    queue,
    async close() {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
