import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import { parseRole } from '../../src/config/role';

describe('parseRole', () => {
  it.each([
    [[], 'all'],
    [['--role', 'web'], 'web'],
    [['--role=worker'], 'worker'],
    [['--role', 'all'], 'all'],
    [['--inspect', '--role', 'worker', 'extra'], 'worker'],
  ] as const)('%j → %s', (argv, expected) => {
    expect(parseRole(argv)).toBe(expected);
  });

  it.each([
    [['--role', 'api'], 'Invalid command line: --role must be one of all, web, worker (got "api")'],
    [['--role=WEB'], 'Invalid command line: --role must be one of all, web, worker (got "WEB")'],
    [['--role'], 'Invalid command line: --role must be one of all, web, worker (got nothing)'],
    [['--role', '--inspect'], 'Invalid command line: --role must be one of all, web, worker (got nothing)'],
    [['--role', 'web', '--role=worker'], 'Invalid command line: --role is given 2 times; give it once'],
  ] as const)('%j → one-line ConfigError', (argv, message) => {
    expect(() => parseRole(argv)).toThrow(ConfigError);
    expect(() => parseRole(argv)).toThrow(message);
  });
});
