import { Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('bson');
});
afterAll(async () => {
  await t?.close();
});

const coll = (name: string) => t.client.db(t.dbName).collection(name);

describe('BSON type fidelity', () => {
  it('ObjectId, Date, Long, Decimal128, Binary, nested documents and arrays round-trip exactly', async () => {
    const c = coll('fidelity');
    const doc = {
      _id: new ObjectId(),
      at: new Date('2024-02-29T12:34:56.789Z'),
      big: Long.fromString('9223372036854775807'),
      neg: Long.fromString('-9007199254740993'),
      money: Decimal128.fromString('12345678901234567890.123456789'),
      bin: new Binary(Buffer.from([0, 1, 2, 255]), 0),
      uuid: new Binary(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'), 4),
      nested: { deep: { deeper: [1, { x: 'y' }, [2, 3]] } },
      nil: null,
      flag: false,
      float: 1.5,
      ts: new Timestamp({ t: 1700000000, i: 7 }),
    };
    await c.insertOne(doc);
    const found = await c.findOne({ _id: doc._id }, { promoteLongs: false });
    expect(found).not.toBeNull();
    const back = found!;
    expect(back.big).toBeInstanceOf(Long);
    expect((back.big as Long).toString()).toBe('9223372036854775807');
    expect((back.neg as Long).toString()).toBe('-9007199254740993');
    expect(String(back?.money)).toBe('12345678901234567890.123456789');
    expect(back?.at).toEqual(doc.at);
    expect(Buffer.from((back.bin as Binary).buffer).toString('hex')).toBe('000102ff');
    expect((back.uuid as Binary).sub_type).toBe(4);
    expect(back?.nested).toEqual(doc.nested);
    expect(back).toHaveProperty('nil', null);
    expect(back?.flag).toBe(false);
    expect(back?.float).toBe(1.5);
    expect((back.ts as Timestamp).t).toBe(1700000000);
  });

  it('queries match Long, Decimal128 and Date values by value', async () => {
    const c = coll('numeric');
    await c.insertMany([
      { _id: 1 as never, v: Long.fromNumber(5) },
      { _id: 2 as never, v: 5 },
      { _id: 3 as never, v: new Double(5.5) },
      { _id: 4 as never, v: Long.fromString('9007199254740993') },
      { _id: 5 as never, v: Decimal128.fromString('7.25') },
      { _id: 6 as never, v: new Int32(-3) },
    ]);
    const ids = async (f: object) => (await c.find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ v: 5 })).toEqual([1, 2]);
    expect(await ids({ v: Long.fromNumber(5) })).toEqual([1, 2]);
    expect(await ids({ v: { $gt: 5 } })).toEqual([3, 4, 5]);
    expect(await ids({ v: { $gt: Long.fromString('9007199254740992') } })).toEqual([4]);
    expect(await ids({ v: { $lt: Decimal128.fromString('0') } })).toEqual([6]);
    expect(await ids({ v: { $in: [Decimal128.fromString('7.25'), -3] } })).toEqual([5, 6]);
    expect(await ids({ v: { $type: 'long' } })).toEqual([1, 4]);
    expect(await ids({ v: { $type: 'decimal' } })).toEqual([5]);
    expect((await c.find({}).sort({ v: -1 }).toArray()).map((d) => d._id)).toEqual([4, 5, 3, 1, 2, 6]);
    const d = coll('dates');
    await d.insertMany([{ at: new Date('2024-01-01') }, { at: new Date('2024-06-01') }]);
    expect(await d.countDocuments({ at: { $gte: new Date('2024-03-01') } })).toBe(1);
    expect(await d.countDocuments({ at: new Date('2024-01-01') })).toBe(1);
  });

  it('$inc keeps Long and Decimal128 arithmetic exact', async () => {
    const c = coll('exact');
    await c.insertOne({
      _id: 'x' as never,
      l: Long.fromString('9007199254740993'),
      d: Decimal128.fromString('0.1'),
    });
    await c.updateOne({ _id: 'x' as never }, { $inc: { l: 2, d: Decimal128.fromString('0.2') } });
    const back = await c.findOne({ _id: 'x' as never }, { promoteLongs: false });
    expect(String(back?.l)).toBe('9007199254740995');
    expect(String(back?.d)).toBe('0.3');
  });

  it('sorts across types in MongoDB BSON order', async () => {
    const c = coll('mixed');
    const oid = new ObjectId('000000000000000000000001');
    await c.insertMany([
      { _id: 'maxkey' as never, v: new MaxKey() },
      { _id: 'regex' as never, v: /abc/ },
      { _id: 'date' as never, v: new Date(0) },
      { _id: 'bool' as never, v: true },
      { _id: 'oid' as never, v: oid },
      { _id: 'bin' as never, v: new Binary(Buffer.from([1])) },
      { _id: 'array' as never, v: [[]] },
      { _id: 'object' as never, v: { a: 1 } },
      { _id: 'string' as never, v: 'abc' },
      { _id: 'number' as never, v: 42 },
      { _id: 'null' as never, v: null },
      { _id: 'missing' as never },
      { _id: 'minkey' as never, v: new MinKey() },
    ]);
    const order = (await c.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    expect(order).toEqual([
      'minkey',
      'missing',
      'null',
      'number',
      'string',
      'object',
      'array',
      'bin',
      'oid',
      'bool',
      'date',
      'regex',
      'maxkey',
    ]);
  });

  it('null matches null and missing; $exists distinguishes them', async () => {
    const c = coll('nulls');
    await c.insertMany([
      { _id: 1 as never, a: null },
      { _id: 2 as never },
      { _id: 3 as never, a: 0 },
      { _id: 4 as never, a: [null, 1] },
    ]);
    const ids = async (f: object) => (await c.find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ a: null })).toEqual([1, 2, 4]);
    expect(await ids({ a: { $exists: false } })).toEqual([2]);
    expect(await ids({ a: { $exists: true } })).toEqual([1, 3, 4]);
    expect(await ids({ a: { $in: [null] } })).toEqual([1, 2, 4]);
    expect(await ids({ a: { $ne: null } })).toEqual([3]);
  });

  it('mongoose Decimal128, BigInt, Buffer, Map and subdocument paths round-trip', async () => {
    const Account = t.connection.model(
      'Account',
      new Schema({
        price: Schema.Types.Decimal128,
        counter: BigInt,
        blob: Buffer,
        attrs: { type: Map, of: String },
        profile: { birthday: Date, tags: [String] },
      }),
    );
    const a = await Account.create({
      price: '19.99',
      counter: 9007199254740993n,
      blob: Buffer.from('hi'),
      attrs: { color: 'red' },
      profile: { birthday: new Date('1990-05-17'), tags: ['vip'] },
    });
    const back = await Account.findById(a._id);
    expect(String(back?.price)).toBe('19.99');
    expect(back?.counter).toBe(9007199254740993n);
    expect(Buffer.from(back!.blob as Buffer).toString()).toBe('hi');
    expect(back?.attrs?.get('color')).toBe('red');
    expect(back?.profile?.tags).toEqual(['vip']);
    expect(await Account.countDocuments({ 'profile.tags': 'vip', counter: 9007199254740993n })).toBe(1);
  });
});
