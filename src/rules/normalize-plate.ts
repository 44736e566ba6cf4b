/**
 * A mainland licence plate as staff or members type it → its canonical form, or null when it is
 * not a plate (RULES.md §5). Spaces, middle dots and hyphens are dropped, letters upper-cased and
 * full-width characters folded, so `粤B D12345`, `粤b·d12345` and `粤ＢＤ１２３４５` are all `粤BD12345`.
 *
 * Accepted (the issuing letter and the serial never use I or O, which read as 1 and 0):
 * - ordinary 7-character plates: province + letter + 5 letters/digits, the last may be 挂/学/警/港/澳
 *   (沪A12345, 京A1234学);
 * - 8-character new-energy plates: small cars D/F + a letter or digit + 4 digits (粤BD12345,
 *   粤BF1A234 is not one), large cars 5 digits + D/F (粤B12345D).
 */
export function normalizePlate(text: string): string | null {
  const compact = foldWidth(text)
    .replace(/[\s·•・.\-_]/g, '')
    .toUpperCase();
  if (ORDINARY.test(compact) || NEW_ENERGY_SMALL.test(compact) || NEW_ENERGY_LARGE.test(compact)) {
    return compact;
  }
  return null;
}

const PROVINCE = '[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]';
const LETTER = '[A-HJ-NP-Z]';
const SERIAL = '[A-HJ-NP-Z0-9]';
const ORDINARY = new RegExp(`^${PROVINCE}${LETTER}${SERIAL}{4}(?:${SERIAL}|[挂学警港澳])$`);
const NEW_ENERGY_SMALL = new RegExp(`^${PROVINCE}${LETTER}[DF]${SERIAL}\\d{4}$`);
const NEW_ENERGY_LARGE = new RegExp(`^${PROVINCE}${LETTER}\\d{5}[DF]$`);

/** Full-width ASCII (Ａ, １, －, the ideographic space) → half-width, as Chinese input methods type them. */
function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}
