import type { Document } from 'bson';
import { cloneDocument } from './clone-document';
import { indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';

type Modifier = Record<string, Record<string, unknown>>;

const FAST_OPERATORS = new Set(['$set', '$unset', '$inc', '$currentDate']);

/**
 * Applies `$set`, `$unset`, numeric `$inc` and `$currentDate` on plain dotted paths (no array on
 * the way, no positional operator) directly to `doc`, which must be a private copy. Returns
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
      else if (op === '$currentDate') {
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
