import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('idx');
});
afterAll(async () => {
  await t?.close();
});

const coll = (name: string) => t.client.db(t.dbName).collection(name);

describe('unique indexes', () => {
  it('raw driver: insertOne duplicate raises 11000 with keyPattern and keyValue', async () => {
    const c = coll('u1');
    await c.createIndex({ mobile: 1 }, { unique: true });
    await c.insertOne({ mobile: '13800000001' });
    const err = await c.insertOne({ mobile: '13800000001' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { mobile: 1 },
      keyValue: { mobile: '13800000001' },
    });
    expect((err as Error).message).toMatch(
      new RegExp(
        `E11000 duplicate key error collection: ${t.dbName}\\.u1 index: mobile_1 dup key: \\{ mobile: "13800000001" \\}`,
      ),
    );
    expect(await c.countDocuments()).toBe(1);
  });

  it('raw driver: updates and findOneAndUpdate into a taken key fail the same way and change nothing', async () => {
    const c = coll('u1');
    await c.insertOne({ mobile: '13800000002' });
    await expect(
      c.updateOne({ mobile: '13800000002' }, { $set: { mobile: '13800000001' } }),
    ).rejects.toMatchObject({
      code: 11000,
      keyValue: { mobile: '13800000001' },
    });
    await expect(
      c.findOneAndUpdate({ mobile: '13800000002' }, { $set: { mobile: '13800000001' } }),
    ).rejects.toMatchObject({ code: 11000, keyPattern: { mobile: 1 }, keyValue: { mobile: '13800000001' } });
    expect(await c.countDocuments({ mobile: '13800000002' })).toBe(1);
  });

  it('insertMany ordered stops at the first duplicate; unordered applies all others', async () => {
    const c = coll('u2');
    await c.createIndex({ k: 1 }, { unique: true });
    const ordered = await c.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }]).catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect((ordered as MongoBulkWriteError).result.insertedCount).toBe(2);
    expect((ordered as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 2, code: 11000 }]);
    expect((await c.find().sort({ k: 1 }).toArray()).map((d) => d.k)).toEqual([1, 2]);
    const unordered = await c
      .insertMany([{ k: 2 }, { k: 4 }, { k: 1 }, { k: 5 }], { ordered: false })
      .catch((e: unknown) => e);
    expect((unordered as MongoBulkWriteError).result.insertedCount).toBe(2);
    expect((await c.find().sort({ k: 1 }).toArray()).map((d) => d.k)).toEqual([1, 2, 4, 5]);
  });

  it('non-sparse unique treats missing as null (one allowed); sparse ignores missing', async () => {
    const dense = coll('u3');
    await dense.createIndex({ email: 1 }, { unique: true });
    await dense.insertOne({ n: 1 });
    await expect(dense.insertOne({ n: 2 })).rejects.toMatchObject({ code: 11000, keyValue: { email: null } });
    const sparse = coll('u4');
    await sparse.createIndex({ openid: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ n: 1 }, { n: 2 }, { openid: 'o1' }]);
    await expect(sparse.insertOne({ openid: 'o1' })).rejects.toMatchObject({ code: 11000 });
    expect(await sparse.countDocuments()).toBe(3);
  });

  it('compound unique and partialFilterExpression', async () => {
    const c = coll('u5');
    await c.createIndex({ shop: 1, plate: 1 }, { unique: true });
    await c.insertMany([
      { shop: 1, plate: 'A' },
      { shop: 2, plate: 'A' },
    ]);
    await expect(c.insertOne({ shop: 1, plate: 'A' })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { shop: 1, plate: 1 },
      keyValue: { shop: 1, plate: 'A' },
    });
    const p = coll('u6');
    await p.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await p.insertMany([
      { code: 'x', active: false },
      { code: 'x', active: false },
      { code: 'x', active: true },
    ]);
    await expect(p.insertOne({ code: 'x', active: true })).rejects.toMatchObject({ code: 11000 });
  });

  it('building a unique index over existing duplicates fails with 11000; repeating a spec is a no-op', async () => {
    const c = coll('u7');
    await c.insertMany([{ v: 1 }, { v: 1 }]);
    await expect(c.createIndex({ v: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await c.createIndex({ w: 1 }, { unique: true, sparse: true });
    await c.createIndex({ w: 1 }, { unique: true, sparse: true });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'w_1']);
    await expect(c.createIndex({ w: 1 }, { unique: true, name: 'w_other' })).rejects.toMatchObject({
      code: 85,
    });
  });

  it('duplicate _id raises 11000 on the _id_ index', async () => {
    const c = coll('u8');
    await c.insertOne({ _id: 'same' as never });
    await expect(c.insertOne({ _id: 'same' as never })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { _id: 1 },
      keyValue: { _id: 'same' },
    });
  });

  it('mongoose: Model.init builds unique indexes; duplicates surface as MongoServerError 11000', async () => {
    const Member = t.connection.model(
      'Member',
      new Schema({
        mobile: { type: String, unique: true, required: true },
        openid: { type: String, unique: true, sparse: true },
        referralCode: { type: String, unique: true },
        name: String,
      }),
    );
    await Member.init();
    const names = (await Member.listIndexes()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'mobile_1', 'openid_1', 'referralCode_1']);
    await Member.create({ mobile: '1', referralCode: 'R1' });
    await Member.create({ mobile: '2', referralCode: 'R2' }); // no openid twice: sparse
    const err = await Member.create({ mobile: '1', referralCode: 'R3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 11000, keyPattern: { mobile: 1 }, keyValue: { mobile: '1' } });
    const upd = await Member.updateOne({ mobile: '2' }, { $set: { referralCode: 'R1' } }).catch(
      (e: unknown) => e,
    );
    expect(upd).toMatchObject({ code: 11000, keyValue: { referralCode: 'R1' } });
    const bulk = await Member.insertMany(
      [
        { mobile: '3', referralCode: 'R3' },
        { mobile: '1', referralCode: 'R4' },
      ],
      {
        ordered: false,
      },
    ).catch((e: unknown) => e);
    expect(bulk).toMatchObject({ code: 11000 });
    expect(await Member.countDocuments()).toBe(3);
  });

  it('mongoose syncIndexes drops indexes no longer in the schema and creates new ones', async () => {
    await coll('plates').createIndex({ legacy: 1 }, { name: 'legacy_1' });
    const Plate = t.connection.model('Plate', new Schema({ no: { type: String, index: true } }), 'plates');
    const dropped = await Plate.syncIndexes();
    expect(dropped).toEqual(['legacy_1']);
    expect((await coll('plates').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'no_1']);
  });
});

