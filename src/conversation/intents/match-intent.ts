import { editDistance } from './edit-distance';
import type { IntentId } from './intent-id';
import { clickKeys, intentTable, menuNumbers } from './intent-table';
import { normalizeText } from './normalize-text';

export interface MatchOptions {
  /**
   * `loose` (nothing in progress): menu numbers, phrases inside sentences and one-typo matches
   * count. `strict` (a flow is waiting for an answer): only a whole message that is exactly a
   * keyword or shortcut interrupts, so answers like `1`, a name or a plate are never taken for
   * commands.
   */
  mode: 'loose' | 'strict';
}

const EXACT = new Map<string, IntentId>();
const INITIALS = new Map<string, IntentId>();
for (const row of intentTable) {
  for (const phrase of row.exact) EXACT.set(normalizeText(phrase), row.intent);
  for (const shortcut of row.initials) INITIALS.set(normalizeText(shortcut), row.intent);
}
const CJK = /\p{Script=Han}/u;

/** The intent of a free-text message, or null when it is not clear enough to act on. */
export function matchIntent(text: string, options: MatchOptions = { mode: 'loose' }): IntentId | null {
  // A lone question mark is the one punctuation-only message with a meaning: "what can I do?".
  if (/^\s*[?？]+\s*$/.test(text)) return 'help';
  const normal = normalizeText(text);
  if (!normal) return null;
  const exact = EXACT.get(normal) ?? INITIALS.get(normal);
  if (exact) return exact;
  if (options.mode === 'strict') return null;
  const number = menuNumbers[normal];
  if (number) return number;
  for (const row of intentTable) {
    if (row.contains.some((phrase) => normal.includes(normalizeText(phrase)))) return row.intent;
  }
  return fuzzyIntent(normal);
}

/** A whole message that is a help-menu number (「1」 → 查积分), or null. */
export function matchMenuNumber(text: string): IntentId | null {
  return menuNumbers[normalizeText(text)] ?? null;
}

/** A CLICK menu key → intent: the configured keys, else an intent id written in any case. */
export function matchClickKey(key: string): IntentId | null {
  const upper = key.trim().toUpperCase();
  const configured = clickKeys[upper];
  if (configured) return configured;
  const id = upper.toLowerCase();
  return intentTable.some((row) => row.intent === id) ? (id as IntentId) : null;
}

/**
 * One typo away from exactly one intent's keyword (积份 → 积分). Only Chinese keywords of two or
 * more characters take part, and a two-character text only by substitution, so short Latin
 * shortcuts (`td`, `jf`) never collide with each other; a tie between intents is no match.
 */
function fuzzyIntent(normal: string): IntentId | null {
  const length = [...normal].length;
  if (length < 2 || length > 8) return null;
  const found = new Set<IntentId>();
  for (const [phrase, intent] of EXACT) {
    const phraseLength = [...phrase].length;
    if (phraseLength < 2 || !CJK.test(phrase)) continue;
    if (length === 2 && phraseLength !== 2) continue;
    if (editDistance(normal, phrase, 1) <= 1) found.add(intent);
  }
  return found.size === 1 ? [...found][0]! : null;
}
