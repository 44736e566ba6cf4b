import type { Message, Wechaty, WechatyPlugin } from 'wechaty';
import * as PUPPET_TYPES from 'wechaty-puppet/types';
import type { Logger } from '../lib/logger';
import { decodeChannelEvent } from './channel-event';
import type { ConversationHandler, OutboundReply } from './conversation-handler';
import type { InboundMessage } from './inbound-message';
import { KeyedSequencer } from './keyed-sequencer';

/** How one member message ended; `replies` counts the replies the puppet accepted. */
export type HandledOutcome =
  | { ok: true; replies: number; failedReplies: number; ignored: boolean }
  | { ok: false; error: unknown };

export interface ConversationPluginOptions {
  handler: ConversationHandler;
  /** The channel tag every translated message carries (`wechat`, `simulator`, `wechaty`). */
  channel: InboundMessage['channel'];
  logger?: Logger;
  /**
   * Called once per member message after its replies went out (or the handler failed). Puppets
   * that must hand a message on in order (the official-account queue) wait for it.
   */
  onHandled?: (messageId: string, outcome: HandledOutcome) => void;
  /**
   * Called when the bot starts on a member message, in order and one message per member at a
   * time, so a puppet knows which message the following `say`s to that member answer (the
   * official-account puppet turns them into a passive reply for the webhook).
   */
  onHandling?: (messageId: string, talkerId: string) => void;
  /**
   * Turns a `chezhu:` placeholder URL (`chezhu:qr/<scene>`, `chezhu:link/<scene>`) into this
   * channel's own; `null` leaves the URL out. Without it placeholders are left out, since a member
   * cannot open them.
   */
  resolveUrl?: (placeholder: string) => Promise<string | null>;
}

/** The facts of a Wechaty message the translator needs, read once so the translator stays pure. */
export interface MessageFacts {
  id: string;
  type: PUPPET_TYPES.Message;
  text: string;
  talkerId: string;
  /** The bot's own contact id (the official account, the simulator's assistant…). */
  selfId: string;
  inRoom: boolean;
  date: Date;
}

/**
 * The conversation as a Wechaty plugin: every member message, from whatever puppet, is translated
 * into an `InboundMessage`, handed to the conversation handler, and its replies are said back to
 * the member in order. Returns the uninstaller (`bot.use` collects it).
 */
export function ConversationPlugin(options: ConversationPluginOptions): WechatyPlugin {
  return (bot: Wechaty) => {
    // One member's messages are handled one after another, whatever the puppet.
    const sequencer = new KeyedSequencer();
    const onMessage = async (message: Message) => {
      let facts: MessageFacts;
      try {
        facts = messageFacts(message, bot);
      } catch (err) {
        options.logger?.error({ err, messageId: message.id }, 'message could not be read');
        options.onHandled?.(message.id, { ok: false, error: err });
        return;
      }
      if (!isMemberMessage(facts)) return;
      // Both hooks run inside the member's turn: the next message of the member starts after them.
      await sequencer.run(facts.talkerId, async () => {
        options.onHandling?.(facts.id, facts.talkerId);
        options.onHandled?.(facts.id, await handleMessage(message, facts, options));
      });
    };
    bot.on('message', onMessage);
    return () => {
      bot.off('message', onMessage);
    };
  };
}

async function handleMessage(
  message: Message,
  facts: MessageFacts,
  options: ConversationPluginOptions,
): Promise<HandledOutcome> {
  const inbound = toInboundMessage(facts, options.channel);
  if (!inbound) {
    options.logger?.debug({ messageId: facts.id, type: facts.type }, 'message type not handled; ignored');
    return { ok: true, replies: 0, failedReplies: 0, ignored: true };
  }
  let replies: OutboundReply[];
  try {
    replies = await options.handler(inbound);
  } catch (error) {
    options.logger?.error({ err: error, messageId: facts.id }, 'conversation handler failed');
    return { ok: false, error };
  }
  // A reply that cannot be delivered (the member unfollowed, WeChat's window closed) is logged and
  // the rest still go out: handling the message again would repeat what it already did.
  const talker = message.talker();
  let sent = 0;
  for (const reply of replies) {
    try {
      await talker.say(renderReply(await resolveReply(reply, options.resolveUrl)));
      sent++;
    } catch (err) {
      options.logger?.warn({ err, messageId: facts.id }, 'reply not delivered');
    }
  }
  return { ok: true, replies: sent, failedReplies: replies.length - sent, ignored: false };
}

/** Reads what the translator needs from a loaded Wechaty message. */
export function messageFacts(message: Message, bot: Wechaty): MessageFacts {
  return {
    id: message.id,
    type: message.type(),
    text: message.text(),
    talkerId: message.talker().id,
    selfId: bot.currentUser.id,
    inRoom: message.room() !== undefined,
    date: message.date(),
  };
}

/** Members talk to the assistant one to one; the bot's own sends come back on some puppets. */
export function isMemberMessage(facts: MessageFacts): boolean {
  return facts.talkerId !== facts.selfId && !facts.inRoom;
}

/**
 * The channel-neutral form of a member message: a decoded envelope for actions Wechaty has no
 * type for, plain text for text from any puppet, `null` for what the assistant does not read.
 * An envelope must name the talker and this channel, so a crafted one cannot act for someone else.
 */
export function toInboundMessage(
  facts: MessageFacts,
  channel: InboundMessage['channel'],
): InboundMessage | null {
  if (facts.type === PUPPET_TYPES.Message.Unknown) {
    const carried = decodeChannelEvent(facts.text);
    if (!carried || carried.userId !== facts.talkerId || carried.channel !== channel) return null;
    return carried;
  }
  if (facts.type !== PUPPET_TYPES.Message.Text) return null;
  return {
    id: facts.id,
    channel,
    accountId: facts.selfId,
    userId: facts.talkerId,
    channelMessageId: facts.id,
    sentAt: facts.date.toISOString(),
    content: { type: 'text', text: facts.text },
  };
}

/**
 * What a reply becomes on Wechaty: text, followed by its link and image URL on their own lines,
 * which every puppet can deliver (link cards are no-ops on the mock puppet, and an official-account
 * image needs a media upload first); richer rendering belongs to a channel that can show it.
 */
export function renderReply(reply: OutboundReply): string {
  return [reply.text, reply.linkUrl, reply.imageUrl].filter(Boolean).join('\n');
}

/** The reply with its `chezhu:` placeholders resolved by the channel, or left out. */
export async function resolveReply(
  reply: OutboundReply,
  resolveUrl?: (placeholder: string) => Promise<string | null>,
): Promise<OutboundReply> {
  const resolve = async (url: string | undefined) => {
    if (url === undefined || !url.startsWith('chezhu:')) return url;
    return (resolveUrl ? await resolveUrl(url) : null) ?? undefined;
  };
  const [linkUrl, imageUrl] = await Promise.all([resolve(reply.linkUrl), resolve(reply.imageUrl)]);
  return {
    text: reply.text,
    ...(linkUrl === undefined ? {} : { linkUrl }),
    ...(imageUrl === undefined ? {} : { imageUrl }),
  };
}