describe('index and collection management', () => {
  it('listIndexes / dropIndexes by name, by key, and "*"', async () => {
    const c = coll('m1');
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'bee' }, { key: { c: 1, d: 1 } }]);
    const listed = await c.listIndexes().toArray();
    expect(listed.map((i) => i.name)).toEqual(['_id_', 'a_1', 'bee', 'c_1_d_1']);
    expect(listed[2]).toMatchObject({ v: 2, key: { b: -1 }, name: 'bee' });
    await c.dropIndex('bee');
    await c.dropIndex({ a: 1 } as never);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'c_1_d_1']);
    await expect(c.dropIndex('nope')).rejects.toMatchObject({ code: 27 });
    await c.dropIndexes();
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await expect(coll('never-made').listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });

  it('create, listCollections (filter, nameOnly), drop, dropDatabase, listDatabases', async () => {
    const db = t.client.db(t.dbName);
    await db.createCollection('lc_one');
    await expect(db.createCollection('lc_one')).rejects.toMatchObject({ code: 48 });
    await db.collection('lc_two').insertOne({ x: 1 });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['lc_one', 'lc_two']));
    const filtered = await db.listCollections({ name: 'lc_two' }).toArray();
    expect(filtered).toMatchObject([{ name: 'lc_two', type: 'collection' }]);
    expect(await db.collection('lc_two').drop()).toBe(true);
    expect((await db.listCollections({ name: 'lc_two' }).toArray()).length).toBe(0);
    const other = t.client.db(`${t.dbName}_x`);
    await other.collection('c').insertOne({ a: 1 });
    const dbs = (await t.client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    expect(dbs).toContain(`${t.dbName}_x`);
    await other.dropDatabase();
    const after = (await t.client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    expect(after).not.toContain(`${t.dbName}_x`);
  });

  it('equality lookups through an index return the same results as a scan', async () => {
    const c = coll('m2');
    await c.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ code: `c${i % 50}`, n: i, tags: [`t${i % 7}`, 'all'] })),
    );
    const scan = async () => ({
      one: (await c.find({ code: 'c7' }).toArray()).length,
      ins: (await c.find({ code: { $in: ['c1', 'c2'] }, n: { $lt: 100 } }).toArray()).length,
      tag: (await c.find({ tags: 't3' }).toArray()).length,
      cmp: (await c.find({ code: 'c9', n: 9 }).toArray()).length,
    });
    const before = await scan();
    await c.createIndex({ code: 1 });
    await c.createIndex({ tags: 1 });
    await c.createIndex({ code: 1, n: 1 });
    expect(await scan()).toEqual(before);
    expect(before).toEqual({ one: 6, ins: 4, tag: 43, cmp: 1 });
  });
});
