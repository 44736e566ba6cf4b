import type { Document } from 'bson';
import { type Bound, boundKeyOf, MAX, MIN } from './ordered-index';

/** One range operator a filter requires of a path: `{ $gte: x }` is `{ lower: x inclusive, upper: end of x's type }`. */
export interface RangeOp {
  lower: Bound;
  upper: Bound;
}

/**
 * Range operators that must all hold for a document to match: on the same path, from one field
 * condition (or `$and` of them, `group` undefined) or from one `$elemMatch` element (`group` set,
 * `elemDepth` the number of path components of the array matched element-wise).
 */
export interface RangeClause {
  path: string;
  ops: RangeOp[];
  group: number | undefined;
  elemDepth: number;
}

const RANGE_OPS = ['$gt', '$gte', '$lt', '$lte'] as const;
const LOGICAL = new Set(['$and', '$or', '$nor']);

/**
 * The range clauses a filter implies: field conditions at the top level and under `$and`, and
 * field-form `$elemMatch` ones. Every clause is a necessary condition of the filter, so any one of
 * them may narrow the candidates; `$or`, `$nor`, `$not` and expressions are not looked into.
 */
export function rangeClausesOf(filter: Document): RangeClause[] {
  const plain = new Map<string, RangeClause>();
  const grouped: RangeClause[] = [];
  let nextGroup = 0;

  const visit = (f: Document, prefix: string, group: number | undefined, elemDepth: number) => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) return;
    for (const [field, cond] of Object.entries(f)) {
      if (field === '$and') {
        if (Array.isArray(cond)) for (const sub of cond) visit(sub as Document, prefix, group, elemDepth);
        continue;
      }
      if (field.startsWith('$')) continue;
      const path = prefix ? `${prefix}.${field}` : field;
      if (!isOperatorObject(cond)) continue;
      const c = cond as Record<string, unknown>;
      const ops = rangeOpsOf(c);
      if (ops.length > 0) {
        if (group === undefined) {
          const clause = plain.get(path) ?? { path, ops: [], group: undefined, elemDepth: 0 };
          clause.ops.push(...ops);
          plain.set(path, clause);
        } else {
          const clause = grouped.find((g) => g.group === group && g.path === path);
          if (clause) clause.ops.push(...ops);
          else grouped.push({ path, ops, group, elemDepth });
        }
      }
      const sub = c.$elemMatch;
      if (group === undefined && isFieldForm(sub)) {
        visit(sub as Document, path, nextGroup++, path.split('.').length);
      }
    }
  };
  visit(filter, '', undefined, 0);
  return [...plain.values(), ...grouped];
}

function rangeOpsOf(cond: Record<string, unknown>): RangeOp[] {
  const ops: RangeOp[] = [];
  for (const op of RANGE_OPS) {
    if (!(op in cond)) continue;
    const key = boundKeyOf(cond[op]);
    if (!key) continue;
    if (op === '$gt' || op === '$gte') {
      ops.push({ lower: { ...key, inclusive: op === '$gte' }, upper: { r: key.r, v: MAX, inclusive: true } });
    } else {
      ops.push({ lower: { r: key.r, v: MIN, inclusive: true }, upper: { ...key, inclusive: op === '$lte' } });
    }
  }
  return ops;
}

/** `{ $gt: … }` and the like; not an embedded document, a regex, a date or another BSON value. */
function isOperatorObject(cond: unknown): boolean {
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) return false;
  if (Object.getPrototypeOf(cond) !== Object.prototype) return false;
  const keys = Object.keys(cond);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** `$elemMatch` on documents (`{ expiresAt: {…} }`), as opposed to `{ $gte: 1 }` on scalars. */
function isFieldForm(sub: unknown): boolean {
  if (sub === null || typeof sub !== 'object' || Array.isArray(sub)) return false;
  if (Object.getPrototypeOf(sub) !== Object.prototype) return false;
  const keys = Object.keys(sub);
  return keys.some((k) => !k.startsWith('$')) && keys.every((k) => !k.startsWith('$') || LOGICAL.has(k));
}
