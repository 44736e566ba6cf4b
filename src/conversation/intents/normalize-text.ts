/**
 * Free text as the matchers compare it: full-width ASCII folded to half-width, lower case, and
 * spaces and punctuation (Chinese and Western) removed, so `查 积分！` and `查积分` are one text.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}
