import type { Document } from 'bson';
import { bsonTypeRank, RANK, toNumeric } from './bson-order';

/** A scalar's position in BSON order: its type rank, then its value within the rank. */
export interface OrderKey {
  r: number;
  v: number | bigint | string;
}

interface Entry extends OrderKey {
  id: string;
}

/** One end of an interval; `MIN`/`MAX` stand for the first/last value of the rank (type bracketing). */
export interface Bound {
  r: number;
  v: number | bigint | string | typeof MIN | typeof MAX;
  inclusive: boolean;
}

export const MIN = Symbol('min-of-rank');
export const MAX = Symbol('max-of-rank');

/** What one document contributes: its distinct keys, where arrays sat on the path, and oddities. */
interface DocKeys {
  keys: OrderKey[];
  /** Bit i set: the value reached at path component i was an array. */
  arrayMask: number;
  /** Values the order cannot place but a range of a usable type could match (nested arrays, BSON symbols). */
  irregular: boolean;
}

/** Ranks whose values can be range bounds here; a range of another type is left to a scan. */
const ORDERED_RANKS = new Set<number>([RANK.number, RANK.string, RANK.date, RANK.objectId, RANK.boolean]);

const CHUNK_MAX = 1024;

/**
 * The ordered side of an index: (value, id) pairs of its leading field in BSON order, kept in a
 * chunked sorted array (binary search over chunk tails, then inside one chunk of at most 1,024
 * entries) so an insert or removal moves at most a chunk, not the whole index. Only scalars of
 * the rangeable ranks are held; a document whose values could match a range but cannot be
 * placed in the order is kept in `irregular` and returned by every range. Per path component it
 * counts the documents holding an array there: bounds of several operators may only be
 * intersected when no document could satisfy them with different elements (MongoDB's multikey
 * rule).
 */
export class OrderedIndex {
  readonly path: string;
  private readonly parts: string[];
  private chunks: Entry[][] = [];
  private readonly arrayCounts: number[];
  private readonly irregular = new Set<string>();

  constructor(
    path: string,
    private readonly chunkMax = CHUNK_MAX,
  ) {
    this.path = path;
    this.parts = path.split('.');
    this.arrayCounts = this.parts.map(() => 0);
  }

  /** Whether a path can have an ordered index: positional components are left to scans. */
  static supports(path: string): boolean {
    return path.split('.').every((p) => p.length > 0 && !/^\d+$/.test(p));
  }

  get depth(): number {
    return this.parts.length;
  }

  /** True when no document holds an array at a path component other than `except`. */
  arraysOnlyAt(except: number): boolean {
    return this.arrayCounts.every((n, i) => n === 0 || i === except);
  }

  add(doc: Document, id: string): void {
    this.apply(keysOf(doc, this.parts), id, 1);
  }

  remove(doc: Document, id: string): void {
    this.apply(keysOf(doc, this.parts), id, -1);
  }

  /** Moves a document's entries from `previous` to `next`, touching nothing when its keys did not change. */
  update(previous: Document, next: Document, id: string): void {
    const before = keysOf(previous, this.parts);
    const after = keysOf(next, this.parts);
    if (
      before.arrayMask === after.arrayMask &&
      before.irregular === after.irregular &&
      sameKeys(before.keys, after.keys)
    ) {
      return;
    }
    this.apply(before, id, -1);
    this.apply(after, id, 1);
  }

  clear(): void {
    this.chunks = [];
    this.arrayCounts.fill(0);
    this.irregular.clear();
  }

  /** Bulk load (index creation, journal replay): one sort instead of one insertion per entry. */
  load(docs: Iterable<[string, Document]>): void {
    this.clear();
    const all: Entry[] = [];
    for (const [id, doc] of docs) {
      const dk = keysOf(doc, this.parts);
      this.count(dk, id, 1);
      for (const k of dk.keys) all.push({ r: k.r, v: k.v, id });
    }
    all.sort(compareEntries);
    const half = Math.max(1, this.chunkMax >> 1);
    for (let i = 0; i < all.length; i += half) this.chunks.push(all.slice(i, i + half));
  }

