import { splitText } from './split-text';

export interface PassiveTextReply {
  /** The member's openid (the inbound message's FromUserName). */
  toUser: string;
  /** Our account's original id (the inbound message's ToUserName). */
  fromAccount: string;
  content: string;
  at: Date;
}

/**
 * A passive text reply (the XML body answering a POST): To and From swapped relative to the
 * inbound message, `CreateTime` in integer seconds, strings in CDATA, content cut to WeChat's
 * 2048 bytes. In safe mode, wrap it with `sealReply`.
 */
export function renderPassiveText(reply: PassiveTextReply): string {
  const content = splitText(reply.content, 2048, 1).parts[0] ?? '';
  return (
    `<xml><ToUserName>${cdata(reply.toUser)}</ToUserName>` +
    `<FromUserName>${cdata(reply.fromAccount)}</FromUserName>` +
    `<CreateTime>${Math.floor(reply.at.getTime() / 1000)}</CreateTime>` +
    `<MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content></xml>`
  );
}

/** CDATA cannot contain `]]>`; split it across two sections. */
function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
