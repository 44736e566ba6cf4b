import type { Wechaty } from 'wechaty';
// The narrow entry: `wechaty`'s main one also loads its IO client, puppet-service helpers and more
// (about 0.4 s and 17 MB more at start-up) that no puppet of ours uses.
import { WechatyImpl } from 'wechaty/impls';
import * as PUPPET from 'wechaty-puppet';
import type { Logger } from '../lib/logger';
import type { ConversationHandler } from './conversation-handler';
import { ConversationPlugin, type HandledOutcome } from './conversation-plugin';
import type { InboundMessage } from './inbound-message';
import type { SimulatorPuppet } from './simulator/simulator-puppet';
import type { OaPuppet } from './wechat-oa/oa-puppet';

/** The puppet a bot runs on: ours for the official account and the simulator, or any by npm name. */
export type BotPuppet =
  | { kind: 'wechat'; puppet: OaPuppet }
  | { kind: 'simulator'; puppet: SimulatorPuppet }
  | { kind: 'named'; name: string };

export interface Bot {
  wechaty: Wechaty;
  /** The channel tag the conversation sees on every message. */
  channel: InboundMessage['channel'];
  /** The puppet instance Wechaty runs on (the named one once resolved). */
  puppet: PUPPET.impls.PuppetInterface;
  stop(): Promise<void>;
}

export interface StartBotOptions {
  puppet: BotPuppet;
  handler: ConversationHandler;
  logger: Logger;
  /** The channel's own URLs for `chezhu:` placeholders (see `ConversationPluginOptions`). */
  resolveUrl?: (placeholder: string) => Promise<string | null>;
}

/** A puppet that wants to know when the bot has finished with one of its messages. */
interface Acknowledging {
  acknowledge(messageId: string, outcome: HandledOutcome): void;
  /** Told when the bot starts on a message (the official-account puppet captures its replies). */
  beginHandling?(messageId: string, talkerId: string): void;
}

/**
 * Builds and starts the Wechaty bot with the conversation plugin on the chosen puppet. Puppets of
 * ours are told when each message has been handled (the official-account queue completes its job
 * then; the simulator answers the page). A named puppet is resolved like Wechaty resolves
 * `WECHATY_PUPPET` (an installed npm package exporting a puppet class) and reads its own options
 * (tokens) from its documented environment variables; its login QR code is logged.
 */
export async function startBot(options: StartBotOptions): Promise<Bot> {
  const { logger } = options;
  const chosen = options.puppet;
  const puppet: PUPPET.impls.PuppetInterface =
    chosen.kind === 'named'
      ? await PUPPET.helpers.resolvePuppet({ puppet: chosen.name as `wechaty-puppet-${string}` })
      : chosen.puppet;
  const channel: InboundMessage['channel'] = chosen.kind === 'named' ? 'wechaty' : chosen.kind;
  const acknowledging = chosen.kind === 'named' ? null : (chosen.puppet as Acknowledging);

  const wechaty: Wechaty = new WechatyImpl({ puppet });
  wechaty.use(
    ConversationPlugin({
      handler: options.handler,
      channel,
      logger,
      onHandled: (messageId, outcome) => acknowledging?.acknowledge(messageId, outcome),
      onHandling: (messageId, talkerId) => acknowledging?.beginHandling?.(messageId, talkerId),
      ...(options.resolveUrl ? { resolveUrl: options.resolveUrl } : {}),
    }),
  );
  wechaty.on('error', (err) => logger.error({ err }, 'wechaty error'));
  wechaty.on('login', (user) => logger.info({ channel, self: user.id }, 'bot logged in'));
  wechaty.on('scan', (qrcode, status) =>
    logger.info({ channel, status, qrcode }, 'bot waiting for a login scan'),
  );
  await wechaty.start();
  logger.info({ channel, puppet: puppet.name() }, 'bot started');
  return {
    wechaty,
    channel,
    puppet,
    stop: () => wechaty.stop(),
  };
}
