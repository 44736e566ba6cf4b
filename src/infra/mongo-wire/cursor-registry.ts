import { randomBytes } from 'node:crypto';
import { BSON, type Document, Long } from 'bson';

const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_FIRST_BATCH = 101;
/** Replies stay under the 16 MiB document limit with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
  transform: ((doc: Document) => Document) | undefined;
}

export interface Batch {
  docs: Document[];
  cursorId: Long;
}

/**
 * Server-side cursors over snapshot arrays. Results are materialised when the command runs
 * (stored documents are immutable, so holding references is a snapshot); `transform` applies
 * the projection lazily per batch. Idle cursors expire after 10 minutes, as in mongod.
 */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.expireIdle(), 60_000);
    this.sweeper.unref();
  }

  /**
   * Returns the first batch and, when documents remain and the caller did not ask for a single
   * batch, registers a cursor for the rest (`cursorId` 0 otherwise).
   */
  open(
    ns: string,
    docs: Document[],
    options: { batchSize?: number; singleBatch?: boolean; transform?: (doc: Document) => Document },
  ): Batch {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: this.now(), transform: options.transform };
    const first = this.take(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    if (options.singleBatch || cursor.position >= docs.length) return { docs: first, cursorId: Long.ZERO };
    const id = newCursorId();
    this.cursors.set(id.toString(), cursor);
    return { docs: first, cursorId: id };
  }

  /** The next batch of a cursor, or undefined when the id is unknown (or for another namespace). */
  getMore(id: Long, ns: string, batchSize: number | undefined): Batch | undefined {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor || cursor.ns !== ns) return undefined;
    cursor.lastUsed = this.now();
    const docs = this.take(cursor, batchSize && batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY);
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(key);
      return { docs, cursorId: Long.ZERO };
    }
    return { docs, cursorId: id };
  }

  kill(id: Long): boolean {
    return this.cursors.delete(id.toString());
  }

  /** Drops cursors of a namespace (collection dropped) or of a database (prefix `db.`). */
  killNamespace(nsOrDbPrefix: string): void {
    for (const [id, c] of this.cursors) {
      if (c.ns === nsOrDbPrefix || c.ns.startsWith(nsOrDbPrefix)) this.cursors.delete(id);
    }
  }

  get size(): number {
    return this.cursors.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.cursors.clear();
  }

  expireIdle(): void {
    const cutoff = this.now() - CURSOR_IDLE_TIMEOUT_MS;
    for (const [id, c] of this.cursors) if (c.lastUsed < cutoff) this.cursors.delete(id);
  }

  private take(cursor: OpenCursor, limit: number): Document[] {
    const out: Document[] = [];
    let bytes = 0;
    while (cursor.position < cursor.docs.length && out.length < limit) {
      const raw = cursor.docs[cursor.position]!;
      const doc = cursor.transform ? cursor.transform(raw) : raw;
      if (out.length > 0 && limit > DEFAULT_FIRST_BATCH) {
        bytes += BSON.calculateObjectSize(doc);
        if (bytes > MAX_BATCH_BYTES) break;
      }
      out.push(doc);
      cursor.position++;
    }
    return out;
  }
}

function newCursorId(): Long {
  // Positive 63-bit ids, never 0 (0 means "exhausted" on the wire).
  const bytes = randomBytes(8);
  bytes[7] = bytes[7]! & 0x7f;
  const id = Long.fromBytesLE([...bytes]);
  return id.isZero() ? Long.ONE : id;
}
