import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The admin key of the zero-setup default: generated once and kept in DATA_DIR (mode 0600), so
 * the key a person copied from the first start keeps working after a restart.
 */
export function loadOrCreateAdminKey(dataDir: string): { key: string; file: string; created: boolean } {
  const file = join(dataDir, 'staff-admin.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 16) return { key, file, created: false };
  }
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, file, created: true };
}
