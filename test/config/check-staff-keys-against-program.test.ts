import { describe, expect, it } from 'vitest';
import { checkStaffKeysAgainstProgram } from '../../src/config/check-staff-keys-against-program';
import { ConfigError } from '../../src/config/config-error';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgram } from '../../src/config/default-program';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { StaffApiKey } from '../../src/config/staff-api-keys';

const twoStores = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      { id: 'north', name: '北店' },
      { id: 'south', name: '南店' },
    ],
  }),
);
const key = '0123456789abcdef-secret';

describe('checkStaffKeysAgainstProgram', () => {
  it.each<[string, StaffApiKey[], typeof defaultProgram]>([
    ['no keys', [], twoStores],
    ['store key without a store, one store', [{ role: 'store', key }], defaultProgram],
    ['store key naming a known store', [{ role: 'store', storeId: 'south', key }], twoStores],
    [
      'group-wide admin and marketing keys',
      [
        { role: 'admin', key },
        { role: 'marketing', key: `${key}2` },
      ],
      twoStores,
    ],
  ])('accepts %s', (_name, keys, program) => {
    expect(() => checkStaffKeysAgainstProgram(keys, program)).not.toThrow();
  });

  it.each<[string, StaffApiKey[], typeof defaultProgram, string]>([
    [
      'an unknown store',
      [
        { role: 'admin', key },
        { role: 'store', storeId: 'west', key: `${key}2` },
      ],
      twoStores,
      'Invalid environment: STAFF_API_KEYS entry 2 (store) names store "west", which is not in the program (north, south)',
    ],
    [
      'a store key without a store when there are two',
      [{ role: 'store', key }],
      twoStores,
      'Invalid environment: STAFF_API_KEYS entry 1 (store) must name its store (role@storeId:key) because the program has 2 stores',
    ],
  ])('rejects %s in one line without the key', (_name, keys, program, message) => {
    let error: unknown;
    try {
      checkStaffKeysAgainstProgram(keys, program);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect((error as ConfigError).message).not.toContain('secret');
  });
});
