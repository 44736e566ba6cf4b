import { Long } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('cursor');
  await t.client
    .db(t.dbName)
    .collection('big')
    .insertMany(Array.from({ length: 500 }, (_, i) => ({ i, grp: `g${i % 5}` })));
});
afterAll(async () => {
  await t?.close();
});

describe('cursors', () => {
  it('a plain find over 500 documents: first batch of 101, then getMore', async () => {
    const db = t.client.db(t.dbName);
    const first = await db.command({ find: 'big', filter: {}, sort: { i: 1 } });
    expect(first.cursor.firstBatch.length).toBe(101);
    expect(String(first.cursor.id)).not.toBe('0');
    expect(first.cursor.ns).toBe(`${t.dbName}.big`);
    const more = await db.command({ getMore: first.cursor.id, collection: 'big', batchSize: 99 });
    expect(more.cursor.nextBatch.length).toBe(99);
    expect(more.cursor.nextBatch[0].i).toBe(101);
    const rest = await db.command({ getMore: first.cursor.id, collection: 'big' });
    expect(rest.cursor.nextBatch.length).toBe(300);
    expect(String(rest.cursor.id)).toBe('0');
    await expect(db.command({ getMore: first.cursor.id, collection: 'big' })).rejects.toMatchObject({
      code: 43,
    });
  });

  it('driver iteration with batchSize 50 returns all 500 in order', async () => {
    const cursor = t.client.db(t.dbName).collection('big').find({}, { batchSize: 50 }).sort({ i: 1 });
    let n = 0;
    for await (const doc of cursor) {
      expect(doc.i).toBe(n);
      n++;
    }
    expect(n).toBe(500);
  });

  it('mongoose cursor() streams all documents', async () => {
    const Big = t.connection.model('Big', new Schema({ i: Number, grp: String }), 'big');
    let n = 0;
    for await (const _doc of Big.find({ grp: 'g1' }).batchSize(20).cursor()) n++;
    expect(n).toBe(100);
  });

  it('killCursors reports killed and not-found ids', async () => {
    const db = t.client.db(t.dbName);
    const first = await db.command({ find: 'big', filter: {}, batchSize: 10 });
    const id = first.cursor.id as Long;
    const killed = await db.command({ killCursors: 'big', cursors: [id, Long.fromNumber(12345)] });
    expect(killed.cursorsKilled.map(String)).toEqual([id.toString()]);
    expect(killed.cursorsNotFound.map(String)).toEqual(['12345']);
    await expect(db.command({ getMore: id, collection: 'big' })).rejects.toMatchObject({ code: 43 });
  });

  it('closing a driver cursor early kills it on the server', async () => {
    const admin = t.client.db('admin');
    const open = async () => Number((await admin.command({ serverStatus: 1 })).metrics.cursor.open.total);
    const before = await open();
    const cursor = t.client.db(t.dbName).collection('big').find({}, { batchSize: 10 });
    await cursor.next();
    expect(await open()).toBe(before + 1);
    await cursor.close();
    expect(await open()).toBe(before);
  });

  it('limit, negative limit and singleBatch end the cursor', async () => {
    const db = t.client.db(t.dbName);
    const limited = await db.command({ find: 'big', filter: {}, limit: 150 });
    const rest = await db.command({ getMore: limited.cursor.id, collection: 'big' });
    expect(limited.cursor.firstBatch.length + rest.cursor.nextBatch.length).toBe(150);
    const single = await db.command({ find: 'big', filter: {}, limit: 5, singleBatch: true });
    expect(single.cursor.firstBatch.length).toBe(5);
    expect(String(single.cursor.id)).toBe('0');
  });

  it('open cursors see a snapshot: later writes do not leak into fetched batches', async () => {
    const c = t.client.db(t.dbName).collection('snap');
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, v: 'old' })));
    const db = t.client.db(t.dbName);
    const first = await db.command({ find: 'snap', filter: {}, sort: { i: 1 }, batchSize: 5 });
    await c.updateMany({}, { $set: { v: 'new' } });
    const more = await db.command({ getMore: first.cursor.id, collection: 'snap' });
    expect(more.cursor.nextBatch.every((d: { v: string }) => d.v === 'old')).toBe(true);
  });
});

