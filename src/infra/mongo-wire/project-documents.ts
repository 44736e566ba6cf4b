import type { Document } from 'bson';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import { MongoCommandError } from './mongo-error';

/**
 * A find-style projection (inclusion, exclusion, `_id: 0`, `$slice`, `$elemMatch`, positional
 * `.$`) as a per-document function producing new objects; undefined when nothing is projected.
 * The filter is only needed by the positional operator.
 */
export function projectionOf(
  projection: Document | undefined,
  filter: Document,
  mingoOptions: Partial<Options>,
): ((doc: Document) => Document) | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  const simple = topLevelProjection(projection);
  if (simple) return simple;
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  let query: Query;
  try {
    query = new Query(positional ? filter : {}, mingoOptions);
  } catch (err) {
    throw MongoCommandError.badValue(err instanceof Error ? err.message : String(err));
  }
  return (doc) => {
    try {
      return query.find([doc], projection).next() as Document;
    } catch (err) {
      throw MongoCommandError.badValue(err instanceof Error ? err.message : String(err));
    }
  };
}

/**
 * Inclusion or exclusion of top-level fields only (`{ a: 1, b: 1 }`, `{ _id: 0, a: 1 }`,
 * `{ a: 0 }`) without mingo: by far the most common projections, each a plain key copy. Output
 * keeps the stored field order with `_id` first, as MongoDB does. Anything else → undefined.
 */
function topLevelProjection(projection: Document): ((doc: Document) => Document) | undefined {
  let includeId = true;
  let mode: 'include' | 'exclude' | undefined;
  const fields = new Set<string>();
  for (const key of Object.keys(projection)) {
    const value = projection[key];
    const on = value === 1 || value === true;
    if (!on && value !== 0 && value !== false) return undefined;
    if (key === '_id') {
      includeId = on;
      continue;
    }
    if (key.length === 0 || key.includes('.') || key.startsWith('$')) return undefined;
    const keyMode = on ? 'include' : 'exclude';
    if (mode !== undefined && mode !== keyMode) return undefined;
    mode = keyMode;
    fields.add(key);
  }
  if (mode === 'include' || mode === undefined) {
    if (mode === undefined && !includeId) {
      // `{ _id: 0 }` alone excludes `_id` and keeps the rest; `{ _id: 1 }` alone keeps only `_id`.
      return (doc) => {
        const out: Document = {};
        for (const key of Object.keys(doc)) if (key !== '_id') out[key] = doc[key];
        return out;
      };
    }
    return (doc) => {
      const out: Document = {};
      if (includeId && doc._id !== undefined) out._id = doc._id;
      for (const key of Object.keys(doc)) if (fields.has(key) && doc[key] !== undefined) out[key] = doc[key];
      return out;
    };
  }
  if (!includeId) fields.add('_id');
  return (doc) => {
    const out: Document = {};
    for (const key of Object.keys(doc)) if (!fields.has(key)) out[key] = doc[key];
    return out;
  };
}
