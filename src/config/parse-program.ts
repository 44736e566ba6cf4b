import type { z } from 'zod';
import { ConfigError } from './config-error';
import { deepFreeze } from './deep-freeze';
import { type Program, programSchema } from './program-schema';

/**
 * Validates a whole program (already merged with the defaults, if it came from a file) and returns
 * it frozen, with decimals turned into integer thousandths.
 *
 * On failure the `ConfigError` message is a summary line followed by one line per problem, each
 * starting with the path of the offending field (`tiers[1].threshold: …`).
 */
export function parseProgram(input: unknown, source = 'program configuration'): Program {
  const result = programSchema.safeParse(input, { error: plainMessage });
  if (result.success) return deepFreeze(result.data);

  const problems = result.error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new ConfigError(
    [`Invalid ${source} (${count}):`, ...problems.map((problem) => `  ${problem}`)].join('\n'),
    problems,
  );
}

/** Zod's generic messages, rephrased for someone editing a YAML or JSON file. */
function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    const expected =
      issue.expected === 'array'
        ? 'a list'
        : issue.expected === 'object'
          ? 'a mapping'
          : `a ${issue.expected}`;
    return `must be ${expected} (got ${describe(issue.input)})`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
    return `has unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${keys} (check the spelling)`;
  }
  if (issue.code === 'invalid_key') {
    return `is not a valid key: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  }
  if (issue.code === 'invalid_value' && issue.values.length > 0) {
    return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}
