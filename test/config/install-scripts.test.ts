import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Lockfile {
  packages: Record<string, { hasInstallScript?: boolean }>;
}

/**
 * npm ≥ 11 skips dependency install scripts not named in package.json's `allowScripts` and ends
 * `npm ci` with a warning listing them. Every package with such a script gets a decision there, so
 * a newcomer's install is quiet (README, Quick start, says why each one is denied).
 */
describe('install scripts', () => {
  it('every dependency with an install script has an allowScripts decision', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lockfile;
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    const decided = new Set(Object.keys(pkg.allowScripts ?? {}).map((k) => k.replace(/(.)@[^@/]*$/, '$1')));
    expect(withScripts.filter((name) => !decided.has(name))).toEqual([]);
  });
});
