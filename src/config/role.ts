import { z } from 'zod';
import { ConfigError } from './config-error';

export const processRoles = ['all', 'web', 'worker'] as const;
export type ProcessRole = (typeof processRoles)[number];

const roleSchema = z.enum(processRoles);

/**
 * Reads `--role all|web|worker` (or `--role=…`) from the command-line arguments; `all` when absent.
 *
 * The role is a deployment decision made per process (`npm run start:web`), not per environment,
 * which is why it is a flag rather than a variable. Other arguments are left to their owners.
 */
export function parseRole(argv: readonly string[]): ProcessRole {
  const values: (string | undefined)[] = [];
  argv.forEach((argument, index) => {
    if (argument === '--role') values.push(argv[index + 1]);
    else if (argument.startsWith('--role=')) values.push(argument.slice('--role='.length));
  });

  if (values.length === 0) return 'all';
  if (values.length > 1) {
    throw new ConfigError(`Invalid command line: --role is given ${values.length} times; give it once`);
  }
  const [value] = values;
  const parsed = roleSchema.safeParse(value);
  if (!parsed.success) {
    const shown = value === undefined || value.startsWith('--') ? 'nothing' : JSON.stringify(value);
    throw new ConfigError(
      `Invalid command line: --role must be one of ${processRoles.join(', ')} (got ${shown})`,
    );
  }
  return parsed.data;
}
