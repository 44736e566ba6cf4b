import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';

const withStores = (stores: object[]) => () => parseProgram(deepMerge(defaultProgramInput, { stores }));

describe('stores: phone and hours (told by 人工)', () => {
  it('accepts mainland landlines, 400 numbers and mobiles, and stores without them', () => {
    const program = withStores([
      { id: 'a', name: '浦东店', phone: '021-58881234', hours: '每天 8:30–18:00' },
      { id: 'b', name: '闵行店', phone: '400-800-1234' },
      { id: 'c', name: '嘉定店', phone: '13812345678' },
      { id: 'd', name: '松江店', phone: '0755-8888888-123' },
      { id: 'e', name: '青浦店' },
    ])();
    expect(program.stores.map((store) => store.phone ?? null)).toEqual([
      '021-58881234',
      '400-800-1234',
      '13812345678',
      '0755-8888888-123',
      null,
    ]);
    expect(program.stores[0]!.hours).toBe('每天 8:30–18:00');
  });

  it('rejects a malformed phone and empty or overlong hours, naming the field', () => {
    for (const store of [
      { id: 'a', name: '浦东店', phone: '5888-1234' },
      { id: 'a', name: '浦东店', phone: '12345678901' },
      { id: 'a', name: '浦东店', hours: '  ' },
      { id: 'a', name: '浦东店', hours: '营'.repeat(61) },
    ]) {
      expect(withStores([store])).toThrow(ConfigError);
    }
    expect(withStores([{ id: 'a', name: '浦东店', phone: 'call us' }])).toThrow(/stores.*phone/s);
  });

  it('takes an address of up to 80 characters, trimmed; an empty or longer one names the field', () => {
    const program = withStores([
      { id: 'a', name: '浦东店', address: ' 上海市浦东新区张杨路 88 号 ' },
      { id: 'b', name: '闵行店', address: '路'.repeat(80) },
      { id: 'c', name: '嘉定店' },
    ])();
    expect(program.stores.map((store) => store.address ?? null)).toEqual([
      '上海市浦东新区张杨路 88 号',
      '路'.repeat(80),
      null,
    ]);
    expect(withStores([{ id: 'a', name: '浦东店', address: '路'.repeat(81) }])).toThrow(/stores.*address/s);
    expect(withStores([{ id: 'a', name: '浦东店', address: ' ' }])).toThrow(ConfigError);
  });
});

describe('complaints: the call-back promise', () => {
  it('defaults to 24 hours and takes 1 to 720', () => {
    const parse = (complaints: object) => () => parseProgram(deepMerge(defaultProgramInput, { complaints }));
    expect(parse({})().complaints).toEqual({ callBackWithinHours: 24 });
    expect(parse({ callBackWithinHours: 4 })().complaints).toEqual({ callBackWithinHours: 4 });
    expect(parse({ callBackWithinHours: 0 })).toThrow(/complaints.*callBackWithinHours/s);
    expect(parse({ callBackWithinHours: 1.5 })).toThrow(ConfigError);
  });
});
