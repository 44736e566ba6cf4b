import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgram } from '../../src/config/default-program';
import { createLogger } from '../../src/lib/logger';
import { type Runtime, startRuntime } from '../../src/runtime/start-runtime';
import { redisServersIn } from '../helpers/redis-processes';
import { makeTempDir } from '../helpers/temp-dir';
import { testConfig, testKeys } from '../helpers/test-config';
import { waitFor } from '../helpers/wait-for';

let runtime: Runtime;
const dir = makeTempDir('runtime');

beforeAll(async () => {
  runtime = await startRuntime({
    config: testConfig(dir.path),
    role: 'all',
    program: defaultProgram,
    logger: createLogger('silent'),
  });
});

afterAll(async () => {
  await runtime?.stop();
  dir.remove();
});

const get = (path: string, key?: string) =>
  fetch(`${runtime.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('runtime (role all, embedded servers)', () => {
  it('answers /healthz with both dependencies up', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });
    expect(runtime.embedded).toEqual({ mongo: true, redis: true });
  });

  it('answers /livez and /readyz with both dependencies up', async () => {
    const live = await get('/livez');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', mongo: 'up', redis: 'up', down: [] });
  });

  it('exports Prometheus metrics, including request timings and dependency state', async () => {
    await get('/healthz');
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} \d+/);
    expect(text).toContain('dependency_up{dependency="mongo"} 1');
  });

  it('guards the staff API with keys: 401 without or with a wrong key, role on success', async () => {
    expect((await get('/api/v1/me')).status).toBe(401);
    const wrong = await get('/api/v1/me', 'not-a-real-key-000000000');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const store = await get('/api/v1/me', testKeys.store);
    expect(await store.json()).toEqual({ role: 'store', storeId: 'main' });
  });

  it('answers unknown paths and malformed JSON with the error shape, never a stack trace', async () => {
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const bad = await fetch(`${runtime.url}/api/v1/me`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testKeys.admin}`, 'content-type': 'application/json' },
      body: '{"broken":',
    });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
    expect(body).not.toContain('at ');
  });

  it('stores documents through mongoose on the embedded server', async () => {
    const collection = runtime.mongo.connection.collection('probe');
    await collection.insertOne({ _id: 'x' as never, n: 1 });
    expect(await collection.findOne({ _id: 'x' as never })).toEqual({ _id: 'x', n: 1 });
  });

  it('reports redis down with 503 while it is gone, and recovers by itself', async () => {
    const pids = redisServersIn(dir.path);
    expect(pids).toHaveLength(1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    // Both probes in one poll, so they see the same outage (the supervisor restarts Redis soon).
    const [down, notReady] = await waitFor(
      async () => {
        const [health, ready] = await Promise.all([get('/healthz'), get('/readyz')]);
        return health.status === 503 && ready.status === 503
          ? [await health.json(), await ready.json()]
          : undefined;
      },
      5_000,
      'healthz and readyz to report redis down',
      20,
    );
    expect(down).toEqual({ status: 'down', mongo: 'up', redis: 'down' });
    expect(notReady).toEqual({ status: 'down', mongo: 'up', redis: 'down', down: ['redis'] });
    // Liveness does no I/O: still alive.
    expect((await get('/livez')).status).toBe(200);
    await waitFor(async () => (await get('/healthz')).status === 200, 15_000, 'healthz to recover');
  });
});
