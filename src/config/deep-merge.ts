/**
 * Lays `override` over `base` and returns a new value; neither input is modified.
 *
 * Plain objects merge key by key, recursively, so a program file names only what it changes.
 * Everything else, arrays included, replaces the base value: merging list items by position would
 * be guesswork (is the second tier in the file the base's second tier?), so a file that changes
 * a list restates it. `undefined` in `override` keeps the base value; `null` replaces it.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const keys = new Set([...Object.keys(base), ...Object.keys(override)]);
  // fromEntries defines own properties, so a "__proto__" key from a file stays an ordinary key
  // (and is then rejected by the strict schema) instead of replacing the prototype.
  return Object.fromEntries([...keys].map((key) => [key, deepMerge(base[key], override[key])]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
