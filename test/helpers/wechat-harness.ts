import { Queue } from 'bullmq';
import { createRedis } from '../../src/infra/redis-connections';
import { WECHAT_INBOUND_QUEUE, type WechatInboundJob } from '../../src/queues/wechat-inbound-queue';
import { type ApiHarness, startApiHarness } from './api-harness';

export interface WechatHarness {
  api: ApiHarness;
  /** The `wechat-inbound` queue, read from the test side. */
  inbound: Queue;
  /** Every hand-off in any state: the runtime's own worker may already have taken them. */
  jobs(): Promise<WechatInboundJob[]>;
  stop(): Promise<void>;
}

/**
 * The real runtime in WeChat mode (no WeChat API reachable) and a reader of its inbound queue.
 * Every message goes to the queue (`WECHAT_PASSIVE_REPLY_MS=0`) unless `env` says otherwise.
 */
export async function startWechatHarness(
  env: { WECHAT_TOKEN: string } & Record<string, string>,
): Promise<WechatHarness> {
  const api = await startApiHarness({
    env: {
      CHANNEL: 'wechat',
      WECHAT_APP_ID: 'wx0123456789abcdef',
      WECHAT_APP_SECRET: 'test-app-secret-not-real',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      SMS_PROVIDER: 'dev',
      WECHAT_PASSIVE_REPLY_MS: '0',
      ...env,
    },
  });
  const inbound = new Queue(WECHAT_INBOUND_QUEUE, {
    connection: createRedis(api.runtime.redisUrl, 'worker', 'test-inbound-reader'),
  });
  return {
    api,
    inbound,
    async jobs() {
      const all = await inbound.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
      return all.map((j) => j.data as WechatInboundJob);
    },
    async stop() {
      await inbound.close();
      await api.stop();
    },
  };
}
