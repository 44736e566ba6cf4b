import { z } from 'zod';

/**
 * What a member did, in channel-neutral terms: the conversation runtime reads this and never the
 * channel's wire format. Adapters translate into it (and drop what must not travel: precise
 * location never leaves the adapter, PIPL Art. 28).
 */
export const inboundContentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({ type: z.literal('image'), mediaId: z.string(), imageUrl: z.string() }),
  /** `recognition` is the channel's speech-to-text, when it provides one. */
  z.strictObject({
    type: z.literal('voice'),
    mediaId: z.string(),
    format: z.string(),
    recognition: z.string().nullable(),
  }),
  z.strictObject({ type: z.literal('link'), title: z.string(), url: z.string() }),
  /**
   * The member shared a location (`shared`) or the channel reported one on entering the chat
   * (`reported`). Coordinates and address are deliberately absent.
   */
  z.strictObject({ type: z.literal('location_received'), origin: z.enum(['shared', 'reported']) }),
  /** Started following the account; `scene` is the referral QR scene, without any prefix. */
  z.strictObject({ type: z.literal('follow'), scene: z.string().nullable() }),
  /** Stopped following: every later send to this user fails, and the link must be dropped. */
  z.strictObject({ type: z.literal('unfollow') }),
  /** An existing follower scanned a parametric QR code. */
  z.strictObject({ type: z.literal('scan'), scene: z.string() }),
  z.strictObject({ type: z.literal('menu_click'), key: z.string() }),
  z.strictObject({ type: z.literal('menu_view'), url: z.string() }),
  /** The channel's report on a message we sent (WeChat: TEMPLATESENDJOBFINISH). */
  z.strictObject({
    type: z.literal('delivery_report'),
    /** The id the channel returned when we sent it, exactly (64-bit, kept as a string). */
    sentMessageId: z.string(),
    status: z.enum(['delivered', 'blocked', 'failed']),
    /** The channel's own wording, e.g. `failed:user block`. */
    detail: z.string(),
  }),
  /** The channel's report on a mass send of ours (WeChat: MASSSENDJOBFINISH), for the whole job. */
  z.strictObject({
    type: z.literal('mass_send_report'),
    /** The msg_id the channel returned for the mass send, exactly (kept as a string). */
    sentMessageId: z.string(),
    /** The channel's own wording: `send success`, `send fail`, `err(10001)`… */
    status: z.string(),
    totalCount: z.number().int().nonnegative(),
    /** Recipients the channel filtered out (unfollowed, blocked…); null when not reported. */
    filterCount: z.number().int().nonnegative().nullable(),
    sentCount: z.number().int().nonnegative(),
    errorCount: z.number().int().nonnegative(),
  }),
]);
export type InboundContent = z.infer<typeof inboundContentSchema>;
export type InboundContentType = InboundContent['type'];

export const inboundMessageSchema = z.strictObject({
  /**
   * Stable per member action: the channel's re-deliveries of the same action carry the same id
   * (WeChat: `msg:<MsgId>` for messages, `evt:<openid>:<CreateTime>:<Event>` for events).
   */
  id: z.string().min(1).max(200),
  /** `wechaty`: any other Wechaty puppet, chosen with `WECHATY_PUPPET` (e.g. WeCom). */
  channel: z.enum(['wechat', 'simulator', 'wechaty']),
  /** The receiving account (WeChat: the official account's original id `gh_…`). */
  accountId: z.string().min(1),
  /** The member's id on that channel (WeChat: the openid, unique per account). */
  userId: z.string().min(1),
  /** The channel's message id (WeChat `MsgId`, kept as a string: it exceeds 2^53); null for events. */
  channelMessageId: z.string().nullable(),
  /** When the member acted, by the channel's clock (ISO instant, second precision for WeChat). */
  sentAt: z.iso.datetime({ offset: true }),
  content: inboundContentSchema,
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;
