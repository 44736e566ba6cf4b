import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

type Pending =
  | { kind: 'read'; id: string; resolve: (doc: Document | null) => void; reject: (err: unknown) => void }
  | {
      kind: 'write';
      op: AnyBulkWriteOperation;
      /** Read the document back after the write (and accept a duplicate-key refusal of it). */
      readBack: string | null;
      resolve: (doc: Document | null) => void;
      reject: (err: unknown) => void;
    };

/** Operations per round trip at most. */
const MAX_BATCH = 500;
/** Batches of one collection in flight at once (the next gathers meanwhile). */
const MAX_IN_FLIGHT = 2;

/**
 * One collection's single-document operations from many concurrent callers (the delivery jobs a
 * worker runs at once), coalesced into two round trips per batch: every write of the batch in one
 * unordered `bulkWrite`, then every document asked for in one `find` by `_id`. While a batch is in
 * flight the next one gathers, so the batches grow with the load and an idle caller waits one turn
 * of the event loop. Each write keeps its own filter, so a conditional update stays exactly as
 * conditional as it was alone; what a caller needs to know of its outcome it reads back (its
 * document after the batch's writes) instead of from a per-operation count.
 */
export class BatchedCollection<T> {
  private pending: Pending[] = [];
  private flushes = 0;
  private scheduled = false;

  constructor(
    private readonly collection: Pick<Collection<Document>, 'bulkWrite' | 'find'>,
    private readonly projection?: Document,
  ) {}

  findById(id: string): Promise<T | null> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'read', id, resolve: resolve as (doc: Document | null) => void, reject }),
    );
  }

  /** A write whose outcome the caller does not need (it may have matched nothing). */
  write(op: AnyBulkWriteOperation): Promise<void> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'write', op, readBack: null, resolve: () => resolve(), reject }),
    );
  }

  /**
   * A write, then the document `id` as it stands after the batch's writes (null when there is
   * none). A duplicate-key refusal of an insert is not an error here: the document read back tells.
   */
  writeThenRead(id: string, op: AnyBulkWriteOperation): Promise<T | null> {
    return new Promise((resolve, reject) =>
      this.enqueue({
        kind: 'write',
        op,
        readBack: id,
        resolve: resolve as (doc: Document | null) => void,
        reject,
      }),
    );
  }

  private enqueue(item: Pending): void {
    this.pending.push(item);
    if (this.scheduled || this.flushes >= MAX_IN_FLIGHT) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushes++;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.run(batch);
      } catch (err) {
        for (const item of batch) item.reject(err);
      }
    }
    this.flushes--;
  }

  private async run(batch: Pending[]): Promise<void> {
    const writes = batch.filter((item) => item.kind === 'write');
    const refused = new Map<number, unknown>();
    if (writes.length > 0) {
      try {
        await this.collection.bulkWrite(
          writes.map((item) => item.op),
          { ordered: false },
        );
      } catch (err) {
        const errors = writeErrorsOf(err);
        if (!errors) throw err;
        for (const error of errors) refused.set(error.index, error);
      }
    }
    const ids = new Set<string>();
    for (const item of batch) {
      if (item.kind === 'read') ids.add(item.id);
      else if (item.readBack !== null) ids.add(item.readBack);
    }
    const found =
      ids.size > 0
        ? await this.collection
            .find(
              { _id: { $in: [...ids] as never[] } },
              this.projection ? { projection: this.projection } : {},
            )
            .toArray()
        : [];
    const byId = new Map(found.map((doc) => [String(doc._id), doc]));
    writes.forEach((item, index) => {
      const error = refused.get(index) as { code?: unknown } | undefined;
      if (error && !(item.readBack !== null && error.code === 11000)) {
        item.reject(Object.assign(new Error(`write refused: ${JSON.stringify(error)}`), { cause: error }));
        return;
      }
      item.resolve(item.readBack === null ? null : (byId.get(item.readBack) ?? null));
    });
    for (const item of batch) if (item.kind === 'read') item.resolve(byId.get(item.id) ?? null);
  }
}

/** The per-operation errors of an unordered bulk write (`index` into its operations), or null. */
function writeErrorsOf(err: unknown): { index: number; code?: unknown }[] | null {
  const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length === 0) return null;
  return (list as { index?: unknown; code?: unknown; err?: { code?: unknown } }[]).map((e) => ({
    index: Number(e.index),
    code: e.code ?? e.err?.code,
  }));
}
