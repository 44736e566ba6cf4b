import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OaApi } from '../channels/wechat-oa/oa-api';
import type { AppConfig } from '../config/env';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import { bullDeliveryJobs } from '../queues/delivery-jobs';
import type { DeliverySender } from '../services/delivery-service';
import type { Services } from '../services/services';

/**
 * Connects `DeliveryService` to the `delivery` queue (every role enqueues) and to the official
 * account's API when credentials are configured; without them (the simulator) messages are
 * written to the log and count as sent. Outcomes are counted in `deliveries_total`.
 */
export function connectDelivery(
  services: Services,
  parts: { queue: Queue; config: AppConfig; redis: Redis; logger: Logger; metrics: Metrics; clock: Clock },
): void {
  const { config, logger } = parts;
  const credentials = config.wechat.credentials;
  const sender: DeliverySender = credentials
    ? new OaApi({
        apiBase: config.wechat.apiBase,
        credentials,
        redis: parts.redis,
        logger,
        clock: parts.clock,
      })
    : loggingSender(logger);
  services.delivery.connect({ jobs: bullDeliveryJobs(parts.queue), sender });
  services.delivery.onOutcome(({ outcome }) => {
    const channel = 'channel' in outcome ? outcome.channel : 'none';
    parts.metrics.deliveries.inc({ channel, outcome: outcome.status });
  });
}

function loggingSender(logger: Logger): DeliverySender {
  let counter = 0;
  return {
    async sendText(openid, text) {
      logger.info({ openid, text }, 'simulated customer-service message');
      return { ok: true };
    },
    async sendTemplate(message) {
      logger.info(
        { openid: message.openid, template: message.templateId, data: message.data },
        'simulated template message',
      );
      counter++;
      return { ok: true, msgId: `sim-${counter}` };
    },
  };
}
