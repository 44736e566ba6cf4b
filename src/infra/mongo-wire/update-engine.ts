import { type Document, ObjectId } from 'bson';
import type { Options } from 'mingo/types';
import { update as mingoUpdate, updateOne as mingoUpdateOne, type PipelineStage } from 'mingo/updater';
import { setValue } from 'mingo/util';
import { cloneDocument } from './clone-document';
import { withIdFirst } from './collection-store';
import { copyAlongPaths, tryFastUpdate } from './fast-update';
import { indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';
import { rewriteNumericOperators } from './numeric-update';

export interface UpdateContext {
  filter: Document;
  arrayFilters?: Document[];
  mingoOptions: Partial<Options>;
}

export interface UpdateOutcome {
  doc: Document;
  modified: boolean;
}

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$rename',
  '$currentDate',
  '$bit',
  '$setOnInsert',
]);

/**
 * Applies an update (operator document, replacement document or aggregation pipeline) to a
 * stored document and returns the new state; the stored document itself is left untouched.
 */
export function applyUpdate(doc: Document, update: unknown, ctx: UpdateContext): UpdateOutcome {
  const kind = updateKind(update);
  if (kind === 'replacement') {
    const next = replacementOf(doc._id, update as Document);
    return { doc: next, modified: indexKeyOf(next) !== indexKeyOf(doc) };
  }
  if (kind === 'pipeline') {
    const next = runPipeline(cloneDocument(doc), update as PipelineStage[], ctx);
    return { doc: next, modified: indexKeyOf(next) !== indexKeyOf(doc) };
  }
  const { $setOnInsert: _ignored, ...modifier } = update as Record<string, Record<string, unknown>>;
  // Stored documents are never mutated, so the fast path only copies the objects on the updated
  // paths and shares the rest with the previous state instead of deep-copying the whole document.
  const shared = copyAlongPaths(doc, modifier);
  if (shared) {
    const fast = tryFastUpdate(shared, rewriteNumericOperators(shared, modifier));
    if (fast !== undefined) return { doc: withIdFirst(shared), modified: fast };
  }
  const copy = cloneDocument(doc);
  const changedFields = runOperators(copy, modifier, ctx, shared !== undefined);
  return { doc: withIdFirst(copy), modified: changedFields };
}

/**
 * The document an upsert inserts: equality fields of the filter, then the update applied with
 * `$setOnInsert` honoured; a replacement keeps only the filter's `_id`.
 */
export function buildUpsertDocument(update: unknown, ctx: UpdateContext): Document {
  const kind = updateKind(update);
  const seed = equalitySeed(ctx.filter);
  let doc: Document;
  if (kind === 'replacement') {
    const replacement = update as Document;
    doc = { ...replacement };
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else if (kind === 'pipeline') {
    doc = runPipeline(seed, update as PipelineStage[], ctx);
  } else {
    const { $setOnInsert, ...modifier } = update as Record<string, Record<string, unknown>>;
    if ($setOnInsert) modifier.$set = { ...(modifier.$set ?? {}), ...$setOnInsert };
    doc = seed;
    runOperators(doc, modifier, { ...ctx, filter: {} });
  }
  if (doc._id === undefined) doc._id = new ObjectId();
  return withIdFirst(doc);
}

function updateKind(update: unknown): 'pipeline' | 'operators' | 'replacement' {
  if (Array.isArray(update)) return 'pipeline';
  if (update === null || typeof update !== 'object') {
    throw new MongoCommandError(14, 'TypeMismatch', 'Update argument must be either an object or an array');
  }
  const keys = Object.keys(update);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length === 0) return 'replacement';
  for (const op of ops) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw MongoCommandError.failedToParse(
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
  }
  if (ops.length !== keys.length) {
    throw MongoCommandError.failedToParse(
      `Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  return 'operators';
}

function replacementOf(id: unknown, replacement: Document): Document {
  if (replacement._id !== undefined && indexKeyOf(replacement._id) !== indexKeyOf(id)) {
    throw new MongoCommandError(
      66,
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(replacement._id)}`,
    );
  }
  const { _id: _drop, ...rest } = replacement;
  return { _id: id, ...cloneDocument(rest) };
}

/** Runs operator updates in place on `doc`; returns whether anything changed. */
function runOperators(
  doc: Document,
  modifier: Record<string, Record<string, unknown>>,
  ctx: UpdateContext,
  fastTried = false,
): boolean {
  const rewritten = rewriteNumericOperators(doc, modifier);
  const fast = fastTried ? undefined : tryFastUpdate(doc, rewritten);
  if (fast !== undefined) return fast;
  const positional = Object.values(rewritten).some(
    (spec) => spec && typeof spec === 'object' && Object.keys(spec).some((p) => /(^|\.)\$(\.|$)/.test(p)),
  );
  const before = rewritten === modifier ? undefined : indexKeyOf(doc);
  try {
    const fields = mingoUpdate(
      doc,
      rewritten as Parameters<typeof mingoUpdate>[1],
      ctx.arrayFilters,
      positional ? ctx.filter : undefined,
      { cloneMode: 'copy', queryOptions: ctx.mingoOptions },
    );
    return fields.length > 0 || (before !== undefined && before !== indexKeyOf(doc));
  } catch (err) {
    throw asUpdateError(err);
  }
}

function runPipeline(doc: Document, pipeline: PipelineStage[], ctx: UpdateContext): Document {
  const docs = [doc];
  try {
    mingoUpdateOne(docs, {}, pipeline, { cloneMode: 'copy' }, ctx.mingoOptions);
  } catch (err) {
    throw asUpdateError(err);
  }
  const next = docs[0]!;
  if (indexKeyOf(next._id) !== indexKeyOf(doc._id)) {
    throw new MongoCommandError(
      66,
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return next;
}

function asUpdateError(err: unknown): Error {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes("immutable field '_id'")) return new MongoCommandError(66, 'ImmutableField', message);
  return new MongoCommandError(2, 'BadValue', message);
}

/** Fields an upsert copies from its filter: top-level equalities, `$eq`, and those inside `$and`. */
function equalitySeed(filter: Document): Document {
  const seed: Document = {};
  const visit = (f: Document) => {
    for (const [key, cond] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(cond)) {
        for (const sub of cond) visit(sub as Document);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isOperatorObject(cond)) {
        const eq = (cond as Document).$eq;
        if (eq !== undefined) setValue(seed, key, cloneDocument(eq));
        continue;
      }
      if (cond instanceof RegExp) continue;
      setValue(seed, key, cloneDocument(cond));
    }
  };
  visit(filter);
  return seed;
}

function isOperatorObject(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.keys(v).some((k) => k.startsWith('$'));
}
