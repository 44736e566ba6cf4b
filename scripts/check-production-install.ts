/**
 * `npm run check:install` (run by `.ci/run` after the tests): proves a production install works
 * the way the Dockerfile builds one, without a container engine.
 *
 * 1. Copies the working tree (tracked and new files, not node_modules, dist or data) to a fresh
 *    temporary folder.
 * 2. `npm ci --omit=dev` there (from the npm cache when it can: `--prefer-offline`), then
 *    `npm run build` — with production dependencies only, so nothing the build or the runtime
 *    needs may sit in devDependencies.
 * 3. Starts `node dist/main.js` (the start command and the container's CMD) against a Redis and
 *    the embedded MongoDB server of its own, and expects 200 from /healthz, /readyz and /livez,
 *    the console's prebuilt bundle, the simulator page, a member's first message answered (the
 *    lazily loaded bot and its puppet), and the process still up once the intent model trained.
 *
 * Prints one line per step and exits 0, or 1 with what failed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmbeddedRedis } from '../src/infra/embedded-redis';
import { startEmbeddedMongo } from '../src/infra/mongo-wire/embedded-mongo';
import { spawnMain } from '../test/helpers/spawn-main';

const repo = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'chezhu-install-check-'));
const app = join(work, 'app');
const started = performance.now();
const step = (what: string) =>
  process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${what}\n`);

function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function expectStatus(url: string, status: number, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status !== status)
    throw new Error(`${url}: expected ${status}, got ${res.status}: ${await res.text()}`);
  return res;
}

let failure: unknown = null;
try {
  step(`copying the working tree to ${app}`);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && existsSync(join(repo, file)));
  for (const file of files) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    cpSync(join(repo, file), join(app, file));
  }

  step('npm ci --omit=dev --prefer-offline');
  run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], app);
  for (const devOnly of ['vitest', '@biomejs/biome', 'madge']) {
    if (existsSync(join(app, 'node_modules', devOnly))) throw new Error(`${devOnly} was installed`);
  }

  step('npm run build');
  run('npm', ['run', 'build'], app);

  step('starting Redis and the embedded MongoDB server');
  const mongo = await startEmbeddedMongo({ dataDir: join(work, 'mongo') });
  const redis = await startEmbeddedRedis({ dataDir: join(work, 'redis-data') });
  try {
    step('node dist/main.js (the start command)');
    const main = spawnMain(
      {
        PORT: '0',
        DATA_DIR: join(work, 'data'),
        LOG_LEVEL: 'info',
        MONGODB_URI: mongo.uri.replace('/?', '/chezhu?'),
        REDIS_URL: redis.url,
        STAFF_API_KEYS: 'admin:install-check-admin-key-0123456789',
      },
      [],
      { command: 'build', cwd: app },
    );
    try {
      const ready = await Promise.race([
        main.ready,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not ready in 120 s')), 120_000)),
      ]);
      const health = await expectStatus(`${ready.url}/healthz`, 200);
      step(`/healthz 200 ${JSON.stringify(await health.json())}`);
      await expectStatus(`${ready.url}/readyz`, 200);
      await expectStatus(`${ready.url}/livez`, 200);
      const bundle = await expectStatus(`${ready.url}/console/app.js`, 200);
      step(`/readyz, /livez 200; console bundle ${(await bundle.arrayBuffer()).byteLength} bytes`);
      await expectStatus(`${ready.url}/simulator/`, 200);
      const said = await expectStatus(`${ready.url}/simulator/api/members/install-check/say`, 200, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '查积分' }),
      });
      step(`a member's message answered through the simulator: ${(await said.text()).slice(0, 120)}…`);
      await new Promise((r) => setTimeout(r, 2_000));
      if (main.child.exitCode !== null) throw new Error(`the process exited: ${main.stderr().slice(-2000)}`);
      await expectStatus(`${ready.url}/healthz`, 200);
    } catch (err) {
      process.stderr.write(
        `--- process output ---\n${main.stdout().slice(-4000)}\n${main.stderr().slice(-4000)}\n`,
      );
      throw err;
    } finally {
      main.child.kill('SIGTERM');
      const exit = await main.exited;
      step(`stopped (code ${exit.code}, signal ${exit.signal})`);
    }
  } finally {
    await redis.stop();
    await mongo.stop();
  }
} catch (err) {
  failure = err;
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failure) {
  process.stderr.write(
    `production install check FAILED: ${failure instanceof Error ? failure.message : String(failure)}\n`,
  );
  process.exit(1);
}
step('production install check passed');
// Exit now: a handle left open by a helper (esbuild's service, a socket) must not keep CI waiting.
process.exit(0);
