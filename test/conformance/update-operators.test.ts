import type { Collection, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
let seq = 0;
beforeAll(async () => {
  t = await startConformanceTarget('update');
});
afterAll(async () => {
  await t?.close();
});

/** Inserts `doc` with a fresh _id, applies the update, returns the resulting document without _id. */
async function applied(doc: Document, update: Document, options: Document = {}): Promise<Document | null> {
  const c: Collection = t.client.db(t.dbName).collection('ops');
  const _id = ++seq;
  await c.insertOne({ _id: _id as never, ...doc });
  await c.updateOne({ _id: _id as never, ...(options.filter ?? {}) }, update, options);
  const out = await c.findOne({ _id: _id as never }, { projection: { _id: 0 } });
  return out;
}

describe('field update operators', () => {
  it('$set / $unset, including dotted paths and new sub-documents', async () => {
    expect(await applied({ a: 1, b: 2 }, { $set: { a: 5, 'c.d': 'x' }, $unset: { b: '' } })).toEqual({
      a: 5,
      c: { d: 'x' },
    });
  });
  it('$inc / $mul, creating missing fields', async () => {
    expect(await applied({ n: 5, f: 1.5 }, { $inc: { n: -2, m: 3 }, $mul: { f: 2, z: 4 } })).toEqual({
      n: 3,
      f: 3,
      m: 3,
      z: 0,
    });
  });
  it('$min / $max', async () => {
    expect(await applied({ lo: 5, hi: 5 }, { $min: { lo: 3, x: 1 }, $max: { hi: 9 } })).toEqual({
      lo: 3,
      hi: 9,
      x: 1,
    });
    expect(await applied({ lo: 5, hi: 5 }, { $min: { lo: 7 }, $max: { hi: 1 } })).toEqual({ lo: 5, hi: 5 });
  });
  it('$rename', async () => {
    expect(await applied({ a: 1, b: { c: 2 } }, { $rename: { a: 'z', 'b.c': 'b.d' } })).toEqual({
      b: { d: 2 },
      z: 1,
    });
  });
  it('$currentDate', async () => {
    const before = Date.now();
    const out = await applied({}, { $currentDate: { at: true } });
    expect(out?.at).toBeInstanceOf(Date);
    expect((out!.at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
  it('$inc with a non-numeric argument fails with TypeMismatch', async () => {
    const c = t.client.db(t.dbName).collection('ops');
    await c.insertOne({ _id: 'bad' as never, n: 'text' });
    await expect(c.updateOne({ _id: 'bad' as never }, { $inc: { n: 1 } })).rejects.toMatchObject({
      code: 14,
    });
    expect(await c.findOne({ _id: 'bad' as never })).toEqual({ _id: 'bad', n: 'text' });
  });
  it('an unknown modifier fails with FailedToParse', async () => {
    const c = t.client.db(t.dbName).collection('ops');
    await expect(c.updateOne({}, { $frob: { a: 1 } } as never)).rejects.toMatchObject({ code: 9 });
  });
});

describe('array update operators', () => {
  it('$push with $each, $slice and $sort', async () => {
    expect(await applied({ a: [3, 1] }, { $push: { a: 2 } })).toEqual({ a: [3, 1, 2] });
    expect(await applied({ a: [5, 1] }, { $push: { a: { $each: [4, 2, 9], $sort: 1, $slice: 3 } } })).toEqual(
      {
        a: [1, 2, 4],
      },
    );
    expect(
      await applied(
        { s: [{ v: 2 }] },
        { $push: { s: { $each: [{ v: 9 }, { v: 1 }], $sort: { v: -1 }, $slice: -2 } } },
      ),
    ).toEqual({ s: [{ v: 2 }, { v: 1 }] });
  });
  it('$addToSet with and without $each', async () => {
    expect(await applied({ a: ['x'] }, { $addToSet: { a: 'x' } })).toEqual({ a: ['x'] });
    expect(await applied({ a: ['x'] }, { $addToSet: { a: { $each: ['x', 'y', 'y'] } } })).toEqual({
      a: ['x', 'y'],
    });
  });
  it('$pull (value and condition), $pullAll, $pop', async () => {
    expect(await applied({ a: [1, 2, 3, 2] }, { $pull: { a: 2 } })).toEqual({ a: [1, 3] });
    expect(await applied({ a: [1, 5, 9] }, { $pull: { a: { $gte: 5 } } })).toEqual({ a: [1] });
    expect(await applied({ a: [{ k: 1 }, { k: 2 }] }, { $pull: { a: { k: 2 } } })).toEqual({ a: [{ k: 1 }] });
    expect(await applied({ a: [1, 2, 3, 1] }, { $pullAll: { a: [1, 3] } })).toEqual({ a: [2] });
    expect(await applied({ a: [1, 2, 3] }, { $pop: { a: 1 } })).toEqual({ a: [1, 2] });
    expect(await applied({ a: [1, 2, 3] }, { $pop: { a: -1 } })).toEqual({ a: [2, 3] });
  });
  it('positional $ updates the first matched element', async () => {
    expect(
      await applied(
        {
          items: [
            { sku: 'a', q: 1 },
            { sku: 'b', q: 1 },
          ],
        },
        { $inc: { 'items.$.q': 5 } },
        {
          filter: { 'items.sku': 'b' },
        },
      ),
    ).toEqual({
      items: [
        { sku: 'a', q: 1 },
        { sku: 'b', q: 6 },
      ],
    });
  });
  it('all-positional $[] and filtered $[id] with arrayFilters', async () => {
    expect(await applied({ a: [1, 2, 3] }, { $mul: { 'a.$[]': 10 } })).toEqual({ a: [10, 20, 30] });
    expect(
      await applied(
        { g: [{ s: 50 }, { s: 90 }, { s: 70 }] },
        { $set: { 'g.$[hi].top': true } },
        {
          arrayFilters: [{ 'hi.s': { $gte: 70 } }],
        },
      ),
    ).toEqual({ g: [{ s: 50 }, { s: 90, top: true }, { s: 70, top: true }] });
  });
});

describe('upserts and replacements', () => {
  it('upsert inserts filter equalities plus $set and $setOnInsert, and reports upsertedId', async () => {
    const c = t.client.db(t.dbName).collection('ups');
    const r = await c.updateOne(
      { code: 'A', n: { $gt: 1 } },
      { $set: { name: 'x' }, $setOnInsert: { created: 1 } },
      { upsert: true },
    );
    expect(r.upsertedCount).toBe(1);
    expect(r.upsertedId).toBeTruthy();
    expect(await c.findOne({ _id: r.upsertedId! }, { projection: { _id: 0 } })).toEqual({
      code: 'A',
      name: 'x',
      created: 1,
    });
    const again = await c.updateOne(
      { code: 'A' },
      { $set: { name: 'y' }, $setOnInsert: { created: 2 } },
      { upsert: true },
    );
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect((await c.findOne({ code: 'A' }))?.created).toBe(1);
  });
  it('upsert with a replacement document keeps the filter _id', async () => {
    const c = t.client.db(t.dbName).collection('ups');
    const r = await c.replaceOne({ _id: 'rep' as never }, { v: 1 }, { upsert: true });
    expect(r.upsertedId).toBe('rep');
    expect(await c.findOne({ _id: 'rep' as never })).toEqual({ _id: 'rep', v: 1 });
  });
  it('pipeline-style updates', async () => {
    expect(
      await applied({ a: 2, b: 3 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]),
    ).toEqual({
      a: 2,
      sum: 5,
    });
  });
});

describe('findOneAndUpdate / findOneAndDelete / findOneAndReplace', () => {
  it('returns before/after documents, honours sort, projection and upsert', async () => {
    const c = t.client.db(t.dbName).collection('fam');
    await c.insertMany([
      { k: 'q', p: 1 },
      { k: 'q', p: 3 },
      { k: 'q', p: 2 },
    ]);
    const before = await c.findOneAndUpdate(
      { k: 'q' },
      { $inc: { p: 10 } },
      { sort: { p: -1 }, projection: { _id: 0 } },
    );
    expect(before).toEqual({ k: 'q', p: 3 });
    const after = await c.findOneAndUpdate(
      { k: 'q' },
      { $inc: { p: 10 } },
      { sort: { p: 1 }, returnDocument: 'after' },
    );
    expect(after?.p).toBe(11);
    const meta = await c.findOneAndUpdate(
      { k: 'new' },
      { $set: { p: 0 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(meta.lastErrorObject?.upserted).toEqual(meta.value?._id);
    const none = await c.findOneAndUpdate(
      { k: 'missing' },
      { $set: { p: 0 } },
      { includeResultMetadata: true },
    );
    expect(none.value).toBeNull();
    expect(none.lastErrorObject).toMatchObject({ n: 0, updatedExisting: false });
    const replaced = await c.findOneAndReplace(
      { k: 'new' },
      { k: 'new', replaced: true },
      { returnDocument: 'after' },
    );
    expect(replaced).toMatchObject({ k: 'new', replaced: true });
    const deleted = await c.findOneAndDelete({ k: 'q' }, { sort: { p: -1 } });
    expect(deleted?.p).toBe(13);
    expect(await c.countDocuments({ k: 'q' })).toBe(2);
  });

  it('mongoose findOneAndUpdate with arrayFilters and upsert', async () => {
    const { Schema } = await import('mongoose');
    const Garage = t.connection.model(
      'Garage',
      new Schema({ code: String, bays: [{ n: Number, free: Boolean }] }, { versionKey: false }),
    );
    await Garage.create({
      code: 'g1',
      bays: [
        { n: 1, free: true },
        { n: 2, free: true },
      ],
    });
    const g = await Garage.findOneAndUpdate(
      { code: 'g1' },
      { $set: { 'bays.$[b].free': false } },
      { arrayFilters: [{ 'b.n': 2 }], returnDocument: 'after' },
    ).lean();
    expect(g?.bays.map((b) => b.free)).toEqual([true, false]);
    const up = await Garage.findOneAndUpdate(
      { code: 'g2' },
      { $setOnInsert: { bays: [] } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(up?.code).toBe('g2');
  });
});
