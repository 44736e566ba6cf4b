import { type Document, ObjectId } from 'bson';
import type { Options } from 'mingo/types';
import { duplicateKeyError } from './duplicate-key-error';
import { HashIndex, type IndexEntry, type IndexSpec } from './hash-index';
import { compoundKeyOf, indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';
import { type Bound, compareBoundValue, OrderedIndex } from './ordered-index';
import { type RangeClause, rangeClausesOf } from './range-clauses';

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
  /** Ordered views of the leading fields of the (non-partial) indexes, shared by indexes with the same leading path. */
  private readonly ordered = new Map<string, { index: OrderedIndex; names: Set<string> }>();
  /** Documents examined by queries since start (serverStatus `metrics.queryExecutor.scannedObjects`). */
  scannedObjects = 0;

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
    for (const { index } of this.ordered.values()) index.add(doc, id);
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
    // Most updates leave most index keys alone (a points change touches no identity field).
    const plan: Array<[HashIndex, IndexEntry[], IndexEntry[]]> = [];
    for (const index of this.indexes.values()) {
      if (index.unchangedBetween(previous, next)) continue;
      const before = index.entriesOf(previous);
      const entries = index.entriesOf(next);
      if (sameEntries(before, entries)) continue;
      const conflict = index.findConflict(entries, id);
      if (conflict) throw this.conflictError(index, conflict);
      plan.push([index, before, entries]);
    }
    for (const [index, before, entries] of plan) {
      index.remove(before, id);
      index.add(entries, id);
    }
    for (const { index } of this.ordered.values()) index.update(previous, next, id);
    this.docs.set(id, next);
    this.record({ o: 'p', ns: this.ns, d: next });
  }

  remove(doc: Document): void {
    const id = idKeyOf(doc._id);
    if (!this.docs.delete(id)) return;
    for (const index of this.indexes.values()) index.remove(index.entriesOf(doc), id);
    for (const { index } of this.ordered.values()) index.remove(doc, id);
    this.record({ o: 'd', ns: this.ns, id: doc._id });
  }

  /**
   * Documents that may match `filter`: the smallest of the index plans, otherwise every document.
   * `_id` equality wins outright; then equality / `$in` on all fields (or the leading field) of a
   * hash index, and ranges (`$gt $gte $lt $lte`, also under `$and` and `$elemMatch`) on the
   * leading field of an index through its ordered view, are sized from the index itself and the
   * one yielding the fewest entries is used. Callers still test each candidate against the full
   * filter.
   */
  candidates(filter: Document): Document[] {
    const byId = equalityValues(filter._id);
    if (byId) return this.fetch(byId.map(idKeyOf));
    let best: { size: number; ids: () => Iterable<string> } | undefined;
    const consider = (size: number, ids: () => Iterable<string>) => {
      if (!best || size < best.size) best = { size, ids };
    };
    for (const index of this.indexes.values()) {
      const bound = index.fields.map((f) => equalityValues(filter[f]));
      if (index.sparse && bound.some((vals) => vals?.some((v) => v === null || v === undefined))) continue;
      if (bound.every((vals) => vals !== undefined)) {
        if (!index.coversEquality(bound as unknown[][])) continue;
        const keys = cartesian(bound as unknown[][]).map(compoundKeyOf);
        consider(sum(keys.map((k) => index.count(k))), () => {
          const ids = new Set<string>();
          for (const k of keys) for (const id of index.lookup(k)) ids.add(id);
          return ids;
        });
        continue;
      }
      const first = bound[0];
      // A partial index's leading entries need not hold every document with that leading value.
      const full = index.spec.partialFilterExpression === undefined;
      if (full && first && index.fields.length > 1) {
        const keys = first.map(indexKeyOf);
        consider(sum(keys.map((k) => index.countLeading(k))), () => {
          const ids = new Set<string>();
          for (const k of keys) for (const id of index.lookupLeading(k)) ids.add(id);
          return ids;
        });
      }
    }
    if (this.ordered.size > 0) {
      for (const clause of rangeClausesOf(filter)) {
        const view = this.ordered.get(clause.path)?.index;
        if (!view) continue;
        const interval = narrowestInterval(view, clause);
        // A range covering most documents is cheaper as a scan in natural order.
        if (interval && interval.size < this.docs.size) {
          consider(interval.size, () => view.idsBetween(interval.lower, interval.upper));
        }
      }
    }
    if (best) return this.fetch(best.ids());
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
    this.attachOrdered(spec, true);
    this.record({ o: 'ci', ns: this.ns, spec });
    return true;
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
    this.detachOrdered(name);
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
    this.attachOrdered(spec, false);
  }

  restoreDropIndex(name: string): void {
    this.indexes.delete(name);
    this.detachOrdered(name);
  }

  /** Rebuilds every index from the documents (after replay); duplicates are tolerated here. */
  rebuildIndexes(): void {
    for (const index of this.indexes.values()) {
      index.clear();
      for (const [id, doc] of this.docs) index.add(index.entriesOf(doc), id);
    }
    for (const { index } of this.ordered.values()) index.load(this.docs);
  }

  /** Entries held by the ordered view of a leading path (tests). */
  orderedEntries(path: string): number | undefined {
    return this.ordered.get(path)?.index.size;
  }

  private attachOrdered(spec: IndexSpec, load: boolean): void {
    const path = Object.keys(spec.key)[0];
    if (path === undefined || spec.partialFilterExpression !== undefined || !OrderedIndex.supports(path))
      return;
    const shared = this.ordered.get(path);
    if (shared) {
      shared.names.add(spec.name);
      return;
    }
    const index = new OrderedIndex(path);
    if (load) index.load(this.docs);
    this.ordered.set(path, { index, names: new Set([spec.name]) });
  }

  private detachOrdered(name: string): void {
    for (const [path, shared] of this.ordered) {
      if (shared.names.delete(name) && shared.names.size === 0) this.ordered.delete(path);
    }
  }

  private fetch(ids: Iterable<string>): Document[] {
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

/**
 * The interval of an ordered view a range clause allows, with its entry count. All operators of
 * the clause bound one interval when every document holds at most one value for them (no array on
 * the path, or for `$elemMatch` none but the matched array itself); otherwise each operator may
 * be met by a different element, so only the most selective single operator bounds the lookup.
 */
function narrowestInterval(
  view: OrderedIndex,
  clause: RangeClause,
): { lower: Bound; upper: Bound; size: number } | undefined {
  const single = clause.group === undefined ? view.arraysOnlyAt(-1) : view.arraysOnlyAt(clause.elemDepth - 1);
  const candidates: Array<{ lower: Bound; upper: Bound }> = [];
  if (single && clause.ops.length > 1) {
    let { lower, upper } = clause.ops[0]!;
    for (const op of clause.ops.slice(1)) {
      if (compareLower(op.lower, lower) > 0) lower = op.lower;
      if (compareUpper(op.upper, upper) < 0) upper = op.upper;
    }
    candidates.push({ lower, upper });
  } else candidates.push(...clause.ops);
  let best: { lower: Bound; upper: Bound; size: number } | undefined;
  for (const c of candidates) {
    const size = view.countBetween(c.lower, c.upper);
    if (!best || size < best.size) best = { ...c, size };
  }
  return best;
}

/** Which of two lower bounds starts later (an exclusive bound starts after an inclusive one at the same value). */
function compareLower(a: Bound, b: Bound): number {
  return compareBoundValues(a, b) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1);
}

/** Which of two upper bounds ends earlier (an exclusive bound ends before an inclusive one at the same value). */
function compareUpper(a: Bound, b: Bound): number {
  return compareBoundValues(a, b) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1);
}

function compareBoundValues(a: Bound, b: Bound): number {
  if (a.r !== b.r) return a.r < b.r ? -1 : 1;
  return compareBoundValue(a.v, b.v);
}

function sum(values: number[]): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}

function sameEntries(a: IndexEntry[], b: IndexEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.key !== b[i]!.key) return false;
  return true;
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
