import { type Document, ObjectId } from 'bson';
import type { Options } from 'mingo/types';
import { duplicateKeyError } from './duplicate-key-error';
import { HashIndex, type IndexEntry, type IndexSpec } from './hash-index';
import { compoundKeyOf, indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';

/** A journal record emitted by a mutation; the engine writes them before the reply goes out. */
export type JournalOp = Document;

/**
 * One collection: documents keyed by their `_id` key in insertion (natural) order, plus hash
 * indexes. Stored documents are never mutated: an update stores a new object, so cursors and
 * aggregation inputs holding the old one keep a consistent snapshot. Every mutation validates
 * everything (unique keys, immutable `_id`) before changing anything, so a failed write leaves
 * no trace, and reports itself to `record` for the journal.
 */
export class CollectionStore {
  readonly docs = new Map<string, Document>();
  readonly indexes = new Map<string, HashIndex>();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document,
    private readonly mingoOptions: Partial<Options>,
    private readonly record: (op: JournalOp) => void,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Inserts a document (adding an ObjectId `_id` first if it has none) and returns the stored one. */
  insert(input: Document): Document {
    const doc = withIdFirst(input);
    const id = idKeyOf(doc._id);
    if (this.docs.has(id)) {
      throw duplicateKeyError(this.ns, '_id_', { _id: 1 }, { _id: doc._id });
    }
    const plan = this.planIndexEntries(doc, id);
    this.docs.set(id, doc);
    for (const [index, entries] of plan) index.add(entries, id);
    this.record({ o: 'p', ns: this.ns, d: doc });
    return doc;
  }

  /** Replaces the stored document that has the same `_id` as `next`. */
  replace(previous: Document, next: Document): void {
    const id = idKeyOf(previous._id);
    if (idKeyOf(next._id) !== id) {
      throw new MongoCommandError(
        66,
        'ImmutableField',
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    const plan = this.planIndexEntries(next, id);
    for (const index of this.indexes.values()) index.remove(index.entriesOf(previous), id);
    for (const [index, entries] of plan) index.add(entries, id);
    this.docs.set(id, next);
    this.record({ o: 'p', ns: this.ns, d: next });
  }

  remove(doc: Document): void {
    const id = idKeyOf(doc._id);
    if (!this.docs.delete(id)) return;
    for (const index of this.indexes.values()) index.remove(index.entriesOf(doc), id);
    this.record({ o: 'd', ns: this.ns, id: doc._id });
  }

  /**
   * Documents that may match `filter`: an index lookup when the filter binds `_id` or all fields
   * (or the leading field) of an index by equality / `$in`, otherwise every document. Callers
   * still test each candidate against the full filter.
   */
  candidates(filter: Document): Document[] {
    const byId = equalityValues(filter._id);
    if (byId) return this.fetch(byId.map(idKeyOf));
    let leadingHit: { index: HashIndex; values: unknown[] } | undefined;
    for (const index of this.indexes.values()) {
      if (!index.coversEquality) continue;
      const bound = index.fields.map((f) => equalityValues(filter[f]));
      if (index.sparse && bound.some((vals) => vals?.some((v) => v === null || v === undefined))) continue;
      if (bound.every((vals) => vals !== undefined)) {
        const ids = new Set<string>();
        for (const values of cartesian(bound as unknown[][])) {
          for (const id of index.lookup(compoundKeyOf(values))) ids.add(id);
        }
        return this.fetch([...ids]);
      }
      const first = bound[0];
      if (!leadingHit && first && index.fields.length > 1) leadingHit = { index, values: first };
    }
    if (leadingHit) {
      const { index, values } = leadingHit;
      const ids = new Set<string>();
      for (const v of values) for (const id of index.lookupLeading(indexKeyOf(v))) ids.add(id);
      return this.fetch([...ids]);
    }
    return [...this.docs.values()];
  }

  /** Creates an index; returns false when an identical one already exists. */
  createIndex(spec: IndexSpec): boolean {
    if (spec.name === '_id_' || isIdKeyPattern(spec.key)) return false;
    const sameName = this.indexes.get(spec.name);
    const sameKey = [...this.indexes.values()].find((i) => sameKeyPattern(i.spec.key, spec.key));
    if (sameName || sameKey) {
      const existing = (sameName ?? sameKey)!;
      if (sameKeyPattern(existing.spec.key, spec.key) && sameOptions(existing.spec, spec)) {
        if (existing.name === spec.name) return false;
        throw new MongoCommandError(
          85,
          'IndexOptionsConflict',
          `Index already exists with a different name: ${existing.name}`,
        );
      }
      if (sameName) {
        throw new MongoCommandError(
          86,
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      }
      throw new MongoCommandError(
        85,
        'IndexOptionsConflict',
        `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
      );
    }
    const index = new HashIndex(spec, this.mingoOptions);
    for (const [id, doc] of this.docs) {
      const entries = index.entriesOf(doc);
      const conflict = index.findConflict(entries, id);
      if (conflict) throw this.conflictError(index, conflict);
      index.add(entries, id);
    }
    this.indexes.set(spec.name, index);
    this.record({ o: 'ci', ns: this.ns, spec });
    return true;
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
    this.record({ o: 'di', ns: this.ns, name });
  }

  indexSpecs(): IndexSpec[] {
    return [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...[...this.indexes.values()].map((i) => i.spec)];
  }

  /** Journal replay: install a document state without checks; indexes are rebuilt afterwards. */
  restorePut(doc: Document): void {
    this.docs.set(idKeyOf(doc._id), doc);
  }

  restoreDelete(id: unknown): void {
    this.docs.delete(idKeyOf(id));
  }

  restoreIndex(spec: IndexSpec): void {
    this.indexes.set(spec.name, new HashIndex(spec, this.mingoOptions));
  }

  restoreDropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /** Rebuilds every index from the documents (after replay); duplicates are tolerated here. */
  rebuildIndexes(): void {
    for (const index of this.indexes.values()) {
      index.clear();
      for (const [id, doc] of this.docs) index.add(index.entriesOf(doc), id);
    }
  }

  private fetch(ids: string[]): Document[] {
    const out: Document[] = [];
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) out.push(doc);
    }
    return out;
  }

  private planIndexEntries(doc: Document, id: string): Array<[HashIndex, IndexEntry[]]> {
    const plan: Array<[HashIndex, IndexEntry[]]> = [];
    for (const index of this.indexes.values()) {
      const entries = index.entriesOf(doc);
      const conflict = index.findConflict(entries, id);
      if (conflict) throw this.conflictError(index, conflict);
      plan.push([index, entries]);
    }
    return plan;
  }

  private conflictError(index: HashIndex, entry: IndexEntry): MongoCommandError {
    const keyValue: Record<string, unknown> = {};
    index.fields.forEach((f, i) => {
      const v = entry.values[i];
      keyValue[f] = v === undefined ? null : typeof v === 'symbol' ? [] : v;
    });
    return duplicateKeyError(this.ns, index.name, index.spec.key, keyValue);
  }
}

/** The `_id` map key: MongoDB equality semantics, so `_id: 1` and `_id: Long(1)` collide. */
export function idKeyOf(id: unknown): string {
  return indexKeyOf(id);
}

/** Returns the document with `_id` as its first field, generating an ObjectId if absent. */
export function withIdFirst(doc: Document): Document {
  const keys = Object.keys(doc);
  if (keys[0] === '_id') return doc;
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * Scalar values an equality-style condition binds (`v`, `{$eq: v}`, `{$in: [...]}`), or
 * undefined when the condition is not usable for a hash lookup.
 */
function equalityValues(cond: unknown): unknown[] | undefined {
  if (isHashable(cond)) return [cond];
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond) || isBsonValue(cond)) return undefined;
  const c = cond as Record<string, unknown>;
  if ('$eq' in c) return isHashable(c.$eq) ? [c.$eq] : undefined;
  if ('$in' in c && Array.isArray(c.$in) && c.$in.every(isHashable)) return c.$in;
  return undefined;
}

function isHashable(v: unknown): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      return v instanceof Date || isBsonValue(v);
    default:
      return false;
  }
}

function isBsonValue(v: object): boolean {
  const t = (v as { _bsontype?: string })._bsontype;
  return t === 'ObjectId' || t === 'Long' || t === 'Decimal128';
}

function cartesian(lists: unknown[][]): unknown[][] {
  let acc: unknown[][] = [[]];
  for (const list of lists) acc = acc.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return acc;
}

function isIdKeyPattern(key: Record<string, unknown>): boolean {
  const keys = Object.keys(key);
  return keys.length === 1 && keys[0] === '_id';
}

function sameKeyPattern(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && String(a[k]) === String(b[k]));
}

const COMPARED_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds'] as const;

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return COMPARED_OPTIONS.every((o) => JSON.stringify(a[o] ?? false) === JSON.stringify(b[o] ?? false));
}
