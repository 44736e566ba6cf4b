import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's request signature: the parts (`[token, timestamp, nonce]` for `signature`,
 * `[token, timestamp, nonce, Encrypt]` for `msg_signature`) sorted lexicographically, joined
 * without a separator, SHA-1, lowercase hex.
 */
export function wechatSignature(parts: readonly string[]): string {
  // Plain code-unit order is what WeChat's own samples use (PHP sort with SORT_STRING).
  const joined = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('');
  return createHash('sha1').update(joined, 'utf8').digest('hex');
}

/** Constant-time comparison of a received signature with the expected one for `parts`. */
export function isValidSignature(parts: readonly string[], received: string | undefined): boolean {
  if (received === undefined || !/^[0-9a-fA-F]{40}$/.test(received)) return false;
  const expected = Buffer.from(wechatSignature(parts), 'hex');
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}
