import { identifierPatterns } from './identifier-patterns';

export const staffRoles = ['admin', 'marketing', 'store'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** One entry of `STAFF_API_KEYS`; a key with a `storeId` acts for that store only. */
export interface StaffApiKey {
  readonly role: StaffRole;
  readonly storeId?: string;
  readonly key: string;
}

export type StaffApiKeysResult =
  | { readonly ok: true; readonly keys: readonly StaffApiKey[] }
  | { readonly ok: false; readonly problems: readonly string[] };

// Long enough that guessing is hopeless even without rate limiting in front of the staff API.
const minimumKeyLength = 16;
// Keys travel in `Authorization: Bearer <key>` and in a comma-separated variable.
const keyPattern = /^[\x21-\x7e]+$/;
const entryPattern = /^([^@:]*)(?:@([^:]*))?:(.*)$/;

/**
 * Parses `STAFF_API_KEYS` (`role:key` or `role@storeId:key`, comma-separated).
 *
 * Problems are described by entry number and role, never by the key itself, because the message
 * ends up on the console and in process supervisors' logs. Empty entries (a trailing comma) are
 * ignored. Whether a store key without a store id is acceptable depends on the program (it is only
 * unambiguous with one store), so that check belongs to whoever has both.
 */
export function parseStaffApiKeys(value: string): StaffApiKeysResult {
  const problems: string[] = [];
  const keys: StaffApiKey[] = [];
  const seen = new Map<string, number>();

  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

  entries.forEach((entry, index) => {
    const label = `entry ${index + 1}`;
    const match = entryPattern.exec(entry);
    if (!match) {
      problems.push(`${label} must look like role:key or role@storeId:key (got ${entry.length} characters)`);
      return;
    }
    const [, role = '', storeId, key = ''] = match;
    if (!isStaffRole(role)) {
      // A long "role" is probably a key pasted in the wrong place, so it is not repeated.
      const shown = role.length <= 12 ? JSON.stringify(role) : `of ${role.length} characters`;
      problems.push(`${label} has unknown role ${shown} (roles: ${staffRoles.join(', ')})`);
      return;
    }
    if (storeId !== undefined && !identifierPatterns.storeId.test(storeId)) {
      problems.push(
        `${label} (${role}) has store id ${JSON.stringify(storeId)}; use letters, digits, "-" or "_"`,
      );
      return;
    }
    if (key.length < minimumKeyLength || !keyPattern.test(key)) {
      problems.push(
        `${label} (${role}) key must be at least ${minimumKeyLength} printable characters without spaces (got ${key.length} characters)`,
      );
      return;
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(`entries ${earlier} and ${index + 1} have the same key (every key must be unique)`);
      return;
    }
    seen.set(key, index + 1);
    keys.push(storeId === undefined ? { role, key } : { role, storeId, key });
  });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, keys };
}

function isStaffRole(value: string): value is StaffRole {
  return (staffRoles as readonly string[]).includes(value);
}
