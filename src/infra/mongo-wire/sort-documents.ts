import { resolve } from 'mingo/util';
import { compareBson } from './bson-order';
import { MongoCommandError } from './mongo-error';

export type SortSpec = Record<string, unknown>;

/**
 * Stable sort of documents by a MongoDB sort specification, in MongoDB's cross-type order.
 * An array field sorts by its smallest element ascending and by its largest descending, and an
 * empty array sorts before null, as mongod does. Returns a new array.
 */
export function sortDocuments<T extends object>(docs: readonly T[], spec: SortSpec): T[] {
  const keys = Object.entries(spec).map(([path, dir]) => ({ path, dir: sortDirection(dir) }));
  if (keys.length === 0) return [...docs];
  const decorated = docs.map((doc, i) => ({
    doc,
    i,
    values: keys.map((k) => sortValue(resolve(doc as Record<string, unknown>, k.path), k.dir)),
  }));
  decorated.sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareSortValues(x.values[k], y.values[k]);
      if (c !== 0) return c * keys[k]!.dir;
    }
    return x.i - y.i;
  });
  return decorated.map((d) => d.doc);
}

const EMPTY_ARRAY = Symbol('empty-array');

function sortDirection(dir: unknown): 1 | -1 {
  const n = typeof dir === 'number' ? dir : Number(dir);
  if (n === 1 || n === -1) return n;
  if (typeof dir === 'object' && dir !== null) {
    throw MongoCommandError.badValue('$meta sort is not supported by the embedded server');
  }
  throw MongoCommandError.badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
}

function sortValue(v: unknown, dir: 1 | -1): unknown {
  if (!Array.isArray(v)) return v;
  if (v.length === 0) return EMPTY_ARRAY;
  let best = v[0];
  for (let i = 1; i < v.length; i++) {
    const c = compareBson(v[i], best);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v[i];
  }
  return best;
}

function compareSortValues(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) return a === b ? 0 : a === EMPTY_ARRAY ? -1 : 1;
  return compareBson(a, b);
}
