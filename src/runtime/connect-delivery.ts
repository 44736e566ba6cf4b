import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OaApi } from '../channels/wechat-oa/oa-api';
import type { AppConfig } from '../config/env';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import { bullDeliveryJobs } from '../queues/delivery-jobs';
import type { DeliverySender } from '../services/delivery-service';
import type { MassSender } from '../services/mass-send-service';
import type { Services } from '../services/services';

/** Where simulated sends also appear: the simulator's chats, once its bot runs in this process. */
export interface SimulatedInbox {
  push(openid: string, text: string): boolean;
}

/**
 * Connects `DeliveryService` to the `delivery` queue (every role enqueues) and to the official
 * account's API when credentials are configured; without them (the simulator) messages are
 * written to the log, shown in the simulator's chats when `inbox.current` is set, and count as
 * sent. Outcomes are counted in `deliveries_total`. Returns the sender, which also makes the mass
 * sends of the batcher.
 */
export function connectDelivery(
  services: Services,
  parts: {
    queue: Queue;
    config: AppConfig;
    redis: Redis;
    logger: Logger;
    metrics: Metrics;
    clock: Clock;
    inbox?: { current: SimulatedInbox | null };
  },
): DeliverySender & MassSender {
  const { config, logger } = parts;
  const credentials = config.wechat.credentials;
  const sender: DeliverySender & MassSender = credentials
    ? new OaApi({
        apiBase: config.wechat.apiBase,
        credentials,
        redis: parts.redis,
        logger,
        clock: parts.clock,
      })
    : loggingSender(logger, parts.inbox ?? { current: null });
  services.delivery.connect({ jobs: bullDeliveryJobs(parts.queue), sender });
  services.delivery.onOutcome(({ outcome }) => {
    const channel = 'channel' in outcome ? outcome.channel : 'none';
    parts.metrics.deliveries.inc({ channel, outcome: outcome.status });
  });
  return sender;
}

function loggingSender(
  logger: Logger,
  inbox: { current: SimulatedInbox | null },
): DeliverySender & MassSender {
  let counter = 0;
  return {
    async sendText(openid, text) {
      logger.info({ openid, text }, 'simulated customer-service message');
      inbox.current?.push(openid, text);
      return { ok: true };
    },
    async sendTemplate(message) {
      logger.info(
        { openid: message.openid, template: message.templateId, data: message.data },
        'simulated template message',
      );
      inbox.current?.push(message.openid, templateAsText(message.data));
      counter++;
      return { ok: true, msgId: `sim-${counter}` };
    },
    async massSendText(message) {
      logger.info(
        { openids: message.openids.length, text: message.text, clientMsgId: message.clientMsgId },
        'simulated mass send',
      );
      for (const openid of message.openids) inbox.current?.push(openid, message.text);
      counter++;
      return { ok: true, msgId: `sim-${counter}`, msgDataId: null, duplicate: false };
    },
  };
}

/** A template message as the simulator shows it: a service-notice card flattened to lines. */
function templateAsText(data: Record<string, string>): string {
  return ['【服务通知】', ...Object.values(data).filter((value) => value.trim() !== '')].join('\n');
}
