import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';

/** `NAME=value` lines of a dotenv file (comments and blank lines skipped). */
function dotenv(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return Object.fromEntries(entries);
}

describe('.env.example', () => {
  const example = dotenv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
  // Every variable the zod schema reads: its keys are indented four spaces in env.ts.
  const source = readFileSync(new URL('../../src/config/env.ts', import.meta.url), 'utf8');
  const schemaKeys = [...source.matchAll(/^ {4}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);

  it('lists every environment variable of src/config/env.ts, and nothing else', () => {
    expect(schemaKeys.length).toBeGreaterThan(20);
    expect(Object.keys(example).sort()).toEqual([...new Set(schemaKeys)].sort());
  });

  it('is a valid configuration as it stands', () => {
    const config = parseEnv(example, { cwd: '/srv/chezhu' });
    expect(config.channel).toBe('wechat');
    expect(config.mongodbUri).toBe('mongodb://mongo:27017/chezhu?replicaSet=rs0');
    expect(config.wechat.encodingAesKey).toBeNull();
  });
});
