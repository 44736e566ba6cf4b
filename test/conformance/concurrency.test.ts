import { MongoServerError } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('conc');
});
afterAll(async () => {
  await t?.close();
});

/**
 * Retry of an upsert that lost a race on a unique key — what MongoDB documents for
 * `upsert: true` under concurrency (the second attempt matches the winner's document).
 */
async function withDuplicateKeyRetry<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof MongoServerError && err.code === 11000) return op();
    throw err;
  }
}

describe('atomic guarded updates under concurrency', () => {
  it('100 concurrent findOneAndUpdate with a balance guard: exactly 37 win, balance ends exact', async () => {
    const Wallet = t.connection.model('Wallet', new Schema({ owner: String, balance: Number }));
    const w = await Wallet.create({ owner: 'm1', balance: 375 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        Wallet.findOneAndUpdate(
          { _id: w._id, balance: { $gte: 10 } },
          { $inc: { balance: -10 } },
          { returnDocument: 'after' },
        ).lean(),
      ),
    );
    const wins = results.filter((r) => r !== null);
    expect(wins.length).toBe(37);
    expect(new Set(wins.map((r) => r!.balance)).size).toBe(37);
    expect((await Wallet.findById(w._id).lean())?.balance).toBe(5);
  });

  it('the same guard through the raw driver over a pool of connections', async () => {
    const c = t.client.db(t.dbName).collection('stock');
    await c.insertOne({ _id: 'reward' as never, stock: 37 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        c.findOneAndUpdate({ _id: 'reward' as never, stock: { $gt: 0 } }, { $inc: { stock: -1 } }),
      ),
    );
    expect(results.filter((r) => r !== null).length).toBe(37);
    expect((await c.findOne({ _id: 'reward' as never }))?.stock).toBe(0);
  });
});

describe('upserts racing on a unique key', () => {
  it('50 concurrent updateOne upserts create exactly one document', async () => {
    const Points = t.connection.model(
      'PointsAccount',
      new Schema({ memberId: { type: String, unique: true }, hits: Number }),
    );
    await Points.init();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        withDuplicateKeyRetry(() =>
          Points.updateOne({ memberId: 'race' }, { $inc: { hits: 1 } }, { upsert: true }),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const docs = await Points.find({ memberId: 'race' }).lean();
    expect(docs.length).toBe(1);
    expect(docs[0]?.hits).toBe(50);
  });

  it('50 concurrent findOneAndUpdate upserts create exactly one document', async () => {
    const c = t.client.db(t.dbName).collection('tx');
    await c.createIndex({ txId: 1 }, { unique: true });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        withDuplicateKeyRetry(() =>
          c.findOneAndUpdate(
            { txId: 'T-1' },
            { $setOnInsert: { credited: 100 }, $inc: { seen: 1 } },
            { upsert: true, returnDocument: 'after' },
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const docs = await c.find({ txId: 'T-1' }).toArray();
    expect(docs.length).toBe(1);
    expect(docs[0]).toMatchObject({ credited: 100, seen: 50 });
  });

  it('concurrent inserts of one unique key: exactly one succeeds, the rest get 11000', async () => {
    const c = t.client.db(t.dbName).collection('claims');
    await c.createIndex({ code: 1 }, { unique: true });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => c.insertOne({ code: 'X', i })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected.every((o) => (o.reason as MongoServerError).code === 11000)).toBe(true);
  });
});
