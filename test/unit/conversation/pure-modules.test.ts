import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The conversation runtime's pure parts and the flows (Redis-backed files are the exceptions). */
const IMPURE_ALLOWED = new Set([
  'src/conversation/session-store.ts',
  'src/conversation/conversation-turns.ts',
]);
const FORBIDDEN_IMPORT =
  /from '(ioredis|mongoose|mongodb|bullmq|wechaty[^']*|express|node:fs[^']*|node:net|node:http)'/;
const CLOCK = /Date\.now\(|new Date\(\)/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('pure conversation code', () => {
  const files = [...filesUnder('src/conversation'), ...filesUnder('flows')].filter(
    (file) => !IMPURE_ALLOWED.has(file),
  );

  it.each(files)('%s imports no IO library and never reads the clock', (file) => {
    const source = readFileSync(file, 'utf8');
    expect(source).not.toMatch(FORBIDDEN_IMPORT);
    expect(source).not.toMatch(CLOCK);
  });
});
