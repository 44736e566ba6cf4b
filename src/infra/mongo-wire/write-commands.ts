import type { Document } from 'bson';
import type { CollectionStore } from './collection-store';
import { arrayArg, collectionArg, documentArg, numberArg } from './command-args';
import type { CommandContext, CommandHandler } from './command-context';
import { MongoCommandError } from './mongo-error';
import { projectionOf } from './project-documents';
import { selectDocuments } from './select-documents';
import { applyUpdate, buildUpsertDocument, type UpdateContext } from './update-engine';

/**
 * insert / update / delete / findAndModify. Each statement validates fully before it changes
 * anything; a failing statement becomes a `writeErrors` entry, and with `ordered` (the default)
 * the statements after it are not applied — the semantics of mongod.
 */
export const writeCommands: Record<string, CommandHandler> = {
  insert: insertCommand,
  update: updateCommand,
  delete: deleteCommand,
  findAndModify: findAndModifyCommand,
  findandmodify: findAndModifyCommand,
};

function insertCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'insert');
  const documents = arrayArg(command, 'documents');
  const ordered = command.ordered !== false;
  const coll = ctx.engine.ensureCollection(ctx.db, name);
  let n = 0;
  const writeErrors: Document[] = [];
  documents.forEach((doc, index) => {
    if (ordered && writeErrors.length) return;
    try {
      validateForStorage(doc);
      coll.insert(doc);
      n++;
    } catch (err) {
      writeErrors.push(writeErrorOf(err, index));
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

function updateCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'update');
  const statements = arrayArg(command, 'updates');
  const ordered = command.ordered !== false;
  const mingoOptions = ctx.engine.mingoOptions(ctx.db);
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  statements.forEach((stmt, index) => {
    if (ordered && writeErrors.length) return;
    try {
      const filter = (stmt.q as Document) ?? {};
      const uctx: UpdateContext = {
        filter,
        arrayFilters: stmt.arrayFilters as Document[] | undefined,
        mingoOptions,
      };
      const coll = ctx.engine.collection(ctx.db, name);
      const matches = selectDocuments(coll, filter, mingoOptions, {
        limit: stmt.multi ? 0 : 1,
        sort: stmt.sort as Document | undefined,
      });
      if (matches.length === 0) {
        if (stmt.upsert) {
          const doc = buildUpsertDocument(stmt.u, uctx);
          validateForStorage(doc);
          ctx.engine.ensureCollection(ctx.db, name).insert(doc);
          n++;
          upserted.push({ index, _id: doc._id });
        }
        return;
      }
      for (const doc of matches) {
        const outcome = applyUpdate(doc, stmt.u, uctx);
        n++;
        if (outcome.modified) {
          validateForStorage(outcome.doc);
          coll!.replace(doc, outcome.doc);
          nModified++;
        }
      }
    } catch (err) {
      writeErrors.push(writeErrorOf(err, index));
    }
  });
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
}

function deleteCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'delete');
  const statements = arrayArg(command, 'deletes');
  const ordered = command.ordered !== false;
  const mingoOptions = ctx.engine.mingoOptions(ctx.db);
  const coll = ctx.engine.collection(ctx.db, name);
  let n = 0;
  const writeErrors: Document[] = [];
  statements.forEach((stmt, index) => {
    if (ordered && writeErrors.length) return;
    try {
      const limit = numberArg(stmt, 'limit', 0);
      if (limit !== 0 && limit !== 1)
        throw MongoCommandError.failedToParse('The limit field in delete objects must be 0 or 1');
      const matches = selectDocuments(coll, (stmt.q as Document) ?? {}, mingoOptions, { limit });
      for (const doc of matches) {
        coll!.remove(doc);
        n++;
      }
    } catch (err) {
      writeErrors.push(writeErrorOf(err, index));
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

function findAndModifyCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(
    command,
    command.findAndModify !== undefined ? 'findAndModify' : 'findandmodify',
  );
  const filter = documentArg(command, 'query') ?? {};
  const sort = documentArg(command, 'sort');
  const remove = command.remove === true;
  const update = command.update as unknown;
  const returnNew = command.new === true;
  if (remove && update !== undefined) {
    throw MongoCommandError.failedToParse('Cannot specify both an update and remove=true');
  }
  if (!remove && update === undefined) {
    throw MongoCommandError.failedToParse('Either an update or remove=true must be specified');
  }
  if (remove && (command.upsert === true || returnNew)) {
    throw MongoCommandError.failedToParse('Cannot specify both upsert=true and remove=true');
  }
  const mingoOptions = ctx.engine.mingoOptions(ctx.db);
  const project = projectionOf(documentArg(command, 'fields'), filter, mingoOptions);
  const shape = (doc: Document | undefined) => (doc === undefined ? null : project ? project(doc) : doc);
  const coll: CollectionStore | undefined = ctx.engine.collection(ctx.db, name);
  const [match] = selectDocuments(coll, filter, mingoOptions, { sort, limit: 1 });

  if (remove) {
    if (match) coll!.remove(match);
    return { lastErrorObject: { n: match ? 1 : 0 }, value: shape(match), ok: 1 };
  }
  const uctx: UpdateContext = {
    filter,
    arrayFilters: command.arrayFilters as Document[] | undefined,
    mingoOptions,
  };
  if (match) {
    const outcome = applyUpdate(match, update, uctx);
    if (outcome.modified) {
      validateForStorage(outcome.doc);
      coll!.replace(match, outcome.doc);
    }
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(returnNew ? outcome.doc : match),
      ok: 1,
    };
  }
  if (command.upsert === true) {
    const doc = buildUpsertDocument(update, uctx);
    validateForStorage(doc);
    ctx.engine.ensureCollection(ctx.db, name).insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? shape(doc) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

/** Rejects documents mongod would not store: array `_id`, `$`-prefixed top-level fields. */
function validateForStorage(doc: Document): void {
  if (Array.isArray(doc._id)) {
    throw new MongoCommandError(53, 'InvalidIdField', `The '_id' value cannot be of type array`);
  }
  if (doc._id instanceof RegExp) {
    throw new MongoCommandError(53, 'InvalidIdField', `The '_id' value cannot be of type regex`);
  }
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) {
      throw new MongoCommandError(
        52,
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
}

function writeErrorOf(err: unknown, index: number): Document {
  if (err instanceof MongoCommandError) {
    return { index, code: err.code, errmsg: err.message, ...err.extra };
  }
  return { index, code: 1, errmsg: err instanceof Error ? err.message : String(err) };
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}
