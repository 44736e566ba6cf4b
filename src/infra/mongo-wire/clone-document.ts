/**
 * Deep copy of plain objects, arrays and Dates. BSON value classes (ObjectId, Long, Decimal128,
 * Binary, ...) are treated as immutable and shared, which keeps the copy cheap. Used before
 * handing stored documents to code that may mutate them (mingo updates and pipelines).
 */
export function cloneDocument<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneDocument) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = cloneDocument((value as Record<string, unknown>)[key]);
  return out as T;
}
