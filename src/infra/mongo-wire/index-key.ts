import { bsonTypeRank, RANK, toNumeric } from './bson-order';

/**
 * A string that is identical for two values exactly when MongoDB considers them equal
 * (`5`, `5.0`, `Long(5)` share a key; `null` and missing share a key; field order matters).
 * Hash indexes, `$in` sets and `_id` maps are keyed by it.
 * Decimal128 values are keyed through a double, so two decimals that differ beyond double
 * precision share a key: harmless for lookups (the query re-checks) but a unique index would
 * treat them as duplicates.
 */
export function indexKeyOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return numberKey(value);
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'undefined':
      return 'z';
    case 'symbol':
      return 'e'; // the multikey marker of an empty array
    default:
      break;
  }
  if (value === null) return 'z';
  const bsontype = (value as { _bsontype?: string })._bsontype;
  if (bsontype === 'ObjectId') return `o${(value as { toHexString(): string }).toHexString()}`;
  if (value instanceof Date) return `t${value.getTime()}`;
  const rank = bsonTypeRank(value);
  if (rank === RANK.number) {
    const n = toNumeric(value);
    return typeof n === 'bigint' ? `n${n.toString()}` : numberKey(n);
  }
  if (Array.isArray(value)) return `[${value.map(indexKeyOf).map(escapePart).join(',')}]`;
  if (rank === RANK.object) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      parts.push(`${escapePart(k)}:${escapePart(indexKeyOf(v))}`);
    }
    return `{${parts.join(',')}}`;
  }
  if (rank === RANK.binary) {
    const bin = value as { buffer?: Uint8Array; position?: number; sub_type?: number };
    const bytes =
      value instanceof Uint8Array ? value : (bin.buffer ?? new Uint8Array()).subarray(0, bin.position);
    return `x${bin.sub_type ?? 0}:${Buffer.from(bytes).toString('base64')}`;
  }
  if (rank === RANK.timestamp) {
    const ts = value as { t: number; i: number };
    return `T${ts.t}:${ts.i}`;
  }
  if (rank === RANK.regex) return `r${String(value)}`;
  if (rank === RANK.minKey) return 'm';
  if (rank === RANK.maxKey) return 'M';
  return `?${String(value)}`;
}

/** Compound keys join component keys; the components are escaped so the join is unambiguous. */
export function compoundKeyOf(values: readonly unknown[]): string {
  if (values.length === 1) return indexKeyOf(values[0]);
  return values.map((v) => escapePart(indexKeyOf(v))).join('|');
}

function numberKey(n: number): string {
  if (Number.isNaN(n)) return 'nNaN';
  if (Object.is(n, -0)) return 'n0';
  // Integral doubles beyond 2^53 must key like the Long of the same value.
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Number.isFinite(n))
    return `n${BigInt(n).toString()}`;
  return `n${n}`;
}

function escapePart(s: string): string {
  return s.replace(/[\\|,:[\]{}]/g, (c) => `\\${c}`);
}
