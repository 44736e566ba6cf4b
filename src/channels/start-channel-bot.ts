import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/env';
import type { ProcessRole } from '../config/role';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { Bot, BotPuppet } from './bot';
import type { ConversationHandler } from './conversation-handler';
import type { SimulatorPuppet } from './simulator/simulator-puppet';
import { InboundClaims } from './wechat-oa/inbound-claims';
import { defaultOaApiLimits, OaApi } from './wechat-oa/oa-api';
import type { OaPuppet } from './wechat-oa/oa-puppet';
import { startWechatInboundWorker } from './wechat-oa/wechat-inbound-worker';

export type BotChoice = { kind: 'wechat' } | { kind: 'simulator' } | { kind: 'named'; name: string };

/**
 * Which bot this process runs, if any. The official account's bot runs in every role: the webhook
 * (`all`, `web`) hands it messages to answer passively, the `wechat-inbound` worker (`all`,
 * `worker`) the ones handed off to the queue; the simulator's lives with the web page that drives
 * it (`all`, `web`); a named puppet holds one login, so it runs where workers run (`all`, `worker`;
 * run one such process per account).
 */
export function chooseBot(
  config: Pick<AppConfig, 'channel' | 'wechatyPuppet'>,
  role: ProcessRole,
): BotChoice | null {
  if (config.wechatyPuppet !== null)
    return role === 'web' ? null : { kind: 'named', name: config.wechatyPuppet };
  if (config.channel === 'wechat') return { kind: 'wechat' };
  return role === 'worker' ? null : { kind: 'simulator' };
}

export interface ChannelBot {
  bot: Bot;
  /** Set on the simulator channel: the page's handle on its members. */
  simulator: SimulatorPuppet | null;
  /** Set on the WeChat channel: the puppet the webhook hands messages to for passive replies. */
  officialAccount: OaPuppet | null;
  /** Shutdown steps in start order (the composition root runs them in reverse). */
  steps: { name: string; run(): Promise<unknown> }[];
}

export interface StartChannelBotOptions {
  config: AppConfig;
  role: ProcessRole;
  /** A fail-fast command connection (the WeChat API's token and QR caches). */
  redis: Redis;
  redisUrl: string;
  handler: ConversationHandler;
  logger: Logger;
  metrics?: Metrics;
  clock: Clock;
}

/**
 * Starts the bot this process runs (see `chooseBot`) with the conversation plugin, and for the
 * official account (outside the `web` role) the `wechat-inbound` worker that feeds its puppet.
 * Wechaty and the puppet are imported here, only when a bot runs: a worker without one never
 * loads them, and the simulator's mock puppet (with faker) loads only on the simulator channel.
 */
export async function startChannelBot(options: StartChannelBotOptions): Promise<ChannelBot | null> {
  const { config, logger } = options;
  const choice = chooseBot(config, options.role);
  if (!choice) return null;
  const steps: ChannelBot['steps'] = [];

  if (choice.kind === 'wechat') {
    const credentials = config.wechat.credentials;
    if (!credentials) throw new Error('CHANNEL=wechat needs WECHAT_APP_ID and WECHAT_APP_SECRET');
    const api = new OaApi({
      apiBase: config.wechat.apiBase,
      credentials,
      redis: options.redis,
      logger,
      clock: options.clock,
    });
    const [{ OaPuppet }, { startBot }] = await Promise.all([
      import('./wechat-oa/oa-puppet'),
      import('./bot'),
    ]);
    const puppet = new OaPuppet({ api, logger });
    const bot = await startBot({
      puppet: { kind: 'wechat', puppet },
      handler: options.handler,
      logger,
      resolveUrl: (placeholder) => resolveWechatUrl(api, placeholder),
    });
    steps.push({ name: 'bot', run: () => bot.stop() });
    if (options.role !== 'web') {
      const worker = startWechatInboundWorker({
        redisUrl: options.redisUrl,
        puppet,
        logger,
        claims: new InboundClaims(options.redis),
        ...(options.metrics ? { metrics: options.metrics } : {}),
      });
      // Closed before the bot stops: jobs in flight still need the bot to finish.
      steps.push({ name: 'wechat-inbound worker', run: () => worker.close() });
    }
    return { bot, simulator: null, officialAccount: puppet, steps };
  }

  let simulator: SimulatorPuppet | null = null;
  let puppet: BotPuppet;
  if (choice.kind === 'simulator') {
    const { SimulatorPuppet } = await import('./simulator/simulator-puppet');
    simulator = new SimulatorPuppet({ clock: options.clock });
    puppet = { kind: 'simulator', puppet: simulator };
  } else {
    puppet = choice;
  }
  const { startBot } = await import('./bot');
  const bot = await startBot({
    puppet,
    handler: options.handler,
    logger,
    // The simulator page draws `chezhu:` placeholders itself (a QR of the scene, a member switch).
    ...(simulator ? { resolveUrl: async (placeholder: string) => placeholder } : {}),
  });
  steps.push({ name: 'bot', run: () => bot.stop() });
  return { bot, simulator, officialAccount: null, steps };
}

/** `chezhu:qr/<scene>` → the official account's QR image, `chezhu:link/<scene>` → its QR link. */
export async function resolveWechatUrl(
  api: Pick<OaApi, 'temporaryQrCode'>,
  placeholder: string,
): Promise<string | null> {
  const match = /^chezhu:(qr|link)\/([^/]{1,64})$/.exec(placeholder);
  if (!match) return null;
  const [, kind, scene] = match;
  const qr = await api.temporaryQrCode(scene!, defaultOaApiLimits.referralQrSeconds);
  if (!qr.ok) return null;
  return kind === 'qr' ? qr.imageUrl : qr.url;
}
