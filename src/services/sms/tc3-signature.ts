import { createHash, createHmac } from 'node:crypto';

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  /** The product's service name, e.g. `sms`. */
  service: string;
  host: string;
  action: string;
  payload: string;
  /** Unix seconds; the credential date is its UTC date. */
  timestamp: number;
}

const CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256) for a JSON POST to `/`: the canonical
 * request over content-type, host and x-tc-action, the string to sign with the credential scope
 * `<date>/<service>/tc3_request`, and the key derived by HMAC chaining from `TC3<SecretKey>`.
 * Returns the `Authorization` header value.
 */
export function tc3Authorization(request: Tc3Request): string {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${CONTENT_TYPE}\nhost:${request.host}\nx-tc-action:${request.action.toLowerCase()}\n`,
    signedHeaders,
    sha256Hex(request.payload),
  ].join('\n');
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(request.timestamp),
    scope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const secretDate = hmac(`TC3${request.secretKey}`, date);
  const secretService = hmac(secretDate, request.service);
  const secretSigning = hmac(secretService, 'tc3_request');
  const signature = createHmac('sha256', secretSigning).update(stringToSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${request.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

export const TC3_CONTENT_TYPE = CONTENT_TYPE;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}
