import { normalizeText } from './intents/normalize-text';
import { parseNumber } from './intents/slots/numbers';

/** The largest scale a program may configure (`care.postService.maxRating`); ratings parse up to it. */
export const RATING_SCALE_LIMIT = 10;

/**
 * A rating as members type it: `5`, `５`, `五`, `5分`, `五分`, `五星`, `5颗星`, `给5分`, `打5分`.
 * Anything else (a sentence, a number out of 1..max) is null, so ordinary messages are never
 * mistaken for a rating.
 */
export function parseRating(text: string, max: number): number | null {
  const normal = normalizeText(text).replace(/^(给|打|评)/, '');
  const match = /^(\d{1,2}|[一二两三四五六七八九十])(分|星|颗星|个星)?$/.exec(normal);
  if (!match) return null;
  const token = match[1]!;
  const value = parseNumber(token) ?? 0;
  return value >= 1 && value <= max ? value : null;
}
