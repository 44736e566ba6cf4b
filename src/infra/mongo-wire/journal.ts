import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { BSON, type Document } from 'bson';

const JOURNAL_FILE = 'journal.bson';
const GROUP_HEADER = 8;
const SNAPSHOT_GROUP_OPS = 1000;
const SCRATCH_START_BYTES = 256 * 1024;
/** A buffer grown past this for one large group is not kept for the next. */
const SCRATCH_KEEP_BYTES = 4 * 1024 * 1024;
const DESERIALIZE_OPTIONS = { promoteLongs: false, promoteValues: true, promoteBuffers: false } as const;

/**
 * Append-only journal of resulting document states and metadata operations.
 *
 * The file is a sequence of commit groups `[uint32 length][uint32 crc32][BSON op]...`, one group
 * per command, written with a single synchronous `write` before the reply is sent: once a client
 * sees an acknowledgement the bytes are in the OS page cache and survive a SIGKILL of the process.
 * A crash mid-write leaves a short or corrupt last group, which replay drops (that command was
 * never acknowledged). fsync happens on close and after compaction, not per write.
 */
export class Journal {
  private scratch: Buffer = Buffer.allocUnsafe(SCRATCH_START_BYTES);

  private constructor(
    private readonly file: string,
    private fd: number,
  ) {}

  /**
   * Opens the journal in `dataDir`, feeding every intact op to `apply` in order; a torn tail is
   * cut off so that new groups append after the last good one.
   */
  static open(dataDir: string, apply: (op: Document) => void): Journal {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, JOURNAL_FILE);
    fs.rmSync(`${file}.compact`, { force: true });
    let goodLength = 0;
    if (fs.existsSync(file)) {
      const data = fs.readFileSync(file);
      goodLength = replay(data, apply);
      if (goodLength < data.length) fs.truncateSync(file, goodLength);
    }
    return new Journal(file, fs.openSync(file, 'a'));
  }

  /** Appends one commit group; returns once the bytes are handed to the OS. */
  append(ops: readonly Document[]): void {
    if (ops.length === 0) return;
    // Encoded into a reused buffer: the write is synchronous, so nothing holds on to it after.
    const group = encodeGroupInto(ops, this.scratch);
    writeFully(this.fd, group.bytes);
    this.scratch = group.scratch;
  }

  /**
   * Replaces the journal by a snapshot: written to a temporary file, fsynced, renamed over the
   * journal, directory fsynced. A crash at any point leaves either the old or the new journal.
   */
  compact(snapshot: Iterable<Document>): void {
    const tmp = `${this.file}.compact`;
    const fd = fs.openSync(tmp, 'w');
    try {
      let batch: Document[] = [];
      let scratch: Buffer = Buffer.allocUnsafe(SCRATCH_START_BYTES);
      const flush = () => {
        const group = encodeGroupInto(batch, scratch);
        writeFully(fd, group.bytes);
        scratch = group.scratch;
        batch = [];
      };
      for (const op of snapshot) {
        batch.push(op);
        if (batch.length >= SNAPSHOT_GROUP_OPS) flush();
      }
      if (batch.length) flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.closeSync(this.fd);
    fs.renameSync(tmp, this.file);
    fsyncDirectory(path.dirname(this.file));
    this.fd = fs.openSync(this.file, 'a');
  }

  close(): void {
    if (this.fd < 0) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Encodes a commit group into `buffer` (or a larger replacement when it does not fit); returns the
 * group's bytes and the buffer to reuse next time (a very large one is not kept).
 */
function encodeGroupInto(ops: readonly Document[], buffer: Buffer): { bytes: Buffer; scratch: Buffer } {
  let out = buffer;
  let end = GROUP_HEADER;
  for (const op of ops) {
    for (;;) {
      try {
        end = BSON.serializeWithBufferAndIndex(op, out, { index: end }) + 1;
        break;
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        // The op did not fit: grow (keeping what is already encoded) and encode it again.
        const needed = end + BSON.calculateObjectSize(op);
        if (needed <= out.length) throw err;
        const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, needed));
        out.copy(bigger, 0, 0, end);
        out = bigger;
      }
    }
  }
  const payload = out.subarray(GROUP_HEADER, end);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  return {
    bytes: out.subarray(0, end),
    scratch: out.length > SCRATCH_KEEP_BYTES ? Buffer.allocUnsafe(SCRATCH_START_BYTES) : out,
  };
}

/** Applies every intact group and returns the byte length of the intact prefix. */
function replay(data: Buffer, apply: (op: Document) => void): number {
  let offset = 0;
  while (data.length - offset >= GROUP_HEADER) {
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const start = offset + GROUP_HEADER;
    if (data.length - start < length) break;
    const payload = data.subarray(start, start + length);
    if (crc32(payload) !== checksum) break;
    let p = 0;
    while (p < payload.length) {
      const size = payload.readInt32LE(p);
      apply(BSON.deserialize(payload.subarray(p, p + size), DESERIALIZE_OPTIONS));
      p += size;
    }
    offset = start + length;
  }
  return offset;
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot open directories for fsync; the rename itself is still atomic.
  }
}

/** `writeSync` may write less than asked (large buffers, signals): loop until all is written. */
function writeFully(fd: number, buffer: Uint8Array): void {
  let offset = 0;
  while (offset < buffer.length) offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
}
