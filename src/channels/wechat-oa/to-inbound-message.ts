import type { InboundContent, InboundMessage } from '../inbound-message';
import type { WechatInbound } from './parse-inbound-xml';

export type ToInboundResult = { handled: true; message: InboundMessage } | { handled: false; reason: string };

const QR_SCENE_PREFIX = 'qrscene_';

/**
 * Translates validated WeChat XML into the channel-neutral `InboundMessage` (pure). The `id` is
 * the de-duplication key WECHAT.md §3 prescribes: `MsgId` for messages, FromUserName +
 * CreateTime + Event for events, so WeChat's retries of one action map to one id.
 */
export function toInboundMessage(inbound: WechatInbound): ToInboundResult {
  if (inbound.kind === 'unsupported') {
    const what = inbound.Event === undefined ? inbound.MsgType : `${inbound.MsgType}/${inbound.Event}`;
    return { handled: false, reason: `unsupported ${what}` };
  }
  const content = contentOf(inbound);
  if (!content.ok) return { handled: false, reason: content.reason };
  const isEvent = inbound.MsgType === 'event';
  // Mass-send reports all come from WeChat's 群发助手 account: two jobs may end in one second.
  const id = isEvent
    ? `evt:${inbound.FromUserName}:${inbound.CreateTime}:${inbound.Event}${inbound.kind === 'event.MASSSENDJOBFINISH' ? `:${inbound.MsgID}` : ''}`
    : `msg:${inbound.MsgId}`;
  return {
    handled: true,
    message: {
      id,
      channel: 'wechat',
      accountId: inbound.ToUserName,
      userId: inbound.FromUserName,
      channelMessageId: isEvent ? null : inbound.MsgId,
      sentAt: new Date(Number(inbound.CreateTime) * 1000).toISOString(),
      content: content.value,
    },
  };
}

type ContentResult = { ok: true; value: InboundContent } | { ok: false; reason: string };

function contentOf(inbound: Exclude<WechatInbound, { kind: 'unsupported' }>): ContentResult {
  const ok = (value: InboundContent): ContentResult => ({ ok: true, value });
  switch (inbound.kind) {
    case 'text':
      return ok({ type: 'text', text: inbound.Content });
    case 'image':
      return ok({ type: 'image', mediaId: inbound.MediaId, imageUrl: inbound.PicUrl });
    case 'voice':
      return ok({
        type: 'voice',
        mediaId: inbound.MediaId,
        format: inbound.Format,
        recognition: inbound.Recognition?.trim() ? inbound.Recognition : null,
      });
    case 'link':
      return ok({ type: 'link', title: inbound.Title, url: inbound.Url });
    case 'location':
      return ok({ type: 'location_received', origin: 'shared' });
    case 'event.LOCATION':
      return ok({ type: 'location_received', origin: 'reported' });
    case 'event.subscribe':
      return ok({ type: 'follow', scene: followScene(inbound.EventKey) });
    case 'event.unsubscribe':
      return ok({ type: 'unfollow' });
    case 'event.SCAN':
      // An existing follower's scan carries the scene without the `qrscene_` prefix.
      if (inbound.EventKey === '') return { ok: false, reason: 'SCAN without a scene' };
      return ok({ type: 'scan', scene: inbound.EventKey });
    case 'event.CLICK':
      return ok({ type: 'menu_click', key: inbound.EventKey });
    case 'event.VIEW':
      return ok({ type: 'menu_view', url: inbound.EventKey });
    case 'event.TEMPLATESENDJOBFINISH':
      return ok({
        type: 'delivery_report',
        sentMessageId: inbound.MsgID,
        status: templateStatus(inbound.Status),
        detail: inbound.Status,
      });
    case 'event.MASSSENDJOBFINISH':
      return ok({
        type: 'mass_send_report',
        sentMessageId: inbound.MsgID,
        status: inbound.Status,
        totalCount: Number(inbound.TotalCount),
        filterCount: inbound.FilterCount === undefined ? null : Number(inbound.FilterCount),
        sentCount: Number(inbound.SentCount),
        errorCount: Number(inbound.ErrorCount),
      });
  }
}

/** `qrscene_ref_K7MX9Q` → `ref_K7MX9Q`; an ordinary follow (no or empty EventKey) → null. */
function followScene(eventKey: string | undefined): string | null {
  if (!eventKey?.startsWith(QR_SCENE_PREFIX)) return null;
  const scene = eventKey.slice(QR_SCENE_PREFIX.length);
  return scene === '' ? null : scene;
}

/** `success` / `failed:user block` / `failed: system failed` (WeChat's spacing varies). */
function templateStatus(status: string): 'delivered' | 'blocked' | 'failed' {
  if (status === 'success') return 'delivered';
  if (/user\s*block/i.test(status)) return 'blocked';
  return 'failed';
}
