import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

// Updates on the embedded server share untouched sub-documents with the previous state and skip
// the indexes whose fields they do not touch; these pin that the indexes still follow every change.
let t: ConformanceTarget;
beforeAll(async () => {
  t = await startConformanceTarget('upkeep');
});
afterAll(async () => {
  await t?.close();
});

const coll = (name: string) => t.client.db(t.dbName).collection(name);

describe('index upkeep across updates of nested and unrelated fields', () => {
  it('compound, nested, partial and unique indexes answer with the new state only', async () => {
    const c = coll('members');
    await c.createIndex({ status: 1, 'tier.tierCode': 1 });
    await c.createIndex(
      { openid: 1 },
      { unique: true, partialFilterExpression: { openid: { $type: 'string' } } },
    );
    await c.createIndex({ mobile: 1 }, { unique: true });
    await c.insertMany([
      {
        _id: 'a' as never,
        status: 'active',
        tier: { tierCode: 'silver', since: 1 },
        openid: 'o1',
        mobile: '1',
        n: 0,
      },
      {
        _id: 'b' as never,
        status: 'active',
        tier: { tierCode: 'silver', since: 2 },
        openid: 'o2',
        mobile: '2',
        n: 0,
      },
    ]);
    await c.updateOne({ _id: 'a' as never }, { $set: { 'tier.tierCode': 'gold' }, $inc: { n: 1 } });
    await c.updateOne({ _id: 'b' as never }, { $inc: { n: 5 }, $set: { 'tier.since': 3 } });
    await c.updateOne({ _id: 'b' as never }, { $unset: { openid: '' } });
    expect(await c.find({ status: 'active', 'tier.tierCode': 'gold' }).toArray()).toMatchObject([
      { _id: 'a', n: 1 },
    ]);
    expect(await c.find({ status: 'active', 'tier.tierCode': 'silver' }).toArray()).toMatchObject([
      { _id: 'b', n: 5, tier: { tierCode: 'silver', since: 3 } },
    ]);
    expect(await c.findOne({ openid: 'o2' })).toBeNull();
    // The freed openid can be taken; a taken mobile still cannot, also next to an unrelated change.
    await c.updateOne({ _id: 'a' as never }, { $set: { openid: 'o2' } });
    expect(await c.findOne({ openid: 'o2' })).toMatchObject({ _id: 'a' });
    await expect(
      c.updateOne({ _id: 'a' as never }, { $set: { mobile: '2' }, $inc: { n: 1 } }),
    ).rejects.toMatchObject({
      code: 11000,
    });
    expect(await c.findOne({ _id: 'a' as never })).toMatchObject({
      mobile: '1',
      n: 1,
      tier: { tierCode: 'gold', since: 1 },
    });
  });
});
