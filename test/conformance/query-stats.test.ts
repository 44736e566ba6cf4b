import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('qstats');
});
afterAll(async () => {
  await t?.close();
});

const coll = (name: string) => t.client.db(t.dbName).collection(name);

/** Documents examined by queries so far (MongoDB's serverStatus counter; a benchmark reads deltas). */
async function scannedObjects(): Promise<number> {
  const status = await t.client.db('admin').command({ serverStatus: 1 });
  return Number(status.metrics.queryExecutor.scannedObjects);
}

async function examinedBy(query: () => Promise<unknown>): Promise<number> {
  const before = await scannedObjects();
  await query();
  return (await scannedObjects()) - before;
}

describe('serverStatus metrics.queryExecutor.scannedObjects', () => {
  it('counts only the documents an index lookup yields, and every document of a scan', async () => {
    const c = coll('members');
    await c.createIndex({ 'vehicles.dueOn': 1 });
    await c.insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        _id: `m${i}` as never,
        n: i,
        vehicles:
          i % 50 === 0 ? [{ dueOn: '2026-09-10' }, { dueOn: '2027-01-01' }] : [{ dueOn: '2030-01-01' }],
      })),
    );
    const indexed = await examinedBy(() =>
      c.find({ 'vehicles.dueOn': { $in: ['2026-09-10', '2026-09-03'] } }).toArray(),
    );
    expect(indexed).toBe(4);
    const scanned = await examinedBy(() => c.find({ n: { $gte: 190 } }).toArray());
    expect(scanned).toBe(200);
  });

  it('looks a value up in a partial index when the value passes its filter, and scans otherwise', async () => {
    const c = coll('chat_users');
    await c.createIndex(
      { openid: 1 },
      { unique: true, partialFilterExpression: { openid: { $type: 'string' } } },
    );
    await c.createIndex({ status: 1, tier: 1 });
    await c.insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        _id: `u${i}` as never,
        openid: i % 10 === 0 ? null : `o${i}`,
        status: 'active',
        tier: 'bronze',
      })),
    );
    // The member lookup of every chat message: one document examined, not every active one.
    let found: unknown[] = [];
    const lookup = await examinedBy(async () => {
      found = await c.find({ openid: 'o7', status: 'active' }).toArray();
    });
    expect(found).toEqual([{ _id: 'u7', openid: 'o7', status: 'active', tier: 'bronze' }]);
    expect(lookup).toBe(1);
    // Documents without a string openid are not in the index: those lookups still find them.
    expect(await c.countDocuments({ openid: null, status: 'active' })).toBe(20);
    expect(await c.countDocuments({ openid: { $in: ['o1', null] } })).toBe(21);
  });
});
