import { normalizeMessage, pinyinInitials } from './normalize-message';

/** A negation is counted this many times, so two characters weigh against a sentence's worth. */
const NEGATION_WEIGHT = 3;
/**
 * A negation and the two characters it applies to (after small words such as 再/给我/要):
 * 「不要退订」 and 「取消退订」 give `n:退订`, 「别再给我发广告」 gives `n:发广`, so 「不要退订」 can
 * learn to mean the opposite of 「我要退订」 although they share most characters.
 */
const NEGATED =
  /(不要|不想|不用|不再|不需要|别|没说要|没说|没要|取消|撤销|撤回|拒收|停止|关闭|关掉)(?:再|给我|我|要|想|帮我|把|了)*(\p{Script=Han}{2})/gu;

/**
 * The features of one message, with counts: characters (1–3-grams, the 2- and 3-grams with
 * start and end marks so a short whole message such as 「td」 differs from one inside a sentence),
 * Latin words, negated words (`n:`), and 2–3-grams of the pinyin initials (「积分」 and 「jf」
 * both give `p:jf`).
 */
export function messageFeatures(text: string): Map<string, number> {
  const normal = normalizeMessage(text);
  const features = new Map<string, number>();
  const add = (feature: string) => features.set(feature, (features.get(feature) ?? 0) + 1);

  const chars = [...normal];
  for (const char of chars) if (char !== ' ') add(char);
  addGrams(['^', ...chars, '$'], 'c:', add);
  for (const word of normal.match(/[a-z]+/g) ?? []) add(`w:${word}`);
  for (const match of normal.matchAll(NEGATED)) {
    for (let i = 0; i < NEGATION_WEIGHT; i++) add(`n:${match[2]}`);
  }
  for (const part of pinyinInitials(normal).split(' ')) {
    if (part) addGrams(['^', ...part, '$'], 'p:', add);
  }
  return features;
}

function addGrams(sequence: readonly string[], prefix: string, add: (feature: string) => void): void {
  for (let n = 2; n <= 3; n++) {
    for (let i = 0; i + n <= sequence.length; i++) add(prefix + sequence.slice(i, i + n).join(''));
  }
}
