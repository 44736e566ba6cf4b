import { type Document, Long } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { cloneDocument } from './clone-document';
import { arrayArg, collectionArg, documentArg, numberArg } from './command-args';
import type { CommandContext, CommandHandler } from './command-context';
import type { Batch } from './cursor-registry';
import { pathValues } from './hash-index';
import { indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';
import { projectionOf } from './project-documents';
import { selectDocuments } from './select-documents';

/**
 * find / getMore / killCursors / aggregate / count / distinct. Results are computed in full when
 * the command runs (a snapshot); cursors hand them out in batches.
 */
export const readCommands: Record<string, CommandHandler> = {
  find: findCommand,
  getMore: getMoreCommand,
  killCursors: killCursorsCommand,
  aggregate: aggregateCommand,
  count: countCommand,
  distinct: distinctCommand,
};

function findCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'find');
  const ns = `${ctx.db}.${name}`;
  const filter = documentArg(command, 'filter') ?? {};
  const mingoOptions = ctx.engine.mingoOptions(ctx.db);
  let limit = numberArg(command, 'limit', 0)!;
  let singleBatch = command.singleBatch === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const skip = numberArg(command, 'skip', 0)!;
  if (skip < 0) throw MongoCommandError.badValue('skip value must be non-negative');
  const docs = selectDocuments(ctx.engine.collection(ctx.db, name), filter, mingoOptions, {
    sort: documentArg(command, 'sort'),
    skip,
    limit,
  });
  const transform = projectionOf(documentArg(command, 'projection'), filter, mingoOptions);
  const batch = ctx.cursors.open(ns, docs, {
    batchSize: numberArg(command, 'batchSize'),
    singleBatch,
    transform,
  });
  return cursorReply(ns, batch, 'firstBatch');
}

function getMoreCommand(command: Document, ctx: CommandContext): Document {
  const raw = command.getMore;
  const id = Long.isLong(raw) ? raw : Long.fromNumber(Number(raw));
  const collection = typeof command.collection === 'string' ? command.collection : '';
  const ns = `${ctx.db}.${collection}`;
  const batch = ctx.cursors.getMore(id, ns, numberArg(command, 'batchSize'));
  if (!batch) throw new MongoCommandError(43, 'CursorNotFound', `cursor id ${id.toString()} not found`);
  return cursorReply(ns, batch, 'nextBatch');
}

function killCursorsCommand(command: Document, ctx: CommandContext): Document {
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of arrayArg(command, 'cursors') as unknown[]) {
    const id = Long.isLong(raw) ? raw : Long.fromNumber(Number(raw));
    (ctx.cursors.kill(id) ? killed : notFound).push(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

/** Stages that never write into their input documents, so stored documents can be fed as they are. */
const READ_ONLY_STAGES = new Set(['$match', '$group', '$count', '$sort', '$skip', '$limit', '$sortByCount']);

const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
]);

function aggregateCommand(command: Document, ctx: CommandContext): Document {
  const target = command.aggregate;
  const name = typeof target === 'string' ? target : '';
  const ns = `${ctx.db}.${name || '$cmd.aggregate'}`;
  const pipeline = arrayArg(command, 'pipeline');
  if (command.explain === true)
    throw MongoCommandError.badValue('explain is not supported by the embedded server');
  const cursorSpec = documentArg(command, 'cursor');
  if (!cursorSpec) {
    throw MongoCommandError.failedToParse(
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0] ?? '';
    if (UNSUPPORTED_STAGES.has(op)) {
      throw new MongoCommandError(40324, 'Location40324', `${op} is not supported by the embedded server`);
    }
  }
  const mingoOptions = ctx.engine.mingoOptions(ctx.db);
  const coll = name ? ctx.engine.collection(ctx.db, name) : undefined;
  // A leading $match can use the indexes; the rest runs in mingo on copies of the documents.
  const first = pipeline[0];
  let rest = pipeline;
  let input: Document[];
  if (first?.$match && typeof first.$match === 'object') {
    input = selectDocuments(coll, first.$match as Document, mingoOptions);
    rest = pipeline.slice(1);
  } else {
    input = coll ? [...coll.docs.values()] : [];
  }
  let results: Document[];
  try {
    const needsCopies = rest.some((stage) => !READ_ONLY_STAGES.has(Object.keys(stage)[0] ?? ''));
    results = rest.length
      ? new Aggregator(rest, mingoOptions).run(needsCopies ? input.map(cloneDocument) : input)
      : input;
  } catch (err) {
    if (err instanceof MongoCommandError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const unknownStage = /(?:unknown|unregistered) pipeline operator:? '?(\$\w+)/i.exec(message);
    if (unknownStage) {
      throw new MongoCommandError(
        40324,
        'Location40324',
        `Unrecognized pipeline stage name: '${unknownStage[1]}'`,
      );
    }
    throw MongoCommandError.badValue(message);
  }
  const batch = ctx.cursors.open(ns, results, { batchSize: numberArg(cursorSpec, 'batchSize') });
  return cursorReply(ns, batch, 'firstBatch');
}

function countCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'count');
  const coll = ctx.engine.collection(ctx.db, name);
  const query = documentArg(command, 'query') ?? {};
  const skip = Math.max(0, numberArg(command, 'skip', 0)!);
  const limit = Math.abs(numberArg(command, 'limit', 0)!);
  let n: number;
  if (Object.keys(query).length === 0) {
    n = Math.max(0, (coll?.docs.size ?? 0) - skip);
    if (limit > 0) n = Math.min(n, limit);
  } else {
    n = selectDocuments(coll, query, ctx.engine.mingoOptions(ctx.db), { skip, limit }).length;
  }
  return { n, ok: 1 };
}

function distinctCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'distinct');
  const key = command.key;
  if (typeof key !== 'string' || key.length === 0) {
    throw MongoCommandError.typeMismatch("BSON field 'distinct.key' is missing but a required field");
  }
  const docs = selectDocuments(
    ctx.engine.collection(ctx.db, name),
    documentArg(command, 'query') ?? {},
    ctx.engine.mingoOptions(ctx.db),
  );
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (const doc of docs) {
    for (const v of pathValues(doc, key)) {
      if (v === undefined || typeof v === 'symbol') continue;
      const k = indexKeyOf(v);
      if (seen.has(k)) continue;
      seen.add(k);
      values.push(v);
    }
  }
  return { values, ok: 1 };
}

function cursorReply(ns: string, batch: Batch, field: 'firstBatch' | 'nextBatch'): Document {
  return { cursor: { [field]: batch.docs, id: batch.cursorId, ns }, ok: 1 };
}
