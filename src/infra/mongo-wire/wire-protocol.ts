import { BSON, type Document } from 'bson';

/**
 * MongoDB wire protocol framing and (de)serialisation for the two opcodes the driver uses
 * against a modern server: OP_QUERY (only for the very first handshake) and OP_MSG.
 * OP_COMPRESSED is never advertised, so the driver never sends it.
 */

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
const MSG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_MORE_TO_COME = 1 << 1;

/** maxMessageSizeBytes advertised in hello; anything bigger is a protocol violation. */
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

// Long stays a Long so int64 values round-trip exactly; int32/double become JS numbers so mingo
// can compute with them; Binary stays Binary so its subtype survives.
const DESERIALIZE_OPTIONS = { promoteLongs: false, promoteValues: true, promoteBuffers: false } as const;

export interface WireRequest {
  requestId: number;
  opCode: typeof OP_QUERY | typeof OP_MSG;
  /** OP_MSG flag bits (0 for OP_QUERY). */
  flags: number;
  /** The command document with kind-1 document sequences merged in as arrays. */
  command: Document;
  /** Database from `$db` (OP_MSG) or from the OP_QUERY namespace. */
  db: string;
}

/**
 * Splits a TCP byte stream into complete wire messages and decodes them. Partial frames are
 * buffered; several messages in one chunk are all returned, in order.
 */
export class MessageFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Feeds a chunk and returns every request that is now complete. Throws on malformed frames. */
  push(chunk: Buffer): WireRequest[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const out: WireRequest[] = [];
    let buf = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    while (buf.length - offset >= 4) {
      const length = buf.readInt32LE(offset);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new Error(`invalid message length ${length}`);
      }
      if (buf.length - offset < length) break;
      out.push(decodeMessage(buf.subarray(offset, offset + length)));
      offset += length;
    }
    buf = buf.subarray(offset);
    this.pending = buf.length > 0 ? [Buffer.from(buf)] : [];
    this.pendingBytes = buf.length;
    return out;
  }
}

function decodeMessage(frame: Buffer): WireRequest {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return decodeOpMsg(frame, requestId);
  if (opCode === OP_QUERY) return decodeOpQuery(frame, requestId);
  throw new Error(`unsupported opCode ${opCode}`);
}

function decodeOpMsg(frame: Buffer, requestId: number): WireRequest {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  const end = flags & MSG_CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let offset = HEADER_SIZE + 4;
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === 0) {
      const size = frame.readInt32LE(offset);
      command = BSON.deserialize(frame.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
      offset += size;
    } else if (kind === 1) {
      const size = frame.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = frame.indexOf(0, offset + 4);
      const identifier = frame.toString('utf8', offset + 4, nameEnd);
      const docs: Document[] = [];
      let p = nameEnd + 1;
      while (p < sectionEnd) {
        const docSize = frame.readInt32LE(p);
        docs.push(BSON.deserialize(frame.subarray(p, p + docSize), DESERIALIZE_OPTIONS));
        p += docSize;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new Error(`unsupported OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    const existing = command[identifier];
    command[identifier] = Array.isArray(existing) ? [...existing, ...docs] : docs;
  }
  const db = typeof command.$db === 'string' ? command.$db : 'admin';
  return { requestId, opCode: OP_MSG, flags, command, db };
}

function decodeOpQuery(frame: Buffer, requestId: number): WireRequest {
  let offset = HEADER_SIZE + 4; // skip flags
  const nameEnd = frame.indexOf(0, offset);
  const fullCollectionName = frame.toString('utf8', offset, nameEnd);
  offset = nameEnd + 1 + 8; // numberToSkip + numberToReturn
  const size = frame.readInt32LE(offset);
  let command = BSON.deserialize(frame.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  // Legacy drivers wrap the command as { $query: {...}, $readPreference: ... }.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  const db = fullCollectionName.split('.')[0] ?? 'admin';
  return { requestId, opCode: OP_QUERY, flags: 0, command, db };
}

let nextResponseId = 1;

/** Reused by `encodeReply`, which copies the finished message out of it. */
let replyScratch: Buffer = Buffer.allocUnsafe(256 * 1024);
const REPLY_SCRATCH_KEEP_BYTES = 4 * 1024 * 1024;

/** Encodes a reply in the opcode family of the request it answers. */
export function encodeReply(request: WireRequest, body: Document): Buffer {
  const responseId = nextResponseId++ & 0x7fffffff;
  // OP_REPLY: header, responseFlags, cursorID (int64), startingFrom, numberReturned, documents.
  // OP_MSG: header, flagBits, section kind 0, the body.
  const headerLength = request.opCode === OP_QUERY ? HEADER_SIZE + 20 : HEADER_SIZE + 5;
  const buf = serializeAfter(body, headerLength);
  const length = buf.end;
  buf.bytes.fill(0, 0, headerLength);
  buf.bytes.writeInt32LE(length, 0);
  buf.bytes.writeInt32LE(responseId, 4);
  buf.bytes.writeInt32LE(request.requestId, 8);
  if (request.opCode === OP_QUERY) {
    buf.bytes.writeInt32LE(OP_REPLY, 12);
    buf.bytes.writeInt32LE(8, 16); // AwaitCapable, as mongod sets it
    buf.bytes.writeInt32LE(1, 32);
  } else {
    buf.bytes.writeInt32LE(OP_MSG, 12);
  }
  const out = Buffer.allocUnsafe(length);
  buf.bytes.copy(out, 0, 0, length);
  return out;
}

/** Serialises `body` into the reply scratch buffer at `offset`, growing it when needed. */
function serializeAfter(body: Document, offset: number): { bytes: Buffer; end: number } {
  for (;;) {
    try {
      const end = BSON.serializeWithBufferAndIndex(body, replyScratch, { index: offset }) + 1;
      const bytes = replyScratch;
      if (replyScratch.length > REPLY_SCRATCH_KEEP_BYTES) replyScratch = Buffer.allocUnsafe(256 * 1024);
      return { bytes, end };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const needed = offset + BSON.calculateObjectSize(body);
      if (needed <= replyScratch.length) throw err;
      replyScratch = Buffer.allocUnsafe(Math.max(replyScratch.length * 2, needed));
    }
  }
}
