import { BSON, type Document } from 'bson';
import { arrayArg, collectionArg, documentArg } from './command-args';
import type { CommandContext, CommandHandler } from './command-context';
import type { IndexSpec } from './hash-index';
import { MongoCommandError } from './mongo-error';
import { compileFilter } from './select-documents';

/** Collection, index and database management commands. */
export const ddlCommands: Record<string, CommandHandler> = {
  create: createCommand,
  drop: dropCommand,
  createIndexes: createIndexesCommand,
  listIndexes: listIndexesCommand,
  dropIndexes: dropIndexesCommand,
  deleteIndexes: dropIndexesCommand,
  listCollections: listCollectionsCommand,
  listDatabases: listDatabasesCommand,
  dropDatabase: dropDatabaseCommand,
  collStats: collStatsCommand,
  dbStats: dbStatsCommand,
};

const CREATE_OPTIONS = [
  'capped',
  'size',
  'max',
  'validator',
  'validationLevel',
  'validationAction',
  'collation',
];

function createCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'create');
  if (
    command.viewOn !== undefined ||
    command.timeseries !== undefined ||
    command.clusteredIndex !== undefined
  ) {
    throw MongoCommandError.badValue(
      'views, time-series and clustered collections are not supported by the embedded server',
    );
  }
  const options: Document = {};
  for (const key of CREATE_OPTIONS) if (command[key] !== undefined) options[key] = command[key];
  ctx.engine.createCollection(ctx.db, name, options);
  return { ok: 1 };
}

function dropCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'drop');
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexSpecs().length;
  ctx.engine.dropCollection(ctx.db, name);
  ctx.cursors.killNamespace(coll.ns);
  return { nIndexesWas, ns: coll.ns, ok: 1 };
}

function createIndexesCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'createIndexes');
  const specs = arrayArg(command, 'indexes');
  if (specs.length === 0) throw MongoCommandError.badValue('Must specify at least one index to create');
  for (const spec of specs) validateIndexSpec(spec);
  const existed = ctx.engine.collection(ctx.db, name) !== undefined;
  const coll = ctx.engine.ensureCollection(ctx.db, name);
  const before = coll.indexSpecs().length;
  const created: string[] = [];
  try {
    for (const spec of specs) {
      if (coll.createIndex(normaliseSpec(spec))) created.push(spec.name as string);
    }
  } catch (err) {
    // All-or-nothing, like mongod: undo the indexes this command already built.
    for (const indexName of created) coll.dropIndex(indexName);
    throw err;
  }
  const reply: Document = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexSpecs().length,
    createdCollectionAutomatically: !existed,
  };
  if (created.length === 0) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
}

function listIndexesCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'listIndexes');
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) throw namespaceNotFound(`${ctx.db}.${name}`);
  const batch = ctx.cursors.open(coll.ns, coll.indexSpecs(), {
    batchSize: (documentArg(command, 'cursor')?.batchSize as number | undefined) ?? undefined,
  });
  return { cursor: { id: batch.cursorId, ns: coll.ns, firstBatch: batch.docs }, ok: 1 };
}

function dropIndexesCommand(command: Document, ctx: CommandContext): Document {
  const commandName = command.dropIndexes !== undefined ? 'dropIndexes' : 'deleteIndexes';
  const name = collectionArg(command, commandName);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) throw namespaceNotFound(`${ctx.db}.${name}`);
  const nIndexesWas = coll.indexSpecs().length;
  const target = command.index;
  let names: string[];
  if (target === '*') names = [...coll.indexes.keys()];
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (target && typeof target === 'object') {
    const wanted = BSON.EJSON.stringify(target as Document);
    const found = coll.indexSpecs().find((s) => BSON.EJSON.stringify(s.key as Document) === wanted);
    if (!found) {
      throw new MongoCommandError(
        27,
        'IndexNotFound',
        `can't find index with key: ${BSON.EJSON.stringify(target as Document)}`,
      );
    }
    names = [found.name];
  } else throw MongoCommandError.typeMismatch("BSON field 'dropIndexes.index' is the wrong type");
  for (const indexName of names) {
    if (indexName === '_id_') throw new MongoCommandError(72, 'InvalidOptions', 'cannot drop _id index');
    if (!coll.indexes.has(indexName)) {
      throw new MongoCommandError(27, 'IndexNotFound', `index not found with name [${indexName}]`);
    }
  }
  for (const indexName of names) coll.dropIndex(indexName);
  const reply: Document = { nIndexesWas };
  if (target === '*') reply.msg = 'non-_id indexes dropped for collection';
  reply.ok = 1;
  return reply;
}

