import fc from 'fast-check';
import { Decimal128, type Document, Long, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, IS_EMBEDDED, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('rangeidx');
});
afterAll(async () => {
  await t?.close();
});

const coll = (name: string) => t.client.db(t.dbName).collection(name);
const embeddedOnly = IS_EMBEDDED ? it : it.skip;

async function scannedObjects(): Promise<number> {
  const status = await t.client.db('admin').command({ serverStatus: 1 });
  return Number(status.metrics.queryExecutor.scannedObjects);
}

async function examinedBy(query: () => Promise<unknown>): Promise<number> {
  const before = await scannedObjects();
  await query();
  return (await scannedObjects()) - before;
}

const day = (n: number) => new Date(Date.UTC(2027, 2, 1 + n));
const OIDS = ['65f000000000000000000001', '65f000000000000000000002', '65f000000000000000000003'].map(
  (h) => new ObjectId(h),
);

// Scalars of every rangeable type and a few others, close together so ranges hit and miss.
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0.5, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.constantFrom(Long.fromNumber(2), Long.fromNumber(-1), Decimal128.fromString('1.5')),
  fc.constantFrom('', 'a', 'ab', 'b', 'B', '中'),
  fc.integer({ min: -2, max: 4 }).map(day),
  fc.constantFrom(...OIDS),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ x: 1 }),
);
const value = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: -3, max: 5 }), { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }) },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });
const lot = fc.record({ e: maybe(value), n: maybe(fc.integer({ min: -1, max: 2 })) }, { requiredKeys: [] });
const docArb = fc.record(
  {
    a: maybe(value),
    s: fc.constantFrom('active', 'gone'),
    b: maybe(
      fc.oneof(fc.record({ c: maybe(value) }), fc.array(fc.record({ c: maybe(value) }), { maxLength: 3 })),
    ),
    lots: maybe(fc.oneof(fc.array(lot, { maxLength: 3 }), lot)),
  },
  { requiredKeys: ['s'] },
);

const bound = scalar.filter((v) => v !== null && !(typeof v === 'object' && 'x' in v));
const rangeOp = fc.constantFrom('$gt', '$gte', '$lt', '$lte');
const anyCond = fc
  .array(fc.tuple(rangeOp, bound), { minLength: 1, maxLength: 2 })
  .map((ops) => Object.fromEntries(ops) as Document);
// Two bounds of one type, so that elements of an array can meet them separately.
const intCond = fc
  .tuple(fc.integer({ min: -3, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean())
  .map(([lo, width, gte, lte]) => ({ [gte ? '$gte' : '$gt']: lo, [lte ? '$lte' : '$lt']: lo + width }));
const cond = fc.oneof(anyCond, intCond);
const field = fc.constantFrom('a', 'b.c', 'lots.e');
const query: fc.Arbitrary<Document> = fc.oneof(
  fc.tuple(field, cond).map(([f, c]) => ({ [f]: c })),
  fc.tuple(field, cond, cond).map(([f, c1, c2]) => ({ $and: [{ [f]: c1 }, { [f]: c2 }] })),
  fc.tuple(field, cond).map(([f, c]) => ({ s: 'active', [f]: c })),
  fc.tuple(cond, fc.boolean()).map(([c, withN]) => ({
    lots: { $elemMatch: withN ? { e: c, n: { $gt: 0 } } : { e: c } },
  })),
  fc.tuple(cond, cond).map(([c1, c2]) => ({ 'b.c': c1, a: c2 })),
);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), i: fc.nat(), doc: docArb }),
  fc.record({ kind: fc.constant('delete' as const), i: fc.nat() }),
);

const sortIds = (docs: Document[]) => docs.map((d) => String(d._id)).sort();

