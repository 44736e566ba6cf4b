/**
 * Numbers as members type them: Arabic (1234, 1,234.5), Chinese (一千二百, 两千五), mixed with
 * units (3万2, 1.2万, 3k, 3w) and the spoken shortening where a last digit after a unit means one
 * unit lower (一千二 = 1,200, 三万二 = 32,000, 一百五 = 150; 一千零二 = 1,002 is not shortened).
 */

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, k: 1000 };
const MYRIAD = new Set(['万', 'w']);

const CHINESE_DIGIT = '零〇一二两三四五六七八九';
const ARABIC = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;

/**
 * A number expression as a regular-expression source (no groups): starts with a digit or a
 * Chinese numeral and runs through units, so 「3万2」「一千二百」「1,234.5」「1.2万」 are one match.
 * `k`/`w` count only when no other Latin letter follows (3k, not the k of 3km).
 */
export const NUMBER_SOURCE = `(?:${ARABIC}|[${CHINESE_DIGIT}十])(?:${ARABIC}|[${CHINESE_DIGIT}十百千万]|[kw](?![a-z]))*`;

type Token =
  | { kind: 'number'; value: number; digits: number }
  | { kind: 'unit'; value: number }
  | { kind: 'zero' };

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  const pattern = new RegExp(`(${ARABIC})|([${CHINESE_DIGIT}])|([十百千k])|([万w])`, 'gy');
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) return null;
    index = pattern.lastIndex;
    if (match[1]) {
      const plain = match[1].replace(/,/g, '');
      tokens.push({ kind: 'number', value: Number(plain), digits: plain.split('.')[0]!.length });
    } else if (match[2]) {
      const value = DIGITS[match[2]]!;
      tokens.push(value === 0 ? { kind: 'zero' } : { kind: 'number', value, digits: 1 });
    } else if (match[3]) {
      tokens.push({ kind: 'unit', value: SMALL_UNITS[match[3]]! });
    } else if (match[4] && MYRIAD.has(match[4])) {
      tokens.push({ kind: 'unit', value: 10_000 });
    }
  }
  return tokens;
}

/** The value of one number expression (see `NUMBER_SOURCE`); null when it does not read as one. */
export function parseNumber(text: string): number | null {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return null;
  let total = 0;
  let section = 0;
  let pending: { value: number; digits: number } | null = null;
  let lastUnit: number | null = null;
  let zeroSince = false;
  for (const token of tokens) {
    if (token.kind === 'zero') {
      if (pending) return null;
      zeroSince = true;
      continue;
    }
    if (token.kind === 'number') {
      // Two numbers in a row (「一二」, 「3 4」) are not one amount.
      if (pending) return null;
      pending = { value: token.value, digits: token.digits };
      continue;
    }
    if (token.value === 10_000) {
      const head = section + (pending?.value ?? 0);
      if (head === 0 || total > 0) return null;
      total = head * 10_000;
      section = 0;
    } else {
      // 十 alone is 10 (十五); any other unit needs a number before it.
      const head = pending?.value ?? (token.value === 10 ? 1 : null);
      if (head === null) return null;
      if (lastUnit !== null && lastUnit !== 10_000 && token.value >= lastUnit) return null;
      section += head * token.value;
    }
    lastUnit = token.value;
    pending = null;
    zeroSince = false;
  }
  if (pending) {
    // 一千二 → 1,200: one digit right after a unit, with no 零 between, is one unit lower.
    const shortened =
      lastUnit !== null && !zeroSince && pending.digits === 1 && Number.isInteger(pending.value);
    section += shortened ? (pending.value * lastUnit!) / 10 : pending.value;
  }
  const value = total + section;
  return Number.isFinite(value) ? value : null;
}
