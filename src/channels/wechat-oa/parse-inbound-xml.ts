import { z } from 'zod';
import { readXmlFields } from './read-xml-fields';

/**
 * WeChat's inbound XML (WECHAT.md §2), validated per MsgType / Event. Objects are not strict:
 * WeChat adds fields over time, and rejecting an unknown field would show members "该公众号暂时
 * 无法提供服务". Fields we must not carry (coordinates, address labels) are not in the schemas, so
 * zod drops them here.
 */

const digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`), 'must be digits');
// openids and original ids are URL-safe base64-like; the limit keeps Redis keys and job ids sane.
const wechatId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a WeChat id');
const msgId = digits(20);

const common = {
  ToUserName: wechatId,
  FromUserName: wechatId,
  CreateTime: digits(12),
};
const message = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ ...common, MsgType: z.literal(type), MsgId: msgId, ...shape });
const event = <T extends string, S extends z.ZodRawShape>(name: T, shape: S) =>
  z.object({ ...common, MsgType: z.literal('event'), Event: z.literal(name), ...shape });
const optionalText = z.string().optional();

const schemas = {
  text: message('text', { Content: z.string() }),
  image: message('image', { PicUrl: z.string(), MediaId: z.string().min(1) }),
  voice: message('voice', { MediaId: z.string().min(1), Format: z.string(), Recognition: optionalText }),
  // Location_X/Location_Y/Scale/Label are deliberately not read.
  location: message('location', {}),
  link: message('link', { Title: z.string(), Description: optionalText, Url: z.string() }),
  'event.subscribe': event('subscribe', { EventKey: optionalText, Ticket: optionalText }),
  'event.unsubscribe': event('unsubscribe', {}),
  'event.SCAN': event('SCAN', { EventKey: z.string(), Ticket: optionalText }),
  'event.CLICK': event('CLICK', { EventKey: z.string() }),
  'event.VIEW': event('VIEW', { EventKey: z.string(), MenuId: optionalText }),
  // Latitude/Longitude/Precision are deliberately not read.
  'event.LOCATION': event('LOCATION', {}),
  // Capital D: `MsgID`, unlike every other message.
  'event.TEMPLATESENDJOBFINISH': event('TEMPLATESENDJOBFINISH', { MsgID: msgId, Status: z.string().min(1) }),
  // The end of a mass send (also `MsgID`): WeChat's status and counts for the whole job.
  'event.MASSSENDJOBFINISH': event('MASSSENDJOBFINISH', {
    MsgID: msgId,
    Status: z.string().min(1),
    TotalCount: digits(10),
    FilterCount: digits(10).optional(),
    SentCount: digits(10),
    ErrorCount: digits(10),
  }),
} as const;

type Schemas = typeof schemas;
export type WechatInboundKind = keyof Schemas;
export type WechatInbound =
  | { [K in WechatInboundKind]: { kind: K } & z.infer<Schemas[K]> }[WechatInboundKind]
  | ({ kind: 'unsupported'; MsgType: string; Event?: string } & z.infer<typeof commonSchema>);

const commonSchema = z.object(common);
const typeFields = z.object({ MsgType: z.string().min(1), Event: z.string().optional() });

export type ParseInboundResult =
  | { ok: true; inbound: WechatInbound }
  | { ok: false; reason: 'not_xml' | 'unexpected_root' | 'invalid_fields'; detail: string };

/** Parses and validates one inbound POST body (plaintext XML, or the decrypted safe-mode XML). */
export function parseInboundXml(xml: string): ParseInboundResult {
  const read = readXmlFields(xml);
  if (!read.ok) return read;
  const types = typeFields.safeParse(read.fields);
  if (!types.success) return invalid(types.error);
  const { MsgType, Event } = types.data;
  const kind = MsgType === 'event' ? `event.${Event ?? ''}` : MsgType;
  if (!isKnownKind(kind)) {
    const base = commonSchema.safeParse(read.fields);
    if (!base.success) return invalid(base.error);
    return {
      ok: true,
      inbound: { kind: 'unsupported', ...base.data, MsgType, ...(Event === undefined ? {} : { Event }) },
    };
  }
  const parsed = schemas[kind].safeParse(read.fields);
  if (!parsed.success) return invalid(parsed.error);
  return { ok: true, inbound: { kind, ...parsed.data } as WechatInbound };
}

function isKnownKind(kind: string): kind is WechatInboundKind {
  return Object.hasOwn(schemas, kind);
}

function invalid(error: z.ZodError): ParseInboundResult {
  const detail = error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, reason: 'invalid_fields', detail };
}
