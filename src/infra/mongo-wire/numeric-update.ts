import { Decimal128, Long } from 'bson';
import { resolve } from 'mingo/util';
import { bsonTypeRank, compareBson, RANK } from './bson-order';
import { MongoCommandError } from './mongo-error';

type Modifier = Record<string, Record<string, unknown>>;

/**
 * Rewrites the numeric operators mingo cannot evaluate with MongoDB semantics into `$set`s on a
 * copy of the modifier: `$inc`/`$mul` involving Long or Decimal128 (exact int64 / decimal
 * arithmetic), `$min`/`$max` (MongoDB's cross-type order) and type errors on non-numeric
 * targets. Only plain (non-positional) paths are rewritten; positional ones stay with mingo.
 */
export function rewriteNumericOperators(doc: Record<string, unknown>, modifier: Modifier): Modifier {
  const out: Modifier = { ...modifier };
  const sets: Record<string, unknown> = { ...(modifier.$set ?? {}) };
  let changed = false;
  for (const op of ['$inc', '$mul', '$min', '$max'] as const) {
    const spec = modifier[op];
    if (!spec) continue;
    const keep: Record<string, unknown> = {};
    for (const [path, arg] of Object.entries(spec)) {
      if (path.includes('$')) {
        keep[path] = arg;
        continue;
      }
      const current = resolve(doc, path);
      if ((op === '$inc' || op === '$mul') && bsonTypeRank(arg) !== RANK.number) {
        throw MongoCommandError.typeMismatch(
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${String(arg)}}`,
        );
      }
      if (
        (op === '$inc' || op === '$mul') &&
        current !== undefined &&
        bsonTypeRank(current) !== RANK.number
      ) {
        throw MongoCommandError.typeMismatch(
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path}' of non-numeric type ${typeof current}`,
        );
      }
      if (op === '$min' || op === '$max') {
        const c = current === undefined ? 0 : compareBson(arg, current);
        if (current === undefined || (op === '$min' ? c < 0 : c > 0)) sets[path] = arg;
        changed = true;
        continue;
      }
      if (typeof arg === 'number' && (typeof current === 'number' || current === undefined)) {
        keep[path] = arg;
        continue;
      }
      sets[path] = arithmetic(op, current ?? 0, arg);
      changed = true;
    }
    if (Object.keys(keep).length) out[op] = keep;
    else delete out[op];
  }
  if (changed && Object.keys(sets).length) out.$set = sets;
  return changed ? out : modifier;
}

function arithmetic(op: '$inc' | '$mul', a: unknown, b: unknown): unknown {
  const isDecimal = (v: unknown) => (v as { _bsontype?: string })._bsontype === 'Decimal128';
  if (isDecimal(a) || isDecimal(b)) {
    const x = parseDecimal(String(a));
    const y = parseDecimal(String(b));
    return formatDecimal(op === '$inc' ? addDecimal(x, y) : { coef: x.coef * y.coef, exp: x.exp + y.exp });
  }
  const toBig = (v: unknown): bigint | undefined => {
    if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
    return BigInt(String(v));
  };
  const x = toBig(a);
  const y = toBig(b);
  if (x === undefined || y === undefined) {
    // A fractional double involved: the result is a double, as in MongoDB.
    return op === '$inc' ? Number(a) + Number(b) : Number(a) * Number(b);
  }
  const r = op === '$inc' ? x + y : x * y;
  if (r > 9223372036854775807n || r < -9223372036854775808n) {
    throw new MongoCommandError(2, 'BadValue', `Failed to apply ${op} operations: integer overflow`);
  }
  return Long.fromBigInt(r);
}

interface Dec {
  coef: bigint;
  exp: number;
}

function parseDecimal(s: string): Dec {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim());
  if (!m) throw MongoCommandError.badValue(`cannot do decimal arithmetic on ${s}`);
  const [, sign, int = '', frac = '', e = '0'] = m;
  const coef = BigInt(`${sign}${int}${frac}` || '0');
  return { coef, exp: Number(e) - frac.length };
}

function addDecimal(a: Dec, b: Dec): Dec {
  const exp = Math.min(a.exp, b.exp);
  return { coef: a.coef * 10n ** BigInt(a.exp - exp) + b.coef * 10n ** BigInt(b.exp - exp), exp };
}

function formatDecimal(d: Dec): Decimal128 {
  return Decimal128.fromString(`${d.coef}E${d.exp}`);
}
