import { ConfigError } from './config-error';
import type { Program } from './program-schema';
import type { StaffApiKey } from './staff-api-keys';

/**
 * The checks on STAFF_API_KEYS that need the program as well as the environment: a key's store
 * must be one of the program's stores, and a `store` key without a store is only unambiguous
 * when the program has exactly one store. Throws a one-line `ConfigError` (keys never shown);
 * the composition root calls it after loading both.
 */
export function checkStaffKeysAgainstProgram(keys: readonly StaffApiKey[], program: Program): void {
  const storeIds = program.stores.map((store) => store.id);
  const problems: string[] = [];
  keys.forEach((key, index) => {
    const label = `entry ${index + 1} (${key.role})`;
    if (key.storeId !== undefined && !storeIds.includes(key.storeId)) {
      problems.push(
        `${label} names store "${key.storeId}", which is not in the program (${storeIds.join(', ')})`,
      );
    }
    if (key.role === 'store' && key.storeId === undefined && storeIds.length > 1) {
      problems.push(
        `${label} must name its store (role@storeId:key) because the program has ${storeIds.length} stores`,
      );
    }
  });
  if (problems.length > 0) {
    const lines = problems.map((problem) => `STAFF_API_KEYS ${problem}`);
    throw new ConfigError(`Invalid environment: ${lines.join('; ')}`, lines);
  }
}
