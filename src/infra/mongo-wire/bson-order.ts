/**
 * MongoDB's comparison order across BSON types:
 * MinKey < null/missing < numbers < string < object < array < binData < ObjectId < bool < date
 * < timestamp < regex < MaxKey. Numbers of every flavour (double, Long, Decimal128) compare by value.
 * mingo orders unknown classes (ObjectId, Long, ...) by constructor name, so sorting and range
 * queries use this comparator instead.
 */
export function compareBson(a: unknown, b: unknown): number {
  const ra = bsonTypeRank(a);
  const rb = bsonTypeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK.number:
      return compareNumeric(toNumeric(a), toNumeric(b));
    case RANK.string:
      return cmp(String(a), String(b));
    case RANK.object:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case RANK.array:
      return compareArrays(a as unknown[], b as unknown[]);
    case RANK.binary:
      return compareBinary(binaryBytes(a), binaryBytes(b));
    case RANK.objectId:
      return cmp(
        (a as { toHexString(): string }).toHexString(),
        (b as { toHexString(): string }).toHexString(),
      );
    case RANK.boolean:
      return cmp(Number(a), Number(b));
    case RANK.date:
      return compareNumeric((a as Date).getTime(), (b as Date).getTime());
    case RANK.timestamp: {
      const ta = a as { t: number; i: number };
      const tb = b as { t: number; i: number };
      return cmp(ta.t, tb.t) || cmp(ta.i, tb.i);
    }
    case RANK.regex: {
      const xa = a as { source?: string; pattern?: string; flags?: string; options?: string };
      const xb = b as { source?: string; pattern?: string; flags?: string; options?: string };
      return (
        cmp(xa.source ?? xa.pattern ?? '', xb.source ?? xb.pattern ?? '') ||
        cmp(xa.flags ?? xa.options ?? '', xb.flags ?? xb.options ?? '')
      );
    }
    case RANK.code:
      return cmp(String((a as { code: unknown }).code), String((b as { code: unknown }).code));
    default:
      return 0; // null/missing, MinKey, MaxKey: all members of the rank are equal
  }
}

/** Equality as MongoDB's `$eq` sees it: null equals missing, 5 equals Long(5), field order matters. */
export function bsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return compareBson(a, b) === 0;
}

export const RANK = {
  minKey: 0,
  nullish: 1,
  number: 2,
  string: 3,
  object: 4,
  array: 5,
  binary: 6,
  objectId: 7,
  boolean: 8,
  date: 9,
  timestamp: 10,
  regex: 11,
  code: 12,
  maxKey: 13,
} as const;

/** Position of the value's type in MongoDB's cross-type order (the "canonical type"). */
export function bsonTypeRank(v: unknown): number {
  switch (typeof v) {
    case 'undefined':
      return RANK.nullish;
    case 'number':
    case 'bigint':
      return RANK.number;
    case 'string':
      return RANK.string;
    case 'boolean':
      return RANK.boolean;
    case 'object':
      break;
    default:
      return RANK.object;
  }
  if (v === null) return RANK.nullish;
  if (Array.isArray(v)) return RANK.array;
  if (v instanceof Date) return RANK.date;
  if (v instanceof RegExp) return RANK.regex;
  if (v instanceof Uint8Array) return RANK.binary;
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return RANK.objectId;
    case 'Long':
    case 'Decimal128':
    case 'Int32':
    case 'Double':
      return RANK.number;
    case 'Binary':
      return RANK.binary;
    case 'Timestamp':
      return RANK.timestamp;
    case 'BSONRegExp':
      return RANK.regex;
    case 'BSONSymbol':
      return RANK.string;
    case 'MinKey':
      return RANK.minKey;
    case 'MaxKey':
      return RANK.maxKey;
    case 'Code':
      return RANK.code;
    default:
      return RANK.object;
  }
}

/** A number, or a bigint when an int64 does not fit a double exactly. JS compares the two kinds directly. */
export function toNumeric(v: unknown): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  const bsontype = (v as { _bsontype?: string })._bsontype;
  if (bsontype === 'Long') {
    const long = v as { toNumber(): number; toString(): string };
    const n = long.toNumber();
    return Number.isSafeInteger(n) ? n : BigInt(long.toString());
  }
  if (bsontype === 'Decimal128') return Number(String(v));
  return Number((v as { valueOf(): unknown }).valueOf());
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  // NaN equals NaN and sorts below every other number, as in MongoDB.
  const aNaN = typeof a === 'number' && Number.isNaN(a);
  const bNaN = typeof b === 'number' && Number.isNaN(b);
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : aNaN ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const fa = ka[i]!;
    const fb = kb[i]!;
    const va = a[fa];
    const vb = b[fb];
    const byType = bsonTypeRank(va) - bsonTypeRank(vb);
    if (byType !== 0) return byType < 0 ? -1 : 1;
    const byName = cmp(fa, fb);
    if (byName !== 0) return byName;
    const byValue = compareBson(va, vb);
    if (byValue !== 0) return byValue;
  }
  return cmp(ka.length, kb.length);
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareBson(a[i], b[i]);
    if (c !== 0) return c;
  }
  return cmp(a.length, b.length);
}

function binaryBytes(v: unknown): { bytes: Uint8Array; subtype: number } {
  if (v instanceof Uint8Array) return { bytes: v, subtype: 0 };
  const bin = v as { buffer: Uint8Array; position: number; sub_type: number };
  return { bytes: bin.buffer.subarray(0, bin.position), subtype: bin.sub_type };
}

function compareBinary(
  a: { bytes: Uint8Array; subtype: number },
  b: { bytes: Uint8Array; subtype: number },
): number {
  if (a.bytes.length !== b.bytes.length) return a.bytes.length < b.bytes.length ? -1 : 1;
  if (a.subtype !== b.subtype) return a.subtype < b.subtype ? -1 : 1;
  return Buffer.compare(a.bytes, b.bytes);
}
