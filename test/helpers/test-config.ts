import type { AppConfig } from '../../src/config/env';
import { parseEnv } from '../../src/config/env';

/**
 * An AppConfig for in-process runtime tests: free port, embedded servers in `dataDir`, a
 * known staff key per role. Test defaults live here, never in src/.
 */
export const testKeys = {
  admin: 'test-admin-key-0123456789',
  marketing: 'test-marketing-key-0123456789',
  store: 'test-store-key-0123456789',
} as const;

export function testConfig(dataDir: string, env: Record<string, string | undefined> = {}): AppConfig {
  return parseEnv({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    STAFF_API_KEYS: `admin:${testKeys.admin},marketing:${testKeys.marketing},store@main:${testKeys.store}`,
    ...env,
  });
}
