import net from 'node:net';
import { BSON, type Document } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, IS_EMBEDDED, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('wire');
});
afterAll(async () => {
  await t?.close();
});

let requestId = 100;

function opMsg(body: Document, flags = 0, sequence?: { id: string; docs: Document[] }): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  if (sequence) {
    const docs = sequence.docs.map((d) => Buffer.from(BSON.serialize(d)));
    const name = Buffer.from(`${sequence.id}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + name.length + docs.reduce((s, d) => s + d.length, 0));
    parts.push(Buffer.from([1]), size, name, ...docs);
  }
  const checksum = flags & 1 ? Buffer.alloc(4) : Buffer.alloc(0);
  const payload = Buffer.concat([...parts, checksum]);
  const header = Buffer.alloc(20);
  header.writeInt32LE(20 + payload.length, 0);
  header.writeInt32LE(++requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(flags, 16);
  return Buffer.concat([header, payload]);
}

function opQuery(ns: string, query: Document): Buffer {
  const name = Buffer.from(`${ns}\0`);
  const body = Buffer.from(BSON.serialize(query));
  const buf = Buffer.alloc(16 + 4 + name.length + 8);
  buf.writeInt32LE(buf.length + body.length, 0);
  buf.writeInt32LE(++requestId, 4);
  buf.writeInt32LE(2004, 12);
  name.copy(buf, 20);
  buf.writeInt32LE(-1, 20 + name.length + 4);
  return Buffer.concat([buf, body]);
}

interface Reply {
  opCode: number;
  responseTo: number;
  doc: Document;
}

/** A raw client socket that collects replies, decoding OP_MSG and OP_REPLY. */
async function rawClient() {
  const { hostname, port } = new URL(t.uri.replace('mongodb://', 'http://'));
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const replies: Reply[] = [];
  let buf = Buffer.alloc(0);
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
      const len = buf.readInt32LE(0);
      const frame = buf.subarray(0, len);
      buf = buf.subarray(len);
      const opCode = frame.readInt32LE(12);
      const docStart = opCode === 1 ? 36 : 21;
      replies.push({
        opCode,
        responseTo: frame.readInt32LE(8),
        doc: BSON.deserialize(frame.subarray(docStart)),
      });
    }
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (n: number) => {
    while (replies.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return replies;
  };
  return { socket, replies, waitFor };
}

describe('wire protocol', () => {
  it('answers a legacy OP_QUERY handshake on admin.$cmd with OP_REPLY', async () => {
    const c = await rawClient();
    const msg = opQuery('admin.$cmd', { isMaster: 1, helloOk: true });
    c.socket.write(msg);
    const [reply] = await c.waitFor(1);
    expect(reply?.opCode).toBe(1);
    expect(reply?.responseTo).toBe(msg.readInt32LE(4));
    expect(reply?.doc).toMatchObject({ ismaster: true, ok: 1, maxWireVersion: expect.any(Number) });
    c.socket.destroy();
  });

  it('handles frames split across chunks and several messages in one chunk, in order', async () => {
    const c = await rawClient();
    const a = opMsg({ ping: 1, $db: 'admin' });
    const b = opMsg({ insert: 'w', documents: [{ i: 1 }], $db: t.dbName });
    const d = opMsg({ count: 'w', $db: t.dbName });
    const all = Buffer.concat([a, b, d]);
    for (let i = 0; i < all.length; i += 7) c.socket.write(all.subarray(i, i + 7));
    const replies = await c.waitFor(3);
    expect(replies.map((r) => r.responseTo)).toEqual([a, b, d].map((m) => m.readInt32LE(4)));
    expect(replies[2]?.doc).toMatchObject({ n: 1, ok: 1 });
    c.socket.destroy();
  });

  it('accepts kind-1 document sequences and sends no reply for moreToCome', async () => {
    const c = await rawClient();
    c.socket.write(
      opMsg({ insert: 'seq', ordered: true, writeConcern: { w: 0 }, $db: t.dbName }, 2, {
        id: 'documents',
        docs: [{ s: 1 }, { s: 2 }, { s: 3 }],
      }),
    );
    const count = opMsg({ count: 'seq', $db: t.dbName });
    c.socket.write(count);
    const replies = await c.waitFor(1);
    expect(replies.length).toBe(1);
    expect(replies[0]?.responseTo).toBe(count.readInt32LE(4));
    expect(replies[0]?.doc).toMatchObject({ n: 3 });
    c.socket.destroy();
  });

  it.skipIf(!IS_EMBEDDED)(
    'skips the checksum when checksumPresent is set (embedded only: mongod verifies CRC-32C)',
    async () => {
      const c = await rawClient();
      c.socket.write(opMsg({ ping: 1, $db: 'admin' }, 1));
      const [reply] = await c.waitFor(1);
      expect(reply?.doc).toMatchObject({ ok: 1 });
      c.socket.destroy();
    },
  );

  it('refuses transactions the way a standalone does', async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      const err = (await t.client
        .db(t.dbName)
        .collection('txn')
        .insertOne({ a: 1 }, { session })
        .catch((e: unknown) => e)) as { code?: number; originalError?: { code?: number; message?: string } };
      // The driver re-wraps IllegalOperation on writes ("does not support retryable writes").
      const original = err.originalError ?? err;
      expect(original.code).toBe(20);
      expect(await t.client.db(t.dbName).collection('txn').countDocuments()).toBe(0);
      const raw = await t.client
        .db(t.dbName)
        .command({
          find: 'txn',
          lsid: { id: new BSON.UUID() },
          txnNumber: BSON.Long.fromNumber(1),
          startTransaction: true,
          autocommit: false,
        })
        .catch((e: unknown) => e);
      expect(raw).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
  });

  it('a malformed frame closes only that connection', async () => {
    const c = await rawClient();
    const closed = new Promise<void>((resolve) => c.socket.once('close', () => resolve()));
    const bad = Buffer.alloc(16);
    bad.writeInt32LE(16, 0);
    bad.writeInt32LE(9999, 12);
    c.socket.write(bad);
    await closed;
    expect(await t.client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
