import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANK } from '../../../src/infra/mongo-wire/bson-order';
import { type Bound, MAX, MIN, OrderedIndex } from '../../../src/infra/mongo-wire/ordered-index';

type Doc = { v?: number | number[] | string };

const docValue = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 30 }),
    fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
    fc.constantFrom('a', 'b'),
  ),
  { nil: undefined },
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), id: fc.integer({ min: 0, max: 60 }), v: docValue }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 60 }) }),
);

const numbersOf = (d: Doc | undefined): number[] =>
  d?.v === undefined ? [] : Array.isArray(d.v) ? d.v : typeof d.v === 'number' ? [d.v] : [];

describe('OrderedIndex', () => {
  it('finds exactly the documents with a value in an interval, through splits and removals of small chunks', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 300 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (ops, a, b, loIncl, hiIncl, reload) => {
          const index = new OrderedIndex('v', 4);
          const docs = new Map<string, Doc>();
          for (const o of ops) {
            const id = `d${o.id}`;
            const previous = docs.get(id);
            if (o.kind === 'put') {
              const next: Doc = o.v === undefined ? {} : { v: o.v };
              if (previous) index.update(previous, next, id);
              else index.add(next, id);
              docs.set(id, next);
            } else if (previous) {
              index.remove(previous, id);
              docs.delete(id);
            }
          }
          if (reload) index.load(docs);
          const lower: Bound = { r: RANK.number, v: a, inclusive: loIncl };
          const upper: Bound = { r: RANK.number, v: b, inclusive: hiIncl };
          const inRange = (n: number) => (loIncl ? n >= a : n > a) && (hiIncl ? n <= b : n < b);
          const want = [...docs].filter(([, d]) => numbersOf(d).some(inRange)).map(([id]) => id);
          expect([...index.idsBetween(lower, upper)].sort()).toEqual(want.sort());
          const entries = [...docs.values()].reduce(
            (n, d) => n + new Set(numbersOf(d).filter(inRange)).size,
            0,
          );
          expect(index.countBetween(lower, upper)).toBe(entries);
          const all = index.idsBetween(
            { r: RANK.number, v: MIN, inclusive: true },
            { r: RANK.number, v: MAX, inclusive: true },
          );
          expect(all.size).toBe([...docs.values()].filter((d) => numbersOf(d).length > 0).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells whether arrays sit only on the matched path component', () => {
    const index = new OrderedIndex('account.lots.expiresAt');
    index.add({ account: { lots: [{ expiresAt: new Date(1) }, { expiresAt: new Date(2) }] } }, 'm1');
    expect(index.arraysOnlyAt(1)).toBe(true);
    expect(index.arraysOnlyAt(-1)).toBe(false);
    index.add({ account: { lots: [{ expiresAt: [new Date(1), new Date(3)] }] } }, 'm2');
    expect(index.arraysOnlyAt(1)).toBe(false);
    index.remove({ account: { lots: [{ expiresAt: [new Date(1), new Date(3)] }] } }, 'm2');
    expect(index.arraysOnlyAt(1)).toBe(true);
  });
});
