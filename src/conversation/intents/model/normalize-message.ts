import * as OpenCC from 'opencc-js/t2cn';
import { pinyin } from 'pinyin-pro';

/** Traditional (Taiwan, Hong Kong and plain OpenCC) → simplified, built once (~150 ms). */
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

/** Full-width folded (NFKC), lower case, traditional → simplified; punctuation kept (for slots). */
export function simplifyText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase());
}

/**
 * Words members put around a request that say nothing about it. Only removed when something is
 * left, so a lone 「嗯」 stays (it is small talk).
 */
const FILLERS = [
  '麻烦问一下',
  '麻烦问下',
  '请问一下',
  '请问',
  '麻烦',
  '那个',
  '就是',
  '嗯嗯',
  '嗯',
  '呃',
  '额',
  '诶',
  '哎',
] as const;
const FILLER = new RegExp(FILLERS.join('|'), 'gu');
const PUNCTUATION = /[\s\p{P}\p{S}]+/gu;
const HAN = /\p{Script=Han}/u;
// A space only survives between two Latin letters or digits ("check points"), never next to Chinese.
const SPACE_NEXT_TO_NON_LATIN = / (?![a-z0-9])|(?<![a-z0-9]) /g;

/**
 * A member's message as the intent model reads it: full-width folded to half-width (NFKC), lower
 * case, traditional → simplified, fillers and punctuation removed, digits kept. A message that is
 * only punctuation or emoji (「？」, 「👍」) keeps its symbols, since those carry the meaning.
 */
export function normalizeMessage(text: string): string {
  const folded = simplifyText(text);
  const plain = folded.replace(PUNCTUATION, ' ').trim().replace(SPACE_NEXT_TO_NON_LATIN, '');
  if (!plain) return folded.replace(/\s+/gu, '');
  const withoutFillers = plain.replace(FILLER, '').trim().replace(SPACE_NEXT_TO_NON_LATIN, '');
  return withoutFillers || plain;
}

const initialOf = new Map<string, string>();

/**
 * The pinyin initials of a normalised message, so 「积分」 and a typed 「jf」 share features:
 * each Chinese character becomes its first letter (single characters, cached, so polyphones take
 * their most common reading), a short Latin run (≤ 5 letters, the length of typed initials) is a
 * part of its own, and anything else only splits the parts. Parts are separated by one space.
 */
export function pinyinInitials(normal: string): string {
  let out = '';
  for (const run of normal.match(/\p{Script=Han}+|[a-z]+|[^\p{Script=Han}a-z]+/gu) ?? []) {
    if (HAN.test(run)) {
      for (const char of run) out += initialFor(char);
    } else if (/^[a-z]{1,5}$/.test(run)) {
      out += ` ${run} `;
    } else {
      out += ' ';
    }
  }
  return out.replace(/ +/g, ' ').trim();
}

function initialFor(char: string): string {
  let initial = initialOf.get(char);
  if (initial === undefined) {
    initial = pinyin(char, { pattern: 'first', toneType: 'none' }).toLowerCase();
    if (!/^[a-z]$/.test(initial)) initial = '';
    initialOf.set(char, initial);
  }
  return initial;
}