describe('range queries on ordered indexes', () => {
  it('return exactly what the unindexed scan returns, after inserts, updates and deletes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(docArb, { maxLength: 25 }),
        fc.array(mutation, { maxLength: 8 }),
        fc.array(query, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(1, -1),
        fc.integer({ min: 1, max: 5 }),
        async (docs, mutations, queries, dir, limit) => {
          run++;
          const indexed = coll(`idx_${run}`);
          const plain = coll(`plain_${run}`);
          await indexed.createIndex({ a: 1 });
          await indexed.createIndex({ 'b.c': 1 });
          await indexed.createIndex({ 'lots.e': 1, 'lots.n': 1 });
          await indexed.createIndex({ s: 1, a: 1 });
          const withIds = docs.map((d, i) => ({ _id: i as never, ...d }));
          for (const c of [indexed, plain]) if (withIds.length) await c.insertMany(withIds);
          for (const m of mutations) {
            if (withIds.length === 0) break;
            const id = m.i % withIds.length;
            for (const c of [indexed, plain]) {
              if (m.kind === 'set') await c.replaceOne({ _id: id as never }, m.doc);
              else await c.deleteOne({ _id: id as never });
            }
          }
          for (const q of queries) {
            const [got, want] = await Promise.all([indexed.find(q).toArray(), plain.find(q).toArray()]);
            expect(sortIds(got), JSON.stringify(q)).toEqual(sortIds(want));
            const sort = { a: dir, _id: 1 } as const;
            const [gotTop, wantTop] = await Promise.all([
              indexed.find(q).sort(sort).limit(limit).toArray(),
              plain.find(q).sort(sort).limit(limit).toArray(),
            ]);
            expect(gotTop.map((d) => d._id)).toEqual(wantTop.map((d) => d._id));
          }
          await indexed.drop();
          await plain.drop();
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  embeddedOnly('examine only the documents in range, as the nightly care scan queries them', async () => {
    const members = coll('members');
    await members.createIndex({ status: 1, 'tier.tierCode': 1 });
    await members.createIndex({ lastVisitAt: 1 });
    await members.createIndex({ 'account.lots.expiresAt': 1 });
    await members.insertMany(
      Array.from({ length: 1000 }, (_, i) => ({
        _id: `m${i}` as never,
        status: 'active',
        tier: { tierCode: 'silver' },
        lastVisitAt: day(i % 100),
        account: {
          lots: [
            { expiresAt: day(i % 50), remaining: i % 100 < 50 ? 1 : 0 },
            { expiresAt: day(200 + (i % 7)), remaining: 5 },
          ],
        },
      })),
    );
    const winBack = { status: 'active', lastVisitAt: { $gte: day(10), $lte: day(11) } };
    let found = 0;
    expect(
      await examinedBy(async () => {
        found = (await members.find(winBack).toArray()).length;
      }),
    ).toBe(20);
    expect(found).toBe(20);

    const expiring = {
      status: 'active',
      'account.lots': { $elemMatch: { expiresAt: { $gte: day(3), $lte: day(3) }, remaining: { $gt: 0 } } },
    };
    expect(await examinedBy(async () => (found = (await members.find(expiring).toArray()).length))).toBe(20);
    expect(found).toBe(10);

    // Updates move a member between ranges; a date range ignores numbers and strings.
    await members.updateOne({ _id: 'm10' as never }, { $set: { lastVisitAt: day(60) } });
    await members.updateOne({ _id: 'm11' as never }, { $set: { lastVisitAt: 5 } });
    expect(await members.countDocuments(winBack)).toBe(18);
    expect(await members.countDocuments({ lastVisitAt: { $gte: 0 } })).toBe(1);

    // After a restart the ordered views are rebuilt from the journal.
    await t.restart();
    const again = t.client.db(t.dbName).collection('members');
    expect(await examinedBy(async () => (found = (await again.find(winBack).toArray()).length))).toBe(18);
    expect(found).toBe(18);
  });

  embeddedOnly(
    'fall back to one bound when elements of an array could meet the bounds separately',
    async () => {
      const c = coll('multikey');
      await c.createIndex({ v: 1 });
      await c.insertMany([
        { _id: 1 as never, v: [1, 10] },
        { _id: 2 as never, v: 5 },
        { _id: 3 as never, v: 20 },
        ...Array.from({ length: 97 }, (_, i) => ({ _id: (100 + i) as never, v: 100 + i })),
      ]);
      const ids = await c.find({ v: { $gt: 3, $lt: 8 } }).toArray();
      expect(ids.map((d) => d._id).sort()).toEqual([1, 2]);
      // The selective bound ($lt 8: 1, 5) is used alone, not the whole collection.
      expect(await examinedBy(() => c.find({ v: { $gt: 3, $lt: 8 } }).toArray())).toBe(2);
      expect(await examinedBy(() => c.find({ v: { $gte: 'a' } }).toArray())).toBe(0);
    },
  );
});
