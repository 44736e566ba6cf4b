export interface SplitText {
  parts: string[];
  /** The text did not fit into `maxParts` parts; the last part ends with `…`. */
  truncated: boolean;
}

/**
 * Splits a reply into WeChat-sized text messages: each part at most `maxBytes` of UTF-8 (WeChat
 * counts bytes: 2048 for a text message, i.e. about 680 Chinese characters), cut at a line break
 * when one falls in the second half of the part, never inside a character. Every part costs one
 * customer-service send of a small per-window allowance (5 per 48 h after a message), so at most
 * `maxParts` are produced and the rest is cut with `…`.
 */
export function splitText(text: string, maxBytes = 2048, maxParts = 2): SplitText {
  if (maxBytes < 8 || maxParts < 1) throw new RangeError('maxBytes ≥ 8 and maxParts ≥ 1');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > 0 && parts.length < maxParts) {
    if (utf8Length(rest) <= maxBytes) {
      parts.push(rest);
      rest = '';
      break;
    }
    const cut = prefixWithin(rest, maxBytes);
    const newline = rest.lastIndexOf('\n', cut - 1);
    const at = newline >= cut / 2 ? newline + 1 : cut;
    parts.push(rest.slice(0, at).replace(/\n$/, ''));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length === 0) return { parts, truncated: false };
  const last = parts.pop() ?? '';
  const ellipsis = '…';
  parts.push(`${last.slice(0, prefixWithin(last, maxBytes - utf8Length(ellipsis)))}${ellipsis}`);
  return { parts, truncated: true };
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix (in UTF-16 units, never splitting a surrogate pair) of at most `maxBytes`. */
function prefixWithin(text: string, maxBytes: number): number {
  let bytes = 0;
  let index = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    index += char.length;
  }
  return index;
}