describe('aggregation', () => {
  beforeAll(async () => {
    const db = t.client.db(t.dbName);
    await db.collection('orders').insertMany([
      { _id: 1 as never, member: 'a', amount: 10, items: ['x', 'y'] },
      { _id: 2 as never, member: 'b', amount: 20, items: ['x'] },
      { _id: 3 as never, member: 'a', amount: 30, items: [] },
      { _id: 4 as never, member: 'c', amount: 5, items: ['z'] },
    ]);
    await db.collection('members').insertMany([
      { _id: 'a' as never, name: 'Ann' },
      { _id: 'b' as never, name: 'Bob' },
    ]);
  });

  it('$match, $group with $sum/$avg/$max/$push, $sort, $project', async () => {
    const out = await t.client
      .db(t.dbName)
      .collection('orders')
      .aggregate([
        { $match: { amount: { $gte: 10 } } },
        {
          $group: {
            _id: '$member',
            total: { $sum: '$amount' },
            avg: { $avg: '$amount' },
            max: { $max: '$amount' },
            ids: { $push: '$_id' },
            n: { $sum: 1 },
          },
        },
        { $sort: { total: -1 } },
        { $project: { _id: 0, member: '$_id', total: 1, avg: 1, max: 1, ids: 1, n: 1 } },
      ])
      .toArray();
    expect(out).toEqual([
      { total: 40, avg: 20, max: 30, ids: [1, 3], n: 2, member: 'a' },
      { total: 20, avg: 20, max: 20, ids: [2], n: 1, member: 'b' },
    ]);
  });

  it('$lookup across collections, $unwind, $count, $skip, $limit, $addFields, $facet', async () => {
    const orders = t.client.db(t.dbName).collection('orders');
    const joined = await orders
      .aggregate([
        { $lookup: { from: 'members', localField: 'member', foreignField: '_id', as: 'm' } },
        { $unwind: '$m' },
        { $addFields: { who: '$m.name' } },
        { $sort: { _id: 1 } },
        { $project: { _id: 1, who: 1 } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 1, who: 'Ann' },
      { _id: 2, who: 'Bob' },
      { _id: 3, who: 'Ann' },
    ]);
    expect(await orders.aggregate([{ $unwind: '$items' }, { $count: 'n' }]).toArray()).toEqual([{ n: 4 }]);
    expect(
      (await orders.aggregate([{ $sort: { amount: 1 } }, { $skip: 1 }, { $limit: 2 }]).toArray()).map(
        (d) => d._id,
      ),
    ).toEqual([1, 2]);
    const [facets] = await orders
      .aggregate([
        { $facet: { cheap: [{ $match: { amount: { $lt: 15 } } }, { $count: 'n' }], all: [{ $count: 'n' }] } },
      ])
      .toArray();
    expect(facets).toEqual({ cheap: [{ n: 2 }], all: [{ n: 4 }] });
  });

  it('mongoose aggregate and countDocuments go through the same pipeline engine', async () => {
    const Order = t.connection.model('Order', new Schema({ member: String, amount: Number }), 'orders');
    expect(await Order.countDocuments({ member: 'a' })).toBe(2);
    const res = await Order.aggregate<{ _id: string; s: number }>([
      { $group: { _id: null, s: { $sum: '$amount' } } },
    ]);
    expect(res[0]?.s).toBe(65);
  });

  it('an unknown stage is an error, and aggregation never mutates stored documents', async () => {
    const orders = t.client.db(t.dbName).collection('orders');
    await expect(orders.aggregate([{ $frobnicate: {} }]).toArray()).rejects.toMatchObject({ code: 40324 });
    await orders.aggregate([{ $addFields: { amount: 0, extra: true } }, { $unset: 'items' }]).toArray();
    expect(await orders.findOne({ _id: 1 as never })).toEqual({
      _id: 1,
      member: 'a',
      amount: 10,
      items: ['x', 'y'],
    });
  });
});
