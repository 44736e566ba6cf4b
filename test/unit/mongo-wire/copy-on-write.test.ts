import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document } from 'bson';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/infra/mongo-wire/journal';
import { createMingoOptions } from '../../../src/infra/mongo-wire/mingo-options';
import { projectionOf } from '../../../src/infra/mongo-wire/project-documents';
import { applyUpdate, type UpdateContext } from '../../../src/infra/mongo-wire/update-engine';
import { encodeReply, MessageFramer, OP_MSG } from '../../../src/infra/mongo-wire/wire-protocol';

const ctx: UpdateContext = { filter: {}, mingoOptions: createMingoOptions(() => []) };

function stored(): Document {
  return {
    _id: 'm1',
    rev: 3,
    account: { balance: 100, lots: [{ points: 100 }], meta: { a: 1 } },
    profile: { name: '张三', car: { plate: '粤B1', model: 'X' } },
    tags: ['a', 'b'],
    outbox: [{ entryId: 'e1' }, { entryId: 'e2' }],
  };
}

describe('updates share what they do not change with the stored document', () => {
  it('leaves the stored state intact and copies only the objects on the updated paths', () => {
    const doc = stored();
    const before = JSON.stringify(doc);
    const { doc: next, modified } = applyUpdate(
      doc,
      {
        $set: { 'account.balance': 150, 'profile.car.model': 'Y', 'fresh.deep.x': 1 },
        $inc: { rev: 1 },
        $unset: { 'account.meta.a': '' },
        $push: { tags: 'c' },
        $pull: { outbox: { entryId: 'e1' } },
      },
      ctx,
    );
    expect(modified).toBe(true);
    expect(JSON.stringify(doc)).toBe(before);
    expect(next).toEqual({
      _id: 'm1',
      rev: 4,
      account: { balance: 150, lots: [{ points: 100 }], meta: {} },
      profile: { name: '张三', car: { plate: '粤B1', model: 'Y' } },
      tags: ['a', 'b', 'c'],
      outbox: [{ entryId: 'e2' }],
      fresh: { deep: { x: 1 } },
    });
    expect(next.account).not.toBe(doc.account);
    expect(next.account.meta).not.toBe(doc.account.meta);
    expect(next.account.lots).toBe(doc.account.lots);
    expect(next.profile.car).not.toBe(doc.profile.car);
    expect(next.tags).not.toBe(doc.tags);
  });

  it('a no-op update reports no change and an update through an array falls back untouched', () => {
    const doc = stored();
    const before = JSON.stringify(doc);
    expect(applyUpdate(doc, { $set: { 'account.balance': 100 } }, ctx).modified).toBe(false);
    const { doc: next } = applyUpdate(doc, { $set: { 'account.lots.0.points': 7 }, $inc: { rev: 1 } }, ctx);
    expect(next.account.lots).toEqual([{ points: 7 }]);
    expect(next.rev).toBe(4);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

describe('reused encode buffers', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('journal groups larger than the scratch buffer replay exactly, next to small ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-scratch-'));
    dirs.push(dir);
    const big = { o: 'p', ns: 'db.c', d: { _id: 'big', blob: 'x'.repeat(700_000) } };
    const many = Array.from({ length: 3000 }, (_, i) => ({
      o: 'p',
      ns: 'db.c',
      d: { _id: i, s: 'y'.repeat(200) },
    }));
    const journal = Journal.open(dir, () => {});
    journal.append([{ o: 'p', ns: 'db.c', d: { _id: 'first' } }]);
    journal.append([big]);
    journal.append(many);
    journal.append([{ o: 'p', ns: 'db.c', d: { _id: 'last' } }]);
    journal.close();
    const replayed: Document[] = [];
    Journal.open(dir, (op) => replayed.push(op)).close();
    expect(replayed).toHaveLength(3003);
    expect(replayed[0]).toEqual({ o: 'p', ns: 'db.c', d: { _id: 'first' } });
    expect(replayed[1]).toEqual(big);
    expect(replayed.slice(2, 3002)).toEqual(many);
    expect(replayed[3002]).toEqual({ o: 'p', ns: 'db.c', d: { _id: 'last' } });
  });

  it('replies larger than the scratch buffer frame and decode exactly, and earlier replies stay intact', () => {
    const request = { requestId: 7, opCode: OP_MSG, flags: 0, command: {}, db: 'db' } as const;
    const small = encodeReply(request, { ok: 1, n: 1, $db: 'db' });
    const smallCopy = Buffer.from(small);
    const body = { ok: 1, blob: 'z'.repeat(600_000), $db: 'db' };
    const large = encodeReply(request, body);
    expect(large.readInt32LE(0)).toBe(large.length);
    expect(large.readInt32LE(8)).toBe(7);
    encodeReply(request, { ok: 1, other: 'w'.repeat(1000), $db: 'db' });
    expect(small.equals(smallCopy)).toBe(true);
    const [decoded] = new MessageFramer().push(large);
    expect(decoded?.command).toEqual(body);
    expect(new MessageFramer().push(small)[0]?.command).toEqual({ ok: 1, n: 1, $db: 'db' });
  });
});

describe('top-level projections without mingo', () => {
  const doc = { _id: 1, b: 2, a: { x: 1 }, c: [3], d: null };
  const project = (spec: Document) => {
    const fn = projectionOf(spec, {}, ctx.mingoOptions);
    return fn ? fn(doc) : doc;
  };
  it('match the find semantics of inclusion, exclusion and _id', () => {
    expect(project({ a: 1, b: 1 })).toEqual({ _id: 1, b: 2, a: { x: 1 } });
    expect(Object.keys(project({ a: 1, b: true }))).toEqual(['_id', 'b', 'a']);
    expect(project({ _id: 0, c: 1, missing: 1 })).toEqual({ c: [3] });
    expect(project({ _id: 1 })).toEqual({ _id: 1 });
    expect(project({ _id: 0 })).toEqual({ b: 2, a: { x: 1 }, c: [3], d: null });
    expect(project({ a: 0, d: false })).toEqual({ _id: 1, b: 2, c: [3] });
    expect(project({ _id: 0, a: 0 })).toEqual({ b: 2, c: [3], d: null });
    expect(project({ 'a.x': 1 })).toEqual({ _id: 1, a: { x: 1 } });
    expect(project({ c: { $slice: 1 }, b: 1 })).toEqual({ _id: 1, b: 2, c: [3] });
  });
});
