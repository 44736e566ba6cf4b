import type { Document } from 'bson';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import type { CollectionStore } from './collection-store';
import { compileSimpleFilter } from './mingo-options';
import { MongoCommandError } from './mongo-error';
import { type SortSpec, sortDocuments } from './sort-documents';

export interface SelectOptions {
  sort?: SortSpec | undefined;
  skip?: number | undefined;
  /** 0 or undefined: no limit. */
  limit?: number | undefined;
}

/**
 * The stored documents matching `filter`, sorted/skipped/limited. Index lookups narrow the
 * candidates; every candidate is still tested against the whole filter. Without a sort the
 * scan stops as soon as `skip + limit` matches are found.
 */
export function selectDocuments(
  coll: CollectionStore | undefined,
  filter: Document,
  mingoOptions: Partial<Options>,
  options: SelectOptions = {},
): Document[] {
  if (!coll) return [];
  const test = compileFilter(filter, mingoOptions);
  const candidates = coll.candidates(filter);
  const skip = options.skip ?? 0;
  const limit = options.limit ?? 0;
  const hasSort = options.sort !== undefined && Object.keys(options.sort).length > 0;
  let matched: Document[];
  if (!hasSort && limit > 0) {
    matched = [];
    const wanted = skip + limit;
    let examined = 0;
    for (const doc of candidates) {
      examined++;
      if (test && !test(doc)) continue;
      matched.push(doc);
      if (matched.length >= wanted) break;
    }
    coll.scannedObjects += examined;
  } else {
    matched = test ? candidates.filter(test) : candidates;
    coll.scannedObjects += candidates.length;
  }
  if (hasSort) matched = sortDocuments(matched, options.sort!);
  if (skip > 0 || limit > 0) matched = matched.slice(skip, limit > 0 ? skip + limit : undefined);
  return matched;
}

/** A predicate for a MongoDB filter, or undefined for the empty filter (matches everything). */
export function compileFilter(
  filter: Document,
  mingoOptions: Partial<Options>,
): ((doc: Document) => boolean) | undefined {
  if (Object.keys(filter).length === 0) return undefined;
  const simple = compileSimpleFilter(filter);
  if (simple) return simple;
  let query: Query;
  try {
    query = new Query(filter, mingoOptions);
  } catch (err) {
    throw MongoCommandError.badValue(err instanceof Error ? err.message : String(err));
  }
  return (doc) => query.test(doc);
}
