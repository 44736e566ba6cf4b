import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { wechatSignature } from './signature';

/**
 * Safe mode (安全模式) message encryption, as WeChat specifies it: AES-256-CBC with the key from
 * the 43-character EncodingAESKey and IV = the key's first 16 bytes, PKCS#7 padding to a 32-byte
 * block, plaintext = 16 random bytes + 4-byte big-endian length + XML + AppID. Pure functions;
 * the randomness is a parameter so tests can build fixed vectors.
 */

const PAD_BLOCK = 32;

/** `base64decode(EncodingAESKey + "=")`; throws on anything that is not 32 bytes. */
export function decodeEncodingAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new Error('EncodingAESKey must be 43 base64 characters');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  return key;
}

export function pkcs7Pad(data: Buffer, block = PAD_BLOCK): Buffer {
  const n = block - (data.length % block);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** The unpadded data, or null when the padding is not valid PKCS#7 for `block`. */
export function pkcs7Unpad(data: Buffer, block = PAD_BLOCK): Buffer | null {
  const n = data.at(-1);
  if (n === undefined || n < 1 || n > block || n > data.length) return null;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return null;
  return data.subarray(0, data.length - n);
}

/** The base64 ciphertext of `xml` for `appId` (what goes into `<Encrypt>`). */
export function encryptMessage(
  xml: string,
  key: Buffer,
  appId: string,
  random: Buffer = randomBytes(16),
): string {
  if (random.length !== 16) throw new Error('the random prefix must be 16 bytes');
  const body = Buffer.from(xml, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export type DecryptResult =
  | { ok: true; xml: string }
  | { ok: false; reason: 'malformed' | 'bad_padding' | 'app_id_mismatch' };

/** Decrypts `<Encrypt>` and checks that the trailing AppID is ours. */
export function decryptMessage(encrypted: string, key: Buffer, appId: string): DecryptResult {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return { ok: false, reason: 'malformed' };
  const data = Buffer.from(encrypted, 'base64');
  // At least the random prefix and the length field, in whole AES blocks.
  if (data.length < PAD_BLOCK || data.length % 16 !== 0) return { ok: false, reason: 'malformed' };
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(data), decipher.final()]);
  const plain = pkcs7Unpad(padded);
  if (!plain || plain.length < 20) return { ok: false, reason: 'bad_padding' };
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) return { ok: false, reason: 'malformed' };
  const from = plain.subarray(20 + length).toString('utf8');
  if (from !== appId) return { ok: false, reason: 'app_id_mismatch' };
  return { ok: true, xml: plain.subarray(20, 20 + length).toString('utf8') };
}

export interface SealOptions {
  token: string;
  key: Buffer;
  appId: string;
  /** Integer seconds, as a string (what goes into `<TimeStamp>`). */
  timestamp: string;
  nonce: string;
  random?: Buffer;
}

/**
 * A passive reply in safe mode: the reply XML encrypted like an inbound message and wrapped as
 * `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`, the signature covering
 * `[token, timestamp, nonce, Encrypt]`.
 */
export function sealReply(replyXml: string, options: SealOptions): string {
  const encrypt = encryptMessage(replyXml, options.key, options.appId, options.random);
  const signature = wechatSignature([options.token, options.timestamp, options.nonce, encrypt]);
  return (
    `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
    `<MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
    `<TimeStamp>${options.timestamp}</TimeStamp>` +
    `<Nonce><![CDATA[${options.nonce}]]></Nonce></xml>`
  );
}