function listCollectionsCommand(command: Document, ctx: CommandContext): Document {
  const filter = documentArg(command, 'filter') ?? {};
  const nameOnly = command.nameOnly === true;
  const test = compileFilter(filter, ctx.engine.mingoOptions(ctx.db));
  const entries = ctx.engine
    .collections(ctx.db)
    .map(
      (c): Document =>
        nameOnly
          ? { name: c.name, type: 'collection' }
          : {
              name: c.name,
              type: 'collection',
              options: c.options,
              info: { readOnly: false },
              idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
            },
    )
    .filter((e) => !test || test(e));
  const ns = `${ctx.db}.$cmd.listCollections`;
  const batch = ctx.cursors.open(ns, entries, {
    batchSize: (documentArg(command, 'cursor')?.batchSize as number | undefined) ?? undefined,
  });
  return { cursor: { id: batch.cursorId, ns, firstBatch: batch.docs }, ok: 1 };
}

function listDatabasesCommand(command: Document, ctx: CommandContext): Document {
  const filter = documentArg(command, 'filter') ?? {};
  const test = compileFilter(filter, ctx.engine.mingoOptions('admin'));
  const databases = ctx.engine
    .databaseNames()
    .map((name): Document => {
      const size = ctx.engine.collections(name).reduce((s, c) => s + approximateSize(c.docs.size), 0);
      return command.nameOnly === true ? { name } : { name, sizeOnDisk: size, empty: size === 0 };
    })
    .filter((d) => !test || test(d));
  const totalSize = databases.reduce((s, d) => s + ((d.sizeOnDisk as number | undefined) ?? 0), 0);
  return command.nameOnly === true
    ? { databases, ok: 1 }
    : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
}

function dropDatabaseCommand(_command: Document, ctx: CommandContext): Document {
  ctx.engine.dropDatabase(ctx.db);
  ctx.cursors.killNamespace(`${ctx.db}.`);
  return { dropped: ctx.db, ok: 1 };
}

function collStatsCommand(command: Document, ctx: CommandContext): Document {
  const name = collectionArg(command, 'collStats');
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) throw namespaceNotFound(`${ctx.db}.${name}`);
  const count = coll.docs.size;
  const size = approximateSize(count);
  return {
    ns: coll.ns,
    count,
    size,
    avgObjSize: count ? Math.round(size / count) : 0,
    storageSize: size,
    nindexes: coll.indexSpecs().length,
    totalIndexSize: 0,
    indexSizes: Object.fromEntries(coll.indexSpecs().map((s) => [s.name, 0])),
    ok: 1,
  };
}

function dbStatsCommand(_command: Document, ctx: CommandContext): Document {
  const colls = ctx.engine.collections(ctx.db);
  const objects = colls.reduce((s, c) => s + c.docs.size, 0);
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    dataSize: approximateSize(objects),
    storageSize: approximateSize(objects),
    indexes: colls.reduce((s, c) => s + c.indexSpecs().length, 0),
    ok: 1,
  };
}

/** Sizes are not tracked per document; a nominal 256 bytes each keeps the fields meaningful. */
function approximateSize(count: number): number {
  return count * 256;
}

function namespaceNotFound(ns: string): MongoCommandError {
  return new MongoCommandError(26, 'NamespaceNotFound', `ns does not exist: ${ns}`);
}

function validateIndexSpec(spec: Document): void {
  const key = spec.key;
  if (!key || typeof key !== 'object' || Array.isArray(key) || Object.keys(key).length === 0) {
    throw new MongoCommandError(67, 'CannotCreateIndex', 'Index keys cannot be empty.');
  }
  if (typeof spec.name !== 'string' || spec.name.length === 0) {
    throw new MongoCommandError(9, 'FailedToParse', 'The index name must be a non-empty string');
  }
}

function normaliseSpec(spec: Document): IndexSpec {
  const { v: _v, ns: _ns, background: _bg, ...rest } = spec;
  return { v: 2, ...rest } as IndexSpec;
}
