import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Plays WeChat's side of the webhook in tests: signs like WeChat (written here independently of
 * src/, so a bug there cannot hide in both), builds the documented XML, and encrypts for safe
 * mode.
 */
export function sha1Sorted(parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

export interface SignOptions {
  token: string;
  timestamp?: string;
  nonce?: string;
  /** Overrides the computed signature (a wrong one); `null` leaves it out. */
  signature?: string | null;
}

export function signedQuery(options: SignOptions, extra: Record<string, string> = {}): URLSearchParams {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({ timestamp, nonce, ...extra });
  const signature =
    options.signature === undefined ? sha1Sorted([options.token, timestamp, nonce]) : options.signature;
  if (signature !== null) query.set('signature', signature);
  query.set('openid', 'oIGNORED');
  return query;
}

export async function postXml(
  baseUrl: string,
  query: URLSearchParams,
  body: string,
  contentType = 'text/xml',
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/wechat?${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text, ms: performance.now() - started };
}

const cdata = (value: string) => `<![CDATA[${value}]]>`;

/** A message or event as WeChat sends it; values in CDATA except numbers, like the real thing. */
export function wechatXml(fields: Record<string, string | number | bigint>): string {
  const body = Object.entries(fields)
    .map(([tag, value]) => `<${tag}>${typeof value === 'string' ? cdata(value) : String(value)}</${tag}>`)
    .join('\n');
  return `<xml>${body}</xml>`;
}

export const ACCOUNT = 'gh_0a1b2c3d4e5f';

export function textXml(openid: string, msgId: string, content = '查积分', createTime = 1767225600): string {
  return `<xml><ToUserName>${cdata(ACCOUNT)}</ToUserName>
<FromUserName>${cdata(openid)}</FromUserName>
<CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType>
<Content>${cdata(content)}</Content><MsgId>${msgId}</MsgId></xml>`;
}

export function eventXml(
  openid: string,
  event: string,
  extra: Record<string, string | number | bigint> = {},
  createTime = 1767225700,
): string {
  return wechatXml({
    ToUserName: ACCOUNT,
    FromUserName: openid,
    CreateTime: createTime,
    MsgType: 'event',
    Event: event,
    ...extra,
  });
}

/** Safe-mode ciphertext built the documented way (AES-256-CBC, IV = key[0..16), PKCS#7 to 32). */
export function encryptForWechat(xml: string, encodingAesKey: string, appId: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const body = Buffer.from(xml);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), len, body, Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

export function uniqueOpenid(prefix = 'oTEST'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A 17-digit MsgId above 2^53, unique per call. */
export function bigMsgId(): string {
  return `2408608757${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}
