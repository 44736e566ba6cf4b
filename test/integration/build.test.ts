import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MainProcess, spawnMain } from '../helpers/spawn-main';
import { makeTempDir } from '../helpers/temp-dir';

// `npm run build` into a folder of its own inside node_modules (so the bundle's packages resolve
// as they do from dist/), then that build started as `npm start` starts dist/main.js: one node
// process, no tsx. The other tests run the sources; this one proves what production runs.
const repo = join(import.meta.dirname, '..', '..');
const buildRoot = join(repo, 'node_modules', '.cache', `chezhu-build-test-${process.pid}`);
const dist = join(buildRoot, 'dist');
const data = makeTempDir('build');
let main: MainProcess;

beforeAll(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    cwd: repo,
    env: { ...process.env, CHEZHU_BUILD_OUT: dist },
    stdio: 'pipe',
  });
  main = spawnMain({ PORT: '0', DATA_DIR: data.path, LOG_LEVEL: 'info' }, [], {
    command: 'build',
    cwd: buildRoot,
  });
}, 120_000);

afterAll(async () => {
  if (main && main.child.exitCode === null) {
    main.child.kill('SIGTERM');
    await main.exited;
  }
  rmSync(buildRoot, { recursive: true, force: true });
  data.remove();
});

describe('the build (dist/main.js)', () => {
  it('holds the bundle with source maps, the runtime files and the prebuilt console', () => {
    expect(readFileSync(join(dist, 'main.js'), 'utf8')).toContain('process.setSourceMapsEnabled(true)');
    expect(readFileSync(join(dist, 'main.bundle.js'), 'utf8')).toMatch(
      /\/\/# sourceMappingURL=main\.bundle\.js\.map/,
    );
    const map = JSON.parse(readFileSync(join(dist, 'main.bundle.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../../../../src/main.ts');
    for (const file of [
      'embedded-mongo-thread-main.js',
      'console/app.js',
      'console/app.css',
      'console/console-page.html',
      'channels/simulator/simulator-page.html',
      'conversation/intents/examples/balance.txt',
    ]) {
      expect(existsSync(join(dist, file)), file).toBe(true);
    }
    // Wechaty and the simulator's mock puppet are chunks of their own, loaded only when a bot runs.
    const chunks = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect(chunks.some((f) => f.startsWith('simulator-puppet-'))).toBe(true);
    expect(readFileSync(join(dist, 'main.bundle.js'), 'utf8')).not.toMatch(/from "wechaty(-puppet-mock)?"/);
  });

  it('starts in one process and answers health, readiness, the console and a member', async () => {
    const ready = await main.ready;
    expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${ready.url}/readyz`)).json()).toMatchObject({ status: 'ok', down: [] });
    const bundle = await fetch(`${ready.url}/console/app.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${ready.url}/simulator/`)).status).toBe(200);
    const said = await fetch(`${ready.url}/simulator/api/members/build-test/say`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '查积分' }),
    });
    expect(said.status).toBe(200);
    const { replies } = (await said.json()) as { replies: { text: string }[] };
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.text).join('\n')).toContain('回复');
    // No tsx anywhere: the process is node running dist/main.js.
    const cmdline = readFileSync(`/proc/${main.child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline.slice(1, 2)).toEqual(['dist/main.js']);
  }, 120_000);
});
