import type { Reply } from '../conversation/reply';
import type { InboundMessage } from './inbound-message';

/**
 * A reply to the member, channel-neutral: the conversation runtime's `Reply` (text, optionally a
 * link or an image URL; `chezhu:` URLs are placeholders each channel resolves to its own).
 */
export type OutboundReply = Reply;

/**
 * The port between the channels and the conversation runtime (`ConversationService.handle`): one
 * inbound member action in, the replies to send back, in order. Implementations must tolerate the
 * same `inbound.id` twice (a queue retry after an outage) and throw only for outages and bugs.
 */
export type ConversationHandler = (inbound: InboundMessage) => Promise<OutboundReply[]>;
