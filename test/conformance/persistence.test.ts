import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal128, Long, MongoClient, ObjectId } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../../src/infra/mongo-wire/embedded-mongo';
import { type ConformanceTarget, IS_EMBEDDED, startConformanceTarget } from './conformance-target';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/mongo-embedded.ts');
const embeddedOnly = IS_EMBEDDED ? describe : describe.skip;

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('persist');
});
afterAll(async () => {
  await t?.close();
});

embeddedOnly('restart persistence (embedded server only; skipped when MONGODB_URI is set)', () => {
  it('documents, updates, deletes, indexes and collections survive stop/start', async () => {
    const Member = t.connection.model(
      'Member',
      new Schema({ mobile: { type: String, unique: true }, points: Number }),
    );
    await Member.init();
    await Member.insertMany(Array.from({ length: 50 }, (_, i) => ({ mobile: `m${i}`, points: i })));
    await Member.updateOne({ mobile: 'm1' }, { $inc: { points: 100 } });
    await Member.deleteOne({ mobile: 'm2' });
    const raw = t.client.db(t.dbName).collection('types');
    await raw.insertOne({
      _id: 'k' as never,
      l: Long.fromString('9223372036854775806'),
      d: Decimal128.fromString('0.10'),
    });
    await t.client.db(t.dbName).collection('gone').insertOne({ x: 1 });
    await t.client.db(t.dbName).collection('gone').drop();

    await t.restart();

    const Again = t.connection.model(
      'Member',
      new Schema({ mobile: { type: String, unique: true }, points: Number }),
    );
    expect(await Again.countDocuments()).toBe(49);
    expect((await Again.findOne({ mobile: 'm1' }).lean())?.points).toBe(101);
    expect(await Again.findOne({ mobile: 'm2' })).toBeNull();
    await expect(Again.create({ mobile: 'm3' })).rejects.toMatchObject({ code: 11000 });
    const back = await t.client
      .db(t.dbName)
      .collection('types')
      .findOne({ _id: 'k' as never }, { promoteLongs: false });
    expect(String(back?.l)).toBe('9223372036854775806');
    expect(String(back?.d)).toBe('0.10');
    const names = (await t.client.db(t.dbName).listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name,
    );
    expect(names).not.toContain('gone');
  });

  it('a torn last journal record (crash mid-write) is dropped; everything before it is kept', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-torn-'));
    try {
      let server = await startEmbeddedMongo({ dataDir, port: 0 });
      let client = await MongoClient.connect(server.uri);
      await client
        .db('d')
        .collection('c')
        .insertMany([{ n: 1 }, { n: 2 }]);
      await client.close();
      await server.stop();
      const journal = path.join(dataDir, 'journal.bson');
      fs.appendFileSync(journal, Buffer.from([200, 1, 0, 0, 9, 9, 9, 9, 1, 2, 3]));
      server = await startEmbeddedMongo({ dataDir, port: 0 });
      client = await MongoClient.connect(server.uri);
      expect(await client.db('d').collection('c').countDocuments()).toBe(2);
      await client.db('d').collection('c').insertOne({ n: 3 });
      await client.close();
      await server.stop();
      server = await startEmbeddedMongo({ dataDir, port: 0 });
      client = await MongoClient.connect(server.uri);
      expect(await client.db('d').collection('c').countDocuments()).toBe(3);
      await client.close();
      await server.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a second server on a data dir in use is refused', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-lock-'));
    const server = await startEmbeddedMongo({ dataDir, port: 0 });
    try {
      await expect(startEmbeddedMongo({ dataDir, port: 0 })).rejects.toThrow(/locked/);
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

embeddedOnly('SIGKILL durability (embedded server only; skipped when MONGODB_URI is set)', () => {
  it('every acknowledged write survives kill -9, and the journal is compacted on the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-kill-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SCRIPT, '--port', '0', '--data-dir', dataDir, '--quiet'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const uri = await readyUri(child);
      const client = await MongoClient.connect(uri, { maxPoolSize: 20 });
      const c = client.db('kill').collection('ledger');
      await c.createIndex({ tx: 1 }, { unique: true });
      const acked: string[] = [];
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          await c.insertOne({ tx: `t${i}`, amount: i });
          acked.push(`t${i}`);
        }),
      );
      for (let i = 0; i < 300; i++) await c.updateOne({ tx: 't0' }, { $inc: { amount: 1 } });
      await c.deleteOne({ tx: 't1' });
      const counter = await c.findOneAndUpdate(
        { tx: 'counter' },
        { $inc: { n: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      expect(counter?.n).toBe(1);
      const sizeBefore = fs.statSync(path.join(dataDir, 'journal.bson')).size;

      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await client.close(true).catch(() => undefined);

      const server = await startEmbeddedMongo({ dataDir, port: 0 });
      const again = await MongoClient.connect(server.uri);
      try {
        const l = again.db('kill').collection('ledger');
        const present = new Set((await l.find({}).toArray()).map((d) => d.tx as string));
        for (const tx of acked) if (tx !== 't1') expect(present.has(tx)).toBe(true);
        expect(present.has('t1')).toBe(false);
        expect((await l.findOne({ tx: 't0' }))?.amount).toBe(300);
        expect((await l.findOne({ tx: 'counter' }))?.n).toBe(1);
        await expect(l.insertOne({ tx: 't5' })).rejects.toMatchObject({ code: 11000 });
        const sizeAfter = fs.statSync(path.join(dataDir, 'journal.bson')).size;
        expect(sizeAfter).toBeLessThan(sizeBefore);
        expect(fs.existsSync(path.join(dataDir, 'journal.bson.compact'))).toBe(false);
      } finally {
        await again.close();
        await server.stop();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('reads after writes on one connection see the writes', () => {
  it('read-your-writes through mongoose', async () => {
    const Note = t.connection.model('Note', new Schema({ text: String }));
    const id = new ObjectId();
    await Note.create({ _id: id, text: 'x' });
    expect((await Note.findById(id).lean())?.text).toBe('x');
  });
});

function readyUri(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('embedded mongo did not become ready')), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /EMBEDDED_MONGO_READY port=(\d+) uri=(\S+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(m[2]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded mongo exited early with ${code}`));
    });
  });
}
