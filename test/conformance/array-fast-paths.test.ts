import type { Collection, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceTarget, startConformanceTarget } from './conformance-target';

// The shapes of `$push` and `$pull` the member store uses on every points change; the embedded
// server applies them without mingo, so they are pinned here against MongoDB's semantics.
let t: ConformanceTarget;
let seq = 0;
beforeAll(async () => {
  t = await startConformanceTarget('array-fast');
});
afterAll(async () => {
  await t?.close();
});

async function applied(doc: Document, update: Document): Promise<Document | null> {
  const c: Collection = t.client.db(t.dbName).collection('arrays');
  const _id = ++seq;
  await c.insertOne({ _id: _id as never, ...doc });
  await c.updateOne({ _id: _id as never }, update);
  return c.findOne({ _id: _id as never }, { projection: { _id: 0 } });
}

describe('$push / $pull shapes of the member store', () => {
  it('$push $each with a negative $slice keeps the newest, also on a missing field', async () => {
    expect(
      await applied({ ops: ['a', 'b', 'c'] }, { $push: { ops: { $each: ['d', 'e'], $slice: -3 } } }),
    ).toEqual({
      ops: ['c', 'd', 'e'],
    });
    expect(await applied({}, { $push: { ops: { $each: ['x'], $slice: -2 } } })).toEqual({ ops: ['x'] });
    expect(await applied({ ops: [1] }, { $push: { ops: { $each: [2, 3], $slice: 2 } } })).toEqual({
      ops: [1, 2],
    });
    expect(await applied({ ops: [1] }, { $push: { ops: { k: 2 } } })).toEqual({ ops: [1, { k: 2 }] });
  });

  it('$push to a non-array fails like MongoDB', async () => {
    const c: Collection = t.client.db(t.dbName).collection('arrays');
    await c.insertOne({ _id: 'scalar' as never, ops: 5 });
    await expect(
      c.updateOne({ _id: 'scalar' as never }, { $push: { ops: 1 } } as never),
    ).rejects.toMatchObject({
      code: 2,
    });
  });

  it('$pull sub-documents by a field $in a list, and scalars by equality', async () => {
    const outbox = [
      { entryId: 'e1', n: 1 },
      { entryId: 'e2', n: 2 },
      { entryId: 'e3', n: 3 },
    ];
    expect(
      await applied({ outbox }, { $pull: { outbox: { entryId: { $in: ['e1', 'e3', 'zz'] } } } }),
    ).toEqual({
      outbox: [{ entryId: 'e2', n: 2 }],
    });
    expect(await applied({ tags: ['a', 'b', 'a'] }, { $pull: { tags: 'a' } })).toEqual({ tags: ['b'] });
    expect(
      await applied({ list: [{ k: ['x', 'y'] }, { k: ['z'] }] }, { $pull: { list: { k: { $in: ['y'] } } } }),
    ).toEqual({ list: [{ k: ['z'] }] });
    expect(await applied({ other: 1 }, { $pull: { outbox: { entryId: { $in: ['e1'] } } } })).toEqual({
      other: 1,
    });
  });
});
