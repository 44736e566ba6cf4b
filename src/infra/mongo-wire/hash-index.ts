import type { Document } from 'bson';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import { compoundKeyOf } from './index-key';

/** Partial-filter operators that hold for an array when they hold for one of its elements. */
const MONOTONE_OPS = new Set(['$type', '$exists', '$eq', '$gt', '$gte', '$lt', '$lte']);

export interface IndexSpec {
  v?: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  [option: string]: unknown;
}

/** One entry a document contributes to an index: its key and the values it was built from. */
export interface IndexEntry {
  key: string;
  values: unknown[];
}

type Bucket = string | Set<string>;

/**
 * An in-memory hash index: index key → ids (as `_id` keys) of the documents carrying it.
 * Equality lookups on all fields, or on the leading field of a compound index, avoid a scan;
 * unique indexes reject a second id under one key. Arrays are indexed per element (multikey).
 * Ranges use the ordered view of the leading field instead (`ordered-index.ts`).
 */
export class HashIndex {
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  private readonly partial: Query | undefined;
  private readonly partialReadsOwnFields: boolean;
  private readonly full = new Map<string, Bucket>();
  private readonly leading: Map<string, Bucket> | undefined;
  /** Top-level fields that decide the entries, or undefined when the partial filter reads others. */
  private readonly topFields: string[] | undefined;

  constructor(
    readonly spec: IndexSpec,
    mingoOptions: Partial<Options>,
  ) {
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression
      ? new Query(spec.partialFilterExpression, mingoOptions)
      : undefined;
    this.partialReadsOwnFields = readsOnlyFields(spec.partialFilterExpression, this.fields);
    this.leading = this.fields.length > 1 ? new Map() : undefined;
    this.topFields =
      !this.partial || this.partialReadsOwnFields
        ? [...new Set(this.fields.map((f) => f.split('.')[0]!))]
        : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  /**
   * True when the index holds every document that can match an equality on its fields with
   * these values (one list per field): always for a full index. A partial one covers them when
   * its filter reads only the index's own top-level fields with conditions that hold for an
   * array as soon as they hold for one element (`$type`, `$exists: true`, comparisons, equality)
   * and each combination of the values passes it: a matching document holds those values, so it
   * passes too (`{ openid: 'o…' }` under `{ openid: { $type: 'string' } }`).
   */
  coversEquality(bound: unknown[][]): boolean {
    if (!this.partial) return true;
    if (!this.partialReadsOwnFields) return false;
    for (const values of cartesian(bound)) {
      if (values.some((v) => v === null || v === undefined)) return false;
      const doc: Document = {};
      this.fields.forEach((field, i) => {
        doc[field] = values[i];
      });
      if (!this.partial.test(doc)) return false;
    }
    return true;
  }

  /**
   * True when `next` certainly contributes the same entries as `previous`: every top-level field
   * the index (and its partial filter) reads holds the identical value in both. Updates share
   * untouched subtrees with the previous state, so this skips most indexes of most updates.
   */
  unchangedBetween(previous: Document, next: Document): boolean {
    if (!this.topFields) return false;
    for (const field of this.topFields) if (previous[field] !== next[field]) return false;
    return true;
  }

  /** Entries the document contributes; empty when sparse/partial rules leave it out. */
  entriesOf(doc: Document): IndexEntry[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((f) => pathValues(doc, f));
    if (this.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    const combos = cartesian(perField);
    const seen = new Set<string>();
    const out: IndexEntry[] = [];
    for (const values of combos) {
      const key = compoundKeyOf(values);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, values });
    }
    return out;
  }

  /** The first entry whose key is already held by another document, if any. */
  findConflict(entries: IndexEntry[], id: string): IndexEntry | undefined {
    if (!this.unique) return undefined;
    for (const e of entries) {
      const bucket = this.full.get(e.key);
      if (bucket === undefined) continue;
      if (typeof bucket === 'string' ? bucket !== id : bucket.size > 1 || !bucket.has(id)) return e;
    }
    return undefined;
  }

