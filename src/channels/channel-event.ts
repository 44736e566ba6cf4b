import { type InboundMessage, inboundMessageSchema } from './inbound-message';

/**
 * The text of a Wechaty message of type `Unknown` that carries a channel action Wechaty has no
 * message type for (a follow with its referral scene, an unfollow, a menu click, a delivery report,
 * an image with its media id). Puppets of ours encode; the conversation plugin decodes, so the
 * plugin needs no knowledge of any puppet. The version lets an old envelope still in a queue be
 * read after the format changes.
 */
const PREFIX = 'chezhu.channel-event/v1 ';

export function encodeChannelEvent(inbound: InboundMessage): string {
  return `${PREFIX}${JSON.stringify(inboundMessageSchema.parse(inbound))}`;
}

/** The carried action, or `null` when the text is not a valid envelope of a version we read. */
export function decodeChannelEvent(text: string): InboundMessage | null {
  if (!text.startsWith(PREFIX)) return null;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return null;
  }
  const parsed = inboundMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
