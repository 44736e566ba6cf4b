import { ObjectId } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('crud');
  const people = t.client.db(t.dbName).collection('people');
  await people.insertMany([
    {
      _id: 1 as never,
      name: 'ann',
      age: 30,
      tags: ['a', 'b'],
      addr: { city: 'sh', zip: '200' },
      score: [70, 90],
    },
    { _id: 2 as never, name: 'bob', age: 25, tags: ['b'], addr: { city: 'bj' }, score: [50] },
    { _id: 3 as never, name: 'cat', age: 35, tags: [], addr: { city: 'sh' }, nick: null },
    {
      _id: 4 as never,
      name: 'dan',
      tags: ['c', 'a'],
      items: [
        { sku: 'x', qty: 2 },
        { sku: 'y', qty: 5 },
      ],
    },
    { _id: 5 as never, name: 'Eve', age: '40', items: [{ sku: 'y', qty: 1 }] },
  ]);
});
afterAll(async () => {
  await t?.close();
});

const ids = async (filter: object, sort: object = { _id: 1 }) =>
  (
    await t.client
      .db(t.dbName)
      .collection('people')
      .find(filter)
      .sort(sort as never)
      .toArray()
  ).map((d) => d._id);

describe('CRUD through the raw driver', () => {
  it('inserts, reads, updates and deletes one document', async () => {
    const c = t.client.db(t.dbName).collection('crud');
    const { insertedId } = await c.insertOne({ n: 1, s: 'x' });
    expect(insertedId).toBeInstanceOf(ObjectId);
    expect(await c.findOne({ _id: insertedId })).toEqual({ _id: insertedId, n: 1, s: 'x' });
    const upd = await c.updateOne({ _id: insertedId }, { $set: { s: 'y' } });
    expect(upd).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const same = await c.updateOne({ _id: insertedId }, { $set: { s: 'y' } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const rep = await c.replaceOne({ _id: insertedId }, { fresh: true });
    expect(rep.modifiedCount).toBe(1);
    expect(await c.findOne({ _id: insertedId })).toEqual({ _id: insertedId, fresh: true });
    expect((await c.deleteOne({ _id: insertedId })).deletedCount).toBe(1);
    expect(await c.findOne({ _id: insertedId })).toBeNull();
  });

  it('updateMany / deleteMany report counts; a missing collection reads as empty', async () => {
    const c = t.client.db(t.dbName).collection('many');
    await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await c.updateMany({ k: 1 }, { $set: { seen: true } })).modifiedCount).toBe(2);
    expect((await c.deleteMany({ seen: true })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
    expect(await t.client.db(t.dbName).collection('nope').find({}).toArray()).toEqual([]);
  });

  it('rejects changing _id and keeps the document intact', async () => {
    const c = t.client.db(t.dbName).collection('immutable');
    await c.insertOne({ _id: 'k' as never, v: 1 });
    await expect(c.updateOne({ _id: 'k' as never }, { $set: { _id: 'z', v: 2 } })).rejects.toMatchObject({
      code: 66,
    });
    expect(await c.findOne({ _id: 'k' as never })).toEqual({ _id: 'k', v: 1 });
  });

  it('answers an unknown command with code 59 CommandNotFound', async () => {
    await expect(t.client.db(t.dbName).command({ frobnicate: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      message: "no such command: 'frobnicate'",
    });
  });

  it('answers ping, buildInfo and hello', async () => {
    const admin = t.client.db('admin');
    expect(await admin.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await admin.command({ buildInfo: 1 });
    expect(typeof info.version).toBe('string');
    const hello = await admin.command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, maxWriteBatchSize: 100000, ok: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
  });
});

describe('query operators', () => {
  it('comparison operators', async () => {
    expect(await ids({ age: 30 })).toEqual([1]);
    expect(await ids({ age: { $eq: 30 } })).toEqual([1]);
    expect(await ids({ age: { $ne: 30 } })).toEqual([2, 3, 4, 5]);
    expect(await ids({ age: { $gt: 25 } })).toEqual([1, 3]); // '40' is a string: other type bracket
    expect(await ids({ age: { $gte: 25, $lt: 35 } })).toEqual([1, 2]);
    expect(await ids({ age: { $lte: 25 } })).toEqual([2]);
    expect(await ids({ name: { $gt: 'b' } })).toEqual([2, 3, 4]);
    expect(await ids({ age: { $in: [25, 35, '40'] } })).toEqual([2, 3, 5]);
    expect(await ids({ age: { $nin: [25, 35] } })).toEqual([1, 4, 5]);
  });

  it('logical operators', async () => {
    expect(await ids({ $and: [{ age: { $gte: 25 } }, { 'addr.city': 'sh' }] })).toEqual([1, 3]);
    expect(await ids({ $or: [{ age: 25 }, { name: 'dan' }] })).toEqual([2, 4]);
    expect(await ids({ $nor: [{ age: 25 }, { name: 'dan' }] })).toEqual([1, 3, 5]);
    expect(await ids({ age: { $not: { $gt: 26 } } })).toEqual([2, 4, 5]);
  });

  it('element operators: $exists, $type, null vs missing', async () => {
    expect(await ids({ age: { $exists: false } })).toEqual([4]);
    expect(await ids({ nick: { $exists: true } })).toEqual([3]);
    expect(await ids({ nick: null })).toEqual([1, 2, 3, 4, 5]);
    expect(await ids({ nick: { $type: 'null' } })).toEqual([3]);
    expect(await ids({ age: { $type: 'string' } })).toEqual([5]);
    expect(await ids({ age: { $type: 'number' } })).toEqual([1, 2, 3]);
    expect(await ids({ age: null })).toEqual([4]);
    expect(await ids({ age: { $ne: null } })).toEqual([1, 2, 3, 5]);
  });

  it('$regex, with options and as a literal', async () => {
    expect(await ids({ name: { $regex: '^e', $options: 'i' } })).toEqual([5]);
    expect(await ids({ name: /^[ab]/ })).toEqual([1, 2]);
    expect(await ids({ name: { $in: [/^c/, 'bob'] } })).toEqual([2, 3]);
  });

  it('array operators: equality on elements, $all, $size, $elemMatch', async () => {
    expect(await ids({ tags: 'a' })).toEqual([1, 4]);
    expect(await ids({ tags: ['b'] })).toEqual([2]);
    expect(await ids({ tags: { $all: ['a', 'b'] } })).toEqual([1]);
    expect(await ids({ tags: { $size: 0 } })).toEqual([3]);
    expect(await ids({ items: { $elemMatch: { sku: 'y', qty: { $gt: 2 } } } })).toEqual([4]);
    expect(await ids({ 'items.sku': 'x', 'items.qty': 5 })).toEqual([4]);
    expect(await ids({ score: { $elemMatch: { $gt: 80 } } })).toEqual([1]);
    expect(await ids({ score: { $gt: 80 } })).toEqual([1]);
  });

  it('dotted paths into sub-documents and arrays of sub-documents', async () => {
    expect(await ids({ 'addr.city': 'sh' })).toEqual([1, 3]);
    expect(await ids({ 'addr.zip': { $exists: true } })).toEqual([1]);
    expect(await ids({ 'items.sku': 'x' })).toEqual([4]);
    expect(await ids({ 'tags.0': 'c' })).toEqual([4]);
    expect(await ids({ addr: { city: 'bj' } })).toEqual([2]);
  });

  it('queries by ObjectId, with $in of ObjectIds', async () => {
    const c = t.client.db(t.dbName).collection('oids');
    const a = new ObjectId();
    const b = new ObjectId();
    await c.insertMany([{ _id: a, ref: b }, { _id: b, ref: a }, { ref: new ObjectId() }]);
    expect((await c.findOne({ _id: new ObjectId(a.toHexString()) }))?._id).toEqual(a);
    expect((await c.find({ ref: { $in: [a, b] } }).toArray()).length).toBe(2);
    expect((await c.find({ _id: { $in: [a, b] } }).toArray()).length).toBe(2);
    expect((await c.find({ ref: { $ne: a } }).toArray()).length).toBe(2);
  });
});

describe('sort, skip, limit, projection', () => {
  it('sorts on one and several keys, skips and limits', async () => {
    const c = t.client.db(t.dbName).collection('people');
    expect(
      (
        await c
          .find({ age: { $type: 'number' } })
          .sort({ age: -1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([3, 1, 2]);
    expect((await c.find({}).sort({ 'addr.city': 1, name: -1 }).toArray()).map((d) => d._id)).toEqual([
      4, 5, 2, 3, 1,
    ]);
    expect((await c.find({}).sort({ _id: 1 }).skip(1).limit(2).toArray()).map((d) => d._id)).toEqual([2, 3]);
  });

  it('projects by inclusion, exclusion, _id:0 and sub-fields', async () => {
    const c = t.client.db(t.dbName).collection('people');
    expect(await c.findOne({ _id: 1 as never }, { projection: { name: 1 } })).toEqual({
      _id: 1,
      name: 'ann',
    });
    expect(await c.findOne({ _id: 1 as never }, { projection: { name: 1, _id: 0 } })).toEqual({
      name: 'ann',
    });
    expect(await c.findOne({ _id: 2 as never }, { projection: { tags: 0, addr: 0, score: 0 } })).toEqual({
      _id: 2,
      name: 'bob',
      age: 25,
    });
    expect(await c.findOne({ _id: 1 as never }, { projection: { 'addr.city': 1, _id: 0 } })).toEqual({
      addr: { city: 'sh' },
    });
    expect(
      await c.findOne({ _id: 1 as never }, { projection: { score: { $slice: 1 }, _id: 0, name: 1 } }),
    ).toEqual({
      name: 'ann',
      score: [70],
    });
  });
});

describe('counts and distinct', () => {
  it('countDocuments, estimatedDocumentCount, count with skip/limit, distinct', async () => {
    const c = t.client.db(t.dbName).collection('people');
    expect(await c.countDocuments()).toBe(5);
    expect(await c.countDocuments({ 'addr.city': 'sh' })).toBe(2);
    expect(await c.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await c.estimatedDocumentCount()).toBe(5);
    expect((await c.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
    expect((await c.distinct('addr.city', { age: { $gte: 30 } })).sort()).toEqual(['sh']);
  });
});

describe('CRUD through mongoose', () => {
  it('create, find, update, delete with schema casting', async () => {
    const Car = t.connection.model(
      'Car',
      new Schema({
        plate: { type: String, required: true },
        km: Number,
        boughtAt: Date,
        owner: Schema.Types.ObjectId,
      }),
    );
    const owner = new ObjectId();
    // Strings on purpose: mongoose casts them by the schema before they reach the server.
    const car = await Car.create({ plate: '沪A12345', km: '1200', boughtAt: '2024-01-02', owner } as Record<
      string,
      unknown
    >);
    const found = await Car.findById(car._id);
    expect(found?.km).toBe(1200);
    expect(found?.boughtAt).toBeInstanceOf(Date);
    expect(String(found?.owner)).toBe(String(owner));
    await Car.updateOne({ _id: car._id }, { $inc: { km: 300 } });
    const lean = await Car.findOne({ plate: '沪A12345' }).lean();
    expect(lean?.km).toBe(1500);
    expect(await Car.countDocuments({ owner })).toBe(1);
    expect(await Car.exists({ plate: '沪A12345' })).toBeTruthy();
    await Car.deleteOne({ _id: car._id });
    expect(await Car.findById(car._id)).toBeNull();
  });

  it('find with select, sort, skip, limit and lean', async () => {
    const Row = t.connection.model('Row', new Schema({ i: Number, even: Boolean }));
    await Row.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, even: i % 2 === 0 })));
    const rows = await Row.find({ even: true }).select('i -_id').sort({ i: -1 }).skip(2).limit(3).lean();
    expect(rows).toEqual([{ i: 14 }, { i: 12 }, { i: 10 }]);
  });
});