  /** Number of entries in [lower, upper] (a multikey document counts once per value). */
  countBetween(lower: Bound, upper: Bound): number {
    if (compareBounds(lower, upper) > 0) return this.irregular.size;
    const [c0, p0] = this.seek(lower, false);
    const [c1, p1] = this.seek(upper, true);
    let n = 0;
    for (let c = c0; c <= c1 && c < this.chunks.length; c++) {
      const len = this.chunks[c]!.length;
      n += (c === c1 ? p1 : len) - (c === c0 ? p0 : 0);
    }
    return Math.max(n, 0) + this.irregular.size;
  }

  /** Ids of the documents with a value in [lower, upper], and of every irregular document. */
  idsBetween(lower: Bound, upper: Bound): Set<string> {
    const ids = new Set<string>(this.irregular);
    if (compareBounds(lower, upper) > 0) return ids;
    const [c0, p0] = this.seek(lower, false);
    const [c1, p1] = this.seek(upper, true);
    for (let c = c0; c <= c1 && c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const end = c === c1 ? p1 : chunk.length;
      for (let p = c === c0 ? p0 : 0; p < end; p++) ids.add(chunk[p]!.id);
    }
    return ids;
  }

  /** Entries held (for tests and estimates). */
  get size(): number {
    let n = 0;
    for (const chunk of this.chunks) n += chunk.length;
    return n;
  }

  private apply(dk: DocKeys, id: string, sign: 1 | -1): void {
    this.count(dk, id, sign);
    for (const k of dk.keys) {
      const entry: Entry = { r: k.r, v: k.v, id };
      if (sign > 0) this.insertEntry(entry);
      else this.deleteEntry(entry);
    }
  }

  private count(dk: DocKeys, id: string, sign: 1 | -1): void {
    for (let i = 0; i < this.arrayCounts.length; i++) {
      if (dk.arrayMask & (1 << i)) this.arrayCounts[i]! += sign;
    }
    if (dk.irregular) {
      if (sign > 0) this.irregular.add(id);
      else this.irregular.delete(id);
    }
  }

