import type { Document } from 'bson';
import type { AnyObject, Options } from 'mingo/types';
import { cloneDocument } from './clone-document';
import { CollectionStore, type JournalOp } from './collection-store';
import type { IndexSpec } from './hash-index';
import { Journal } from './journal';
import { createMingoOptions } from './mingo-options';
import { MongoCommandError } from './mongo-error';

/**
 * All databases and collections of the server, plus the journal. Mutations made while a command
 * runs are collected as journal ops and written as one commit group by `commit()`, which the
 * dispatcher calls after every command and before replying.
 */
export class StorageEngine {
  private readonly dbs = new Map<string, Map<string, CollectionStore>>();
  private readonly mingoByDb = new Map<string, Partial<Options>>();
  private pending: JournalOp[] = [];
  private journal: Journal | undefined;
  private readonly record = (op: JournalOp) => {
    this.pending.push(op);
  };

  /** Replays the journal in `dataDir`, rebuilds indexes, then compacts the journal. */
  static open(dataDir: string): StorageEngine {
    const engine = new StorageEngine();
    engine.journal = Journal.open(dataDir, (op) => engine.replayOp(op));
    for (const colls of engine.dbs.values()) for (const c of colls.values()) c.rebuildIndexes();
    engine.journal.compact(engine.snapshot());
    return engine;
  }

  /** Mingo options for a database: BSON-aware operators and `$lookup` over its collections. */
  mingoOptions(db: string): Partial<Options> {
    let opts = this.mingoByDb.get(db);
    if (!opts) {
      opts = createMingoOptions((name) => {
        const coll = this.collection(db, name);
        return coll ? ([...coll.docs.values()].map(cloneDocument) as AnyObject[]) : [];
      });
      this.mingoByDb.set(db, opts);
    }
    return opts;
  }

  collection(db: string, name: string): CollectionStore | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created implicitly (as MongoDB does on first write) when missing. */
  ensureCollection(db: string, name: string): CollectionStore {
    return this.collection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Document): CollectionStore {
    validateNamespace(db, name);
    if (this.collection(db, name)) {
      throw new MongoCommandError(48, 'NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    const coll = this.install(db, name, options);
    this.record({ o: 'cc', ns: `${db}.${name}`, opts: options });
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.delete(name)) return false;
    if (colls.size === 0) this.dbs.delete(db);
    this.record({ o: 'dc', ns: `${db}.${name}` });
    return true;
  }

  dropDatabase(db: string): void {
    if (!this.dbs.delete(db)) return;
    this.record({ o: 'dd', db });
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): CollectionStore[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  /** Writes the ops of the command that just ran as one journal group. */
  commit(): void {
    if (this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    this.journal?.append(ops);
  }

  close(): void {
    this.commit();
    this.journal?.close();
    this.journal = undefined;
  }

  private install(db: string, name: string, options: Document): CollectionStore {
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const coll = new CollectionStore(db, name, options, this.mingoOptions(db), this.record);
    colls.set(name, coll);
    return coll;
  }

  private replayOp(op: Document): void {
    const [db, name] = splitNs(op.ns);
    switch (op.o) {
      case 'cc':
        if (!this.collection(db, name)) this.install(db, name, (op.opts as Document) ?? {});
        break;
      case 'dc':
        this.dbs.get(db)?.delete(name);
        break;
      case 'dd':
        this.dbs.delete(op.db as string);
        break;
      case 'p':
        (this.collection(db, name) ?? this.install(db, name, {})).restorePut(op.d as Document);
        break;
      case 'd':
        this.collection(db, name)?.restoreDelete(op.id);
        break;
      case 'ci':
        (this.collection(db, name) ?? this.install(db, name, {})).restoreIndex(op.spec as IndexSpec);
        break;
      case 'di':
        this.collection(db, name)?.restoreDropIndex(op.name as string);
        break;
      default:
        throw new Error(`unknown journal op ${String(op.o)}`);
    }
  }

  private *snapshot(): Generator<Document> {
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        yield { o: 'cc', ns: coll.ns, opts: coll.options };
        for (const index of coll.indexes.values()) yield { o: 'ci', ns: coll.ns, spec: index.spec };
        for (const doc of coll.docs.values()) yield { o: 'p', ns: coll.ns, d: doc };
      }
    }
  }
}

function splitNs(ns: unknown): [string, string] {
  if (typeof ns !== 'string') return ['', ''];
  const dot = ns.indexOf('.');
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

function validateNamespace(db: string, name: string): void {
  if (!db || /[/\\. "$\0]/.test(db)) {
    throw new MongoCommandError(73, 'InvalidNamespace', `Invalid database name: '${db}'`);
  }
  if (
    !name ||
    name.includes('$') ||
    name.includes('\0') ||
    name.startsWith('.') ||
    name.startsWith('system.')
  ) {
    throw new MongoCommandError(73, 'InvalidNamespace', `Invalid collection name: ${name}`);
  }
}
