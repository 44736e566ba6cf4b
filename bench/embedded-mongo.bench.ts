import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { startEmbeddedMongo } from '../src/infra/mongo-wire/embedded-mongo';

/**
 * Embedded MongoDB-wire server at 100,000 member-like documents, driven through mongoose:
 * insert throughput (insertMany, batches of 1,000), findOne by a unique indexed field (median and
 * p99, lean and hydrated), findOneAndUpdate $inc (sequential and 16 concurrent callers) and the
 * reopen time of a 100,000-document journal. Prints a table and a `BENCH_RESULT {json}` line.
 *   npx tsx bench/embedded-mongo.bench.ts
 */
const DOCS = 100_000;
const BATCH = 1_000;
const LOOKUPS = 5_000;
const UPDATES = 5_000;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embedded-mongo-'));
  try {
    let server = await startEmbeddedMongo({ dataDir, port: 0 });
    let conn = await mongoose.createConnection(server.uri, { dbName: 'bench', maxPoolSize: 32 }).asPromise();
    let Member = memberModel(conn);
    await Member.init();

    const insertStart = performance.now();
    for (let b = 0; b < DOCS / BATCH; b++) {
      const docs = Array.from({ length: BATCH }, (_, j) => memberDoc(b * BATCH + j));
      await Member.insertMany(docs, { lean: true });
    }
    const insertMs = performance.now() - insertStart;

    const lean = await timeLookups(LOOKUPS, (i) => Member.findOne({ mobile: mobileOf(i) }).lean());
    const hydrated = await timeLookups(LOOKUPS, (i) => Member.findOne({ referralCode: `R${i}` }));

    const seqStart = performance.now();
    for (let i = 0; i < UPDATES; i++) {
      await Member.findOneAndUpdate(
        { mobile: mobileOf(i) },
        { $inc: { balance: 1 } },
        { returnDocument: 'after' },
      ).lean();
    }
    const seqOps = UPDATES / ((performance.now() - seqStart) / 1000);

    const concStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < UPDATES) {
          const i = next++;
          await Member.findOneAndUpdate(
            { mobile: mobileOf(i) },
            { $inc: { balance: 1 } },
            { returnDocument: 'after' },
          ).lean();
        }
      }),
    );
    const concOps = UPDATES / ((performance.now() - concStart) / 1000);

    await conn.close();
    await server.stop();
    const journalBytes = fs.statSync(path.join(dataDir, 'journal.bson')).size;
    const reopenStart = performance.now();
    server = await startEmbeddedMongo({ dataDir, port: 0 });
    const reopenMs = performance.now() - reopenStart;
    conn = await mongoose.createConnection(server.uri, { dbName: 'bench' }).asPromise();
    Member = memberModel(conn);
    const count = await Member.estimatedDocumentCount();
    if (count !== DOCS) throw new Error(`expected ${DOCS} documents after reopen, found ${count}`);
    await conn.close();
    await server.stop();

    const result = {
      docs: DOCS,
      insertDocsPerSec: Math.round(DOCS / (insertMs / 1000)),
      insertTotalMs: Math.round(insertMs),
      findOneLeanMedianMs: round(lean.median),
      findOneLeanP99Ms: round(lean.p99),
      findOneHydratedMedianMs: round(hydrated.median),
      findOneHydratedP99Ms: round(hydrated.p99),
      findOneAndUpdateSeqOpsPerSec: Math.round(seqOps),
      findOneAndUpdate16ConcOpsPerSec: Math.round(concOps),
      reopenMs: Math.round(reopenMs),
      journalMB: round(journalBytes / 1048576),
      node: process.version,
      cpus: os.cpus().length,
    };
    console.table([
      {
        metric: 'insertMany (1,000/batch)',
        value: `${result.insertDocsPerSec} docs/s (${result.insertTotalMs} ms total)`,
      },
      {
        metric: 'findOne unique .lean()',
        value: `median ${result.findOneLeanMedianMs} ms, p99 ${result.findOneLeanP99Ms} ms`,
      },
      {
        metric: 'findOne unique hydrated',
        value: `median ${result.findOneHydratedMedianMs} ms, p99 ${result.findOneHydratedP99Ms} ms`,
      },
      { metric: 'findOneAndUpdate $inc, sequential', value: `${result.findOneAndUpdateSeqOpsPerSec} ops/s` },
      {
        metric: 'findOneAndUpdate $inc, 16 concurrent',
        value: `${result.findOneAndUpdate16ConcOpsPerSec} ops/s`,
      },
      { metric: `reopen ${DOCS} docs (${result.journalMB} MB journal)`, value: `${result.reopenMs} ms` },
    ]);
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function memberModel(conn: mongoose.Connection) {
  const schema = new Schema({
    mobile: { type: String, required: true, unique: true },
    openid: { type: String, unique: true, sparse: true },
    referralCode: { type: String, required: true, unique: true },
    name: String,
    tier: String,
    balance: Number,
    createdAt: Date,
  });
  return conn.model('Member', schema);
}

function mobileOf(i: number): string {
  return `139${String(i).padStart(8, '0')}`;
}

function memberDoc(i: number) {
  return {
    mobile: mobileOf(i),
    ...(i % 3 === 0 ? {} : { openid: `oW${i.toString(36)}x${i}` }),
    referralCode: `R${i}`,
    name: `会员${i}`,
    tier: ['silver', 'gold', 'platinum'][i % 3],
    balance: i % 1000,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
  };
}

async function timeLookups(n: number, op: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = (k * 7919) % DOCS;
    const s = performance.now();
    const doc = await op(i);
    samples.push(performance.now() - s);
    if (!doc) throw new Error(`lookup ${i} found nothing`);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(n / 2)]!, p99: samples[Math.floor(n * 0.99)]! };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
