import * as PUPPET from 'wechaty-puppet';
import type { Logger } from '../../lib/logger';
import { encodeChannelEvent } from '../channel-event';
import type { HandledOutcome } from '../conversation-plugin';
import type { InboundMessage } from '../inbound-message';
import type { OaApi } from './oa-api';

export interface OaPuppetOptions {
  /** The customer-service sender; only `sendText` is used. */
  api: Pick<OaApi, 'sendText'>;
  logger: Logger;
  /**
   * The official account's original id (`gh_…`), the bot's own contact. Unset → learnt from the
   * first message (WeChat names it in every one), which is when the bot then logs in.
   */
  accountId?: string;
  /** How long `deliver` waits for the bot to finish with a message. */
  handleTimeoutMs?: number;
  /** Message payloads kept for Wechaty to load (it reads each once, right after the event). */
  maxKeptMessages?: number;
}

interface Pending {
  promise: Promise<void>;
  settle(outcome: HandledOutcome): void;
  /** Set when the bot's texts for this message are kept here instead of sent (`deliverCaptured`). */
  capture: string[] | null;
}

/**
 * A Wechaty puppet over our official-account adapter (WECHAT.md §6 explains why not
 * wechaty-puppet-official-account). It has no connection of its own: the webhook feeds it with
 * `deliverCaptured` (the bot's texts come back for a passive reply) and the `wechat-inbound` worker
 * with `deliver` (the bot's replies go out as customer-service messages through `OaApi`).
 * Contacts are openids with payloads built on demand; text arrives as Text, every other member
 * action (follow with scene, menu click, image, delivery report…) as an Unknown message whose text
 * is a channel-event envelope, so the bot's plugins stay puppet-agnostic.
 */
export class OaPuppet extends PUPPET.Puppet {
  private readonly messages = new Map<string, PUPPET.payloads.Message>();
  private readonly pending = new Map<string, Pending>();
  private readonly knownOpenids = new Set<string>();
  /**
   * Per openid, the message the bot is handling now (it handles one per member at a time, see
   * `beginHandling`) and where its texts go: captured, or `null` for customer-service sends.
   */
  private readonly speaking = new Map<string, { messageId: string; capture: string[] | null }>();

  constructor(private readonly oa: OaPuppetOptions) {
    super();
  }

  override name(): string {
    return 'chezhu-oa-puppet';
  }

  override async onStart(): Promise<void> {
    if (this.oa.accountId) this.login(this.oa.accountId);
  }

  override async onStop(): Promise<void> {
    for (const [id, pending] of this.pending) {
      pending.settle({ ok: false, error: new Error(`bot stopped before message ${id} was handled`) });
    }
  }

  /**
   * Hands one member action to the bot and resolves once the bot reported it handled (through
   * `acknowledge`); rejects when the handler failed or did not finish in time, so the queue
   * retries it. Delivering an id that is still being handled waits for that same handling.
   */
  deliver(inbound: InboundMessage): Promise<void> {
    return this.handOver(inbound, null);
  }

  /**
   * Like `deliver`, but what the bot says in answer is captured instead of sent, and resolves
   * with those texts: the webhook answers with them in the HTTP response (a passive reply) or
   * drops them and hands the message to the queue, whose `deliver` then sends the replies the
   * conversation remembered for it. Either way nothing is sent twice.
   */
  async deliverCaptured(inbound: InboundMessage): Promise<string[]> {
    const capture: string[] = [];
    await this.handOver(inbound, capture);
    return capture;
  }