  add(entries: IndexEntry[], id: string): void {
    for (const e of entries) {
      addTo(this.full, e.key, id);
      if (this.leading) addTo(this.leading, compoundKeyOf([e.values[0]]), id);
    }
  }

  remove(entries: IndexEntry[], id: string): void {
    for (const e of entries) {
      removeFrom(this.full, e.key, id);
      if (this.leading) removeFrom(this.leading, compoundKeyOf([e.values[0]]), id);
    }
  }

  /** Ids under a full key (all index fields bound). */
  lookup(key: string): Iterable<string> {
    return bucketIds(this.full.get(key));
  }

  /** Number of ids under a full key (plan sizing). */
  count(key: string): number {
    return bucketSize(this.full.get(key));
  }

  /** Number of ids under a key of the leading field of a compound index. */
  countLeading(key: string): number {
    return bucketSize(this.leading?.get(key));
  }

  /** Ids under a key of the leading field of a compound index. */
  lookupLeading(key: string): Iterable<string> {
    return bucketIds(this.leading?.get(key));
  }

  clear(): void {
    this.full.clear();
    this.leading?.clear();
  }
}

const EMPTY_ARRAY_MARKER = Symbol.for('mongo-wire.empty-array');

/**
 * Values a dotted path reaches, descending through arrays, with a leaf array expanded into its
 * elements (multikey). A missing field yields `undefined` (indexed like null); an empty array
 * yields a marker of its own, as mongod indexes `[]` apart from null.
 */
export function pathValues(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  let current: unknown[] = [doc];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        if (/^\d+$/.test(part)) next.push(v[Number(part)]);
        else
          for (const el of v) {
            next.push(
              el !== null && typeof el === 'object' ? (el as Record<string, unknown>)[part] : undefined,
            );
          }
      } else if (v !== null && typeof v === 'object') {
        next.push((v as Record<string, unknown>)[part]);
      } else {
        next.push(undefined);
      }
    }
    current = next;
  }
  const out: unknown[] = [];
  for (const v of current) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(EMPTY_ARRAY_MARKER);
      else out.push(...v);
    } else out.push(v);
  }
  return out.length ? out : [undefined];
}

function cartesian(lists: unknown[][]): unknown[][] {
  let acc: unknown[][] = [[]];
  for (const list of lists) {
    const next: unknown[][] = [];
    for (const prefix of acc) for (const v of list) next.push([...prefix, v]);
    acc = next;
  }
  return acc;
}

function addTo(map: Map<string, Bucket>, key: string, id: string): void {
  const bucket = map.get(key);
  if (bucket === undefined) map.set(key, id);
  else if (typeof bucket === 'string') {
    if (bucket !== id) map.set(key, new Set([bucket, id]));
  } else bucket.add(id);
}

function removeFrom(map: Map<string, Bucket>, key: string, id: string): void {
  const bucket = map.get(key);
  if (bucket === undefined) return;
  if (typeof bucket === 'string') {
    if (bucket === id) map.delete(key);
  } else {
    bucket.delete(id);
    if (bucket.size === 1) map.set(key, bucket.values().next().value as string);
    else if (bucket.size === 0) map.delete(key);
  }
}

function bucketSize(bucket: Bucket | undefined): number {
  if (bucket === undefined) return 0;
  return typeof bucket === 'string' ? 1 : bucket.size;
}

function bucketIds(bucket: Bucket | undefined): Iterable<string> {
  if (bucket === undefined) return [];
  return typeof bucket === 'string' ? [bucket] : [...bucket];
}

/** Whether a partial filter tests only `fields` (top-level), each with an element-wise condition. */
function readsOnlyFields(filter: Document | undefined, fields: string[]): boolean {
  if (!filter || fields.some((f) => f.includes('.'))) return false;
  return Object.entries(filter).every(([field, cond]) => {
    if (!fields.includes(field)) return false;
    if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) return true;
    const ops = Object.entries(cond as Record<string, unknown>);
    return (
      ops.length > 0 && ops.every(([op, arg]) => (op === '$exists' ? arg === true : MONOTONE_OPS.has(op)))
    );
  });
}
