import type { Document } from 'bson';
import { cloneDocument } from './clone-document';
import { indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';

type Modifier = Record<string, Record<string, unknown>>;

const FAST_OPERATORS = new Set(['$set', '$unset', '$inc', '$currentDate', '$push', '$pull']);

/**
 * Applies `$set`, `$unset`, numeric `$inc`, `$currentDate`, `$push` (a value, or `$each` with an
 * optional `$slice`) and `$pull` (scalar equality, or a sub-document condition of plain fields
 * compared by equality or `$in` of scalars) on plain dotted paths (no array on the way, no
 * positional operator) directly to `doc`, which must be a private copy. Returns
 * whether the document changed, or undefined (doc untouched) when the update needs mingo.
 * mingo's updater rebuilds its operator registry on every call, which made single-document
 * updates several times slower than the rest of a command.
 */
export function tryFastUpdate(doc: Document, modifier: Modifier): boolean | undefined {
  const steps: Array<() => boolean> = [];
  const touched: string[] = [];
  for (const [op, spec] of Object.entries(modifier)) {
    if (!FAST_OPERATORS.has(op) || spec === null || typeof spec !== 'object') return undefined;
    for (const [path, arg] of Object.entries(spec)) {
      if (path.length === 0 || path.includes('$')) return undefined;
      const parts = path.split('.');
      if (parts.some((p) => p.length === 0 || /^\d+$/.test(p))) return undefined;
      const walk = walkPath(doc, parts);
      if (walk === undefined) return undefined;
      const leaf = parts[parts.length - 1]!;
      touched.push(path);
      if (op === '$set') {
        const value = cloneDocument(arg);
        steps.push(() => assign(ensureParent(doc, parts), leaf, value));
      } else if (op === '$unset') steps.push(() => remove(walk.parent, leaf));
      else if (op === '$push') {
        const current = walk.parent?.[leaf];
        if (current !== undefined && !Array.isArray(current)) {
          throw new MongoCommandError(
            2,
            'BadValue',
            `The field '${path}' must be an array but is of type ${bsonTypeName(current)}`,
          );
        }
        const push = pushSpec(arg);
        if (!push) return undefined;
        steps.push(() => {
          const next = [
            ...((current as unknown[] | undefined) ?? []),
            ...push.values.map((v) => cloneDocument(v)),
          ];
          const sliced =
            push.slice === undefined
              ? next
              : push.slice < 0
                ? next.slice(push.slice)
                : next.slice(0, push.slice);
          ensureParent(doc, parts)[leaf] = sliced;
          return true;
        });
      } else if (op === '$pull') {
        const current = walk.parent?.[leaf];
        if (current !== undefined && !Array.isArray(current)) {
          throw new MongoCommandError(2, 'BadValue', 'Cannot apply $pull to a non-array value');
        }
        const matches = pullMatcher(arg);
        if (!matches) return undefined;
        steps.push(() => {
          if (!Array.isArray(current)) return false;
          const kept = current.filter((item) => !matches(item));
          if (kept.length === current.length) return false;
          (walk.parent as Record<string, unknown>)[leaf] = kept;
          return true;
        });
      } else if (op === '$currentDate') {
        const type = (arg as { $type?: string } | null)?.$type;
        if (arg !== true && type !== 'date') return undefined;
        steps.push(() => assign(ensureParent(doc, parts), leaf, new Date()));
      } else {
        const current = walk.parent?.[leaf];
        if (typeof arg !== 'number' || (current !== undefined && typeof current !== 'number'))
          return undefined;
        steps.push(() =>
          assign(ensureParent(doc, parts), leaf, ((current as number | undefined) ?? 0) + arg),
        );
      }
    }
  }
  assertNoConflicts(touched);
  let changed = false;
  for (const step of steps) if (step()) changed = true;
  return changed;
}

/**
 * A shallow copy of `doc` in which every plain object on the way to a path the modifier names is
 * itself a fresh shallow copy, so `tryFastUpdate` can change it without touching `doc` or anything
 * shared with it; undefined when an operator is not one the fast path handles.
 */
export function copyAlongPaths(doc: Document, modifier: Modifier): Document | undefined {
  const top: Document = { ...doc };
  const fresh = new Set<object>();
  for (const op of Object.keys(modifier)) {
    const spec = modifier[op];
    if (!FAST_OPERATORS.has(op) || spec === null || typeof spec !== 'object') return undefined;
    for (const path of Object.keys(spec)) {
      let node: Record<string, unknown> = top;
      let at = 0;
      for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', at)) {
        const key = path.slice(at, dot);
        at = dot + 1;
        let next = node[key];
        if (next === null || typeof next !== 'object' || Object.getPrototypeOf(next) !== Object.prototype)
          break;
        if (!fresh.has(next)) {
          next = { ...(next as Record<string, unknown>) };
          fresh.add(next as object);
          node[key] = next;
        }
        node = next as Record<string, unknown>;
      }
    }
  }
  return top;
}