  /** Index of the first chunk whose last entry is >= entry, or the last chunk. */
  private chunkFor(entry: Entry): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (compareEntries(chunk[chunk.length - 1]!, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertEntry(entry: Entry): void {
    if (this.chunks.length === 0) {
      this.chunks.push([entry]);
      return;
    }
    const c = this.chunkFor(entry);
    const chunk = this.chunks[c]!;
    chunk.splice(lowerIndex(chunk, entry), 0, entry);
    if (chunk.length > this.chunkMax) this.chunks.splice(c + 1, 0, chunk.splice(this.chunkMax >> 1));
  }

  private deleteEntry(entry: Entry): void {
    if (this.chunks.length === 0) return;
    const c = this.chunkFor(entry);
    const chunk = this.chunks[c]!;
    const p = lowerIndex(chunk, entry);
    if (p >= chunk.length || compareEntries(chunk[p]!, entry) !== 0) return;
    chunk.splice(p, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /**
   * Position of the first entry after the bound when `after` (the end of an upper bound), else of
   * the first entry not before it (the start of a lower bound), as [chunk, offset].
   */
  private seek(bound: Bound, after: boolean): [number, number] {
    const before = (e: Entry) => {
      const c = compareToBound(e, bound);
      return after ? c < 0 || (c === 0 && bound.inclusive) : c < 0 || (c === 0 && !bound.inclusive);
    };
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (before(chunk[chunk.length - 1]!)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.chunks.length) return [lo, 0];
    const chunk = this.chunks[lo]!;
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (before(chunk[mid]!)) a = mid + 1;
      else b = mid;
    }
    return [lo, a];
  }
}

/** The order key of a scalar of a rangeable rank, or undefined (null, objects, other types). */
export function orderKeyOf(value: unknown): OrderKey | undefined {
  switch (typeof value) {
    case 'number':
      return { r: RANK.number, v: value };
    case 'bigint':
      return { r: RANK.number, v: value };
    case 'string':
      return { r: RANK.string, v: value };
    case 'boolean':
      return { r: RANK.boolean, v: value ? 1 : 0 };
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return undefined;
  if (value instanceof Date) return { r: RANK.date, v: value.getTime() };
  const bsontype = (value as { _bsontype?: string })._bsontype;
  switch (bsontype) {
    case 'ObjectId':
      return { r: RANK.objectId, v: (value as { toHexString(): string }).toHexString() };
    case 'Long':
    case 'Decimal128':
    case 'Int32':
    case 'Double':
      return { r: RANK.number, v: toNumeric(value) };
    default:
      return undefined;
  }
}

/** Whether a value can be an index bound: a placeable scalar of a rangeable rank, not NaN. */
export function boundKeyOf(value: unknown): OrderKey | undefined {
  const key = orderKeyOf(value);
  if (!key || !ORDERED_RANKS.has(key.r)) return undefined;
  if (typeof key.v === 'number' && Number.isNaN(key.v)) return undefined;
  return key;
}

/**
 * Scalars a dotted path reaches, descending through arrays of documents and expanding a leaf
 * array into its elements, as the query operators resolve the path; records which components
 * held arrays. An array inside an array is not placed (operators flatten it in ways an index
 * entry cannot mirror): the document is marked irregular instead.
 */
function keysOf(doc: Document, parts: string[]): DocKeys {
  let arrayMask = 0;
  let irregular = false;
  let current: unknown[] = [doc];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      const x = (v as Record<string, unknown>)[part];
      if (Array.isArray(x)) {
        arrayMask |= 1 << i;
        for (const el of x) {
          if (Array.isArray(el)) irregular = true;
          else next.push(el);
        }
      } else if (x !== undefined) next.push(x);
    }
    current = next;
  }
  const keys: OrderKey[] = [];
  for (const v of current) {
    const key = orderKeyOf(v);
    if (key) {
      if (ORDERED_RANKS.has(key.r)) keys.push(key);
    } else if (ORDERED_RANKS.has(bsonTypeRank(v))) irregular = true;
  }
  if (keys.length > 1) {
    keys.sort(compareKeys);
    let w = 1;
    for (let r = 1; r < keys.length; r++) if (compareKeys(keys[r]!, keys[w - 1]!) !== 0) keys[w++] = keys[r]!;
    keys.length = w;
  }
  return { keys, arrayMask, irregular };
}

function sameKeys(a: OrderKey[], b: OrderKey[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (compareKeys(a[i]!, b[i]!) !== 0) return false;
  return true;
}

/** Value order inside a rank, as `compareBson` has it (NaN below every other number). */
function compareValues(a: number | bigint | string, b: number | bigint | string): number {
  if (typeof a === 'number' && Number.isNaN(a)) return typeof b === 'number' && Number.isNaN(b) ? 0 : -1;
  if (typeof b === 'number' && Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a.r !== b.r) return a.r < b.r ? -1 : 1;
  return compareValues(a.v, b.v);
}

function compareEntries(a: Entry, b: Entry): number {
  return compareKeys(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareToBound(e: OrderKey, b: Bound): number {
  if (e.r !== b.r) return e.r < b.r ? -1 : 1;
  if (b.v === MIN) return 1;
  if (b.v === MAX) return -1;
  return compareValues(e.v, b.v);
}

/** Order of bounds as positions: is `lower` past `upper` (an empty interval)? */
function compareBounds(lower: Bound, upper: Bound): number {
  if (lower.r !== upper.r) return lower.r < upper.r ? -1 : 1;
  const rankOf = (v: Bound['v']) => (v === MIN ? -1 : v === MAX ? 1 : 0);
  const ra = rankOf(lower.v);
  const rb = rankOf(upper.v);
  if (ra !== 0 || rb !== 0)
    return ra === rb ? (lower.inclusive && upper.inclusive ? 0 : 1) : ra < rb ? -1 : 1;
  const c = compareValues(lower.v as number | bigint | string, upper.v as number | bigint | string);
  if (c !== 0) return c;
  return lower.inclusive && upper.inclusive ? 0 : 1;
}

/** Order of two bound values of one rank, `MIN`/`MAX` being the ends of the rank. */
export function compareBoundValue(a: Bound['v'], b: Bound['v']): number {
  const end = (v: Bound['v']) => (v === MIN ? -1 : v === MAX ? 1 : 0);
  const ea = end(a);
  const eb = end(b);
  if (ea !== 0 || eb !== 0) return ea === eb ? 0 : ea < eb ? -1 : 1;
  return compareValues(a as number | bigint | string, b as number | bigint | string);
}

function lowerIndex(chunk: Entry[], entry: Entry): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(chunk[mid]!, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