  private handOver(inbound: InboundMessage, capture: string[] | null): Promise<void> {
    const running = this.pending.get(inbound.id);
    if (running) {
      // A re-delivery of a message the bot is still handling waits for that handling; when the
      // running one is captured (its texts are not sent) or this one must be, it runs again after.
      if (running.capture === null && capture === null) return running.promise;
      const again = () => this.handOver(inbound, capture);
      return running.promise.then(again, again);
    }
    if (!this.isLoggedIn) this.login(inbound.accountId);
    else if (inbound.accountId !== this.currentUserId) {
      this.oa.logger.warn(
        { accountId: inbound.accountId, self: this.currentUserId },
        'message for another official account; handled as ours',
      );
    }
    this.knownOpenids.add(inbound.userId);
    this.keep(toMessagePayload(inbound, this.currentUserId));

    const timeoutMs = this.oa.handleTimeoutMs ?? 30_000;
    let settle!: (outcome: HandledOutcome) => void;
    const promise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          settle({ ok: false, error: new Error(`message ${inbound.id} not handled within ${timeoutMs} ms`) }),
        timeoutMs,
      );
      settle = (outcome) => {
        clearTimeout(timer);
        this.pending.delete(inbound.id);
        if (outcome.ok) resolve();
        else reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
      };
    });
    this.pending.set(inbound.id, { promise, settle, capture });
    this.emit('message', { messageId: inbound.id });
    return promise;
  }

  /**
   * The bot starts on a member's message (wired to the conversation plugin's `onHandling`, called
   * in order, one message per member at a time): until it is acknowledged, what the bot says to
   * that member belongs to this message.
   */
  beginHandling(messageId: string, talkerId: string): void {
    this.speaking.set(talkerId, { messageId, capture: this.pending.get(messageId)?.capture ?? null });
  }

  /** The bot finished with a message (wired to the conversation plugin's `onHandled`). */
  acknowledge(messageId: string, outcome: HandledOutcome): void {
    const pending = this.pending.get(messageId);
    for (const [talkerId, speaking] of this.speaking) {
      if (speaking.messageId === messageId) this.speaking.delete(talkerId);
    }
    pending?.settle(outcome);
  }

  override async contactRawPayload(id: string): Promise<PUPPET.payloads.Contact> {
    const self = this.isLoggedIn && id === this.currentUserId;
    return {
      id,
      name: self ? '会员助手' : '',
      type: self ? PUPPET.types.Contact.Official : PUPPET.types.Contact.Individual,
      gender: PUPPET.types.ContactGender.Unknown,
      avatar: '',
      phone: [],
      friend: !self,
    };
  }

  override async contactRawPayloadParser(payload: PUPPET.payloads.Contact): Promise<PUPPET.payloads.Contact> {
    return payload;
  }

  /** The openids seen by this process (WeChat's follower list is not fetched). */
  override async contactList(): Promise<string[]> {
    return [...this.knownOpenids];
  }

  override async messageRawPayload(id: string): Promise<PUPPET.payloads.Message> {
    const payload = this.messages.get(id);
    if (!payload) throw new Error(`unknown message ${id}`);
    return payload;
  }

  override async messageRawPayloadParser(payload: PUPPET.payloads.Message): Promise<PUPPET.payloads.Message> {
    return payload;
  }

  /** A customer-service text; a WeChat failure (window closed, unfollowed…) rejects the say. */
  override async messageSendText(conversationId: string, text: string): Promise<void> {
    const capture = this.speaking.get(conversationId)?.capture;
    if (capture) {
      capture.push(text);
      return;
    }
    const result = await this.oa.api.sendText(conversationId, text);
    if (!result.ok) {
      throw new Error(
        `customer-service text not delivered (${result.kind}${result.errcode ? ` ${result.errcode}` : ''}, ${result.sentParts} part(s) sent)`,
      );
    }
  }

  override async messageSendUrl(conversationId: string, link: PUPPET.payloads.UrlLink): Promise<void> {
    await this.messageSendText(
      conversationId,
      [link.title, link.description, link.url].filter(Boolean).join('\n'),
    );
  }

  // What an official account cannot do through this adapter (rooms, friendships, tags, contact
  // details, media): wechaty-puppet's own unsupported error, so a plugin can tell it apart.
  override async contactSelfQRCode(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactSelfName(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactSelfSignature(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactAlias(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactPhone(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactCorporationRemark(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactDescription(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async contactAvatar(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async conversationReadMark(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageContact(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageImage(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageRecall(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageFile(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageUrl(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageLocation(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageMiniProgram(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageSendFile(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageSendContact(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageSendLocation(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageSendMiniProgram(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async messageForward(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomRawPayloadParser(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomRawPayload(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomList(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomDel(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomAvatar(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomAdd(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomTopic(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomCreate(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomQuit(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomQRCode(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomMemberList(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomMemberRawPayload(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomMemberRawPayloadParser(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomAnnounce(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomInvitationAccept(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomInvitationRawPayload(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async roomInvitationRawPayloadParser(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async friendshipRawPayload(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async friendshipRawPayloadParser(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async friendshipSearchPhone(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async friendshipAdd(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async friendshipAccept(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async tagContactAdd(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async tagContactRemove(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async tagContactDelete(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async tagContactList(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async postRawPayload(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async postRawPayloadParser(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async postPublish(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async postSearch(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async tap(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }
  override async tapSearch(..._args: unknown[]): Promise<never> {
    return PUPPET.throwUnsupportedError();
  }

  override ding(data?: string): void {
    this.emit('dong', { data: data ?? '' });
  }

  private keep(payload: PUPPET.payloads.Message): void {
    this.messages.set(payload.id, payload);
    const max = this.oa.maxKeptMessages ?? 1_000;
    for (const id of this.messages.keys()) {
      if (this.messages.size <= max) break;
      this.messages.delete(id);
    }
  }
}

/** Text as a Text message; everything else as an Unknown message carrying the whole action. */
export function toMessagePayload(inbound: InboundMessage, selfId: string): PUPPET.payloads.Message {
  const text = inbound.content.type === 'text' ? inbound.content.text : encodeChannelEvent(inbound);
  return {
    id: inbound.id,
    talkerId: inbound.userId,
    listenerId: selfId,
    timestamp: Date.parse(inbound.sentAt),
    type: inbound.content.type === 'text' ? PUPPET.types.Message.Text : PUPPET.types.Message.Unknown,
    text,
  };
}