/** `$push` argument: a plain value, or `{ $each: [...], $slice?: int }` (anything else → mingo). */
function pushSpec(arg: unknown): { values: unknown[]; slice: number | undefined } | undefined {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg) || !('$each' in arg)) {
    if (arg !== null && typeof arg === 'object' && Object.keys(arg).some((k) => k.startsWith('$')))
      return undefined;
    return { values: [arg], slice: undefined };
  }
  const { $each, $slice, ...rest } = arg as { $each: unknown; $slice?: unknown };
  if (Object.keys(rest).length > 0 || !Array.isArray($each)) return undefined;
  if ($slice !== undefined && !Number.isInteger($slice)) return undefined;
  return { values: $each, slice: $slice as number | undefined };
}

function bsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Date) return 'date';
  return 'object';
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * `$pull` condition as a predicate, for the simple shapes the application uses: a scalar (remove
 * equal elements) or `{ field: scalar | { $in: scalar[] } }` over sub-documents. Other shapes → mingo.
 */
function pullMatcher(arg: unknown): ((item: unknown) => boolean) | undefined {
  if (isScalar(arg)) return (item) => item === arg;
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  const tests: Array<(item: Record<string, unknown>) => boolean> = [];
  for (const [field, condition] of Object.entries(arg)) {
    if (field.startsWith('$') || field.includes('.')) return undefined;
    if (isScalar(condition)) {
      // MongoDB equality also matches an array field that contains the value.
      tests.push((item) => {
        const value = item[field];
        return value === condition || (Array.isArray(value) && value.includes(condition));
      });
      continue;
    }
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return undefined;
    const keys = Object.keys(condition);
    const list = (condition as { $in?: unknown }).$in;
    if (keys.length !== 1 || keys[0] !== '$in' || !Array.isArray(list) || !list.every(isScalar))
      return undefined;
    const set = new Set<unknown>(list);
    tests.push((item) => {
      const value = item[field];
      if (Array.isArray(value)) return value.some((element) => isScalar(element) && set.has(element));
      return isScalar(value) && set.has(value);
    });
  }
  if (tests.length === 0) return undefined;
  return (item) =>
    item !== null &&
    typeof item === 'object' &&
    !Array.isArray(item) &&
    tests.every((test) => test(item as Record<string, unknown>));
}

/**
 * The object holding the path's last field (null when an intermediate object is missing), or
 * undefined when a scalar or an array lies on the way: that needs mingo's (or MongoDB's error)
 * semantics. Nothing is created here, so bailing out leaves the document untouched.
 */
function walkPath(doc: Document, parts: string[]): { parent: Record<string, unknown> | null } | undefined {
  let node: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]!];
    if (next === undefined) return { parent: null };
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return undefined;
    if (Object.getPrototypeOf(next) !== Object.prototype) return undefined;
    node = next as Record<string, unknown>;
  }
  return { parent: node };
}

/** The parent object of the path's last field, creating missing intermediate objects. */
function ensureParent(doc: Document, parts: string[]): Record<string, unknown> {
  let node: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i]!;
    let next = node[key] as Record<string, unknown> | undefined;
    if (next === undefined) {
      next = {};
      node[key] = next;
    }
    node = next;
  }
  return node;
}

function assign(parent: Record<string, unknown>, key: string, value: unknown): boolean {
  const previous = parent[key];
  if (previous !== undefined && sameValue(previous, value)) return false;
  parent[key] = value;
  return true;
}

function remove(parent: Record<string, unknown> | null, key: string): boolean {
  if (!parent || !(key in parent)) return false;
  delete parent[key];
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return a.constructor === b.constructor && indexKeyOf(a) === indexKeyOf(b);
}

/** MongoDB refuses two operators touching the same path or a path and its prefix. */
function assertNoConflicts(paths: string[]): void {
  if (paths.length < 2) return;
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a === b || b.startsWith(`${a}.`)) {
      throw new MongoCommandError(
        40,
        'ConflictingUpdateOperators',
        `Updating the path '${b}' would create a conflict at '${a}'`,
      );
    }
  }
}
