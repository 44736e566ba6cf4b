import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';

describe('deepMerge', () => {
  it.each([
    ['override wins for scalars', { a: 1, b: 2 }, { b: 3 }, { a: 1, b: 3 }],
    ['objects merge recursively', { a: { x: 1, y: 2 }, b: 1 }, { a: { y: 5 } }, { a: { x: 1, y: 5 }, b: 1 }],
    ['arrays replace', { list: [1, 2, 3] }, { list: [9] }, { list: [9] }],
    [
      'arrays of objects replace',
      { list: [{ id: 'a', n: 1 }] },
      { list: [{ id: 'b' }] },
      { list: [{ id: 'b' }] },
    ],
    ['new keys are added', { a: 1 }, { b: { c: 2 } }, { a: 1, b: { c: 2 } }],
    ['null replaces', { a: { x: 1 } }, { a: null }, { a: null }],
    ['undefined keeps the base', { a: 1 }, { a: undefined }, { a: 1 }],
    ['an object replaces a scalar', { a: 1 }, { a: { x: 1 } }, { a: { x: 1 } }],
    ['a scalar replaces an object', { a: { x: 1 } }, { a: 2 }, { a: 2 }],
    ['an empty override changes nothing', { a: { x: [1] } }, {}, { a: { x: [1] } }],
  ])('%s', (_name, base, override, expected) => {
    expect(deepMerge(base, override)).toEqual(expected);
  });

  it('does not modify its inputs', () => {
    const base = Object.freeze({ a: Object.freeze({ x: 1, y: Object.freeze([1]) }) });
    const override = Object.freeze({ a: Object.freeze({ x: 2 }) });
    const merged = deepMerge(base, override) as { a: { x: number; y: number[] } };
    expect(merged).toEqual({ a: { x: 2, y: [1] } });
    expect(base).toEqual({ a: { x: 1, y: [1] } });
    expect(merged.a).not.toBe(base.a);
  });

  it('keeps a "__proto__" key from a parsed file as data instead of changing the prototype', () => {
    const override = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const merged = deepMerge({ a: 0 }, override) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
