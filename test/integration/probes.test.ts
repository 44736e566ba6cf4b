import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgram } from '../../src/config/default-program';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../src/infra/mongo-wire/embedded-mongo';
import { createLogger } from '../../src/lib/logger';
import { type Runtime, startRuntime } from '../../src/runtime/start-runtime';
import { makeTempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/test-config';
import { waitFor } from '../helpers/wait-for';

// A worker process (probes are served by every role) against a MongoDB server of its own, which
// the test stops and starts again on the same port.
let runtime: Runtime;
let mongo: EmbeddedMongo;
const dir = makeTempDir('probes');
const mongoDir = join(dir.path, 'external-mongo');

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ dataDir: mongoDir });
  runtime = await startRuntime({
    config: testConfig(dir.path, { MONGODB_URI: `${mongo.uri.replace('/?', '/chezhu?')}` }),
    role: 'worker',
    program: defaultProgram,
    logger: createLogger('silent'),
  });
});

afterAll(async () => {
  await runtime?.stop();
  await mongo?.stop();
  dir.remove();
});

const get = (path: string) => fetch(`${runtime.url}${path}`);

describe('/livez and /readyz (role worker, MongoDB of its own)', () => {
  it('are ready while both dependencies answer', async () => {
    expect(runtime.embedded).toEqual({ mongo: false, redis: true });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', mongo: 'up', redis: 'up', down: [] });
    expect(await (await get('/livez')).json()).toEqual({ status: 'ok' });
  });

  it('answers 503 naming MongoDB while it is down, stays alive, and is ready again once it is back', async () => {
    const port = mongo.port;
    await mongo.stop();
    const notReady = await waitFor(
      async () => {
        const res = await get('/readyz');
        return res.status === 503 ? await res.json() : undefined;
      },
      10_000,
      'readyz to report mongo down',
    );
    expect(notReady).toEqual({ status: 'down', mongo: 'down', redis: 'up', down: ['mongo'] });
    const live = await get('/livez');
    expect(live.status).toBe(200);
    // /healthz keeps its shape.
    const health = await get('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'down', mongo: 'down', redis: 'up' });

    mongo = await startEmbeddedMongo({ dataDir: mongoDir, port });
    await waitFor(async () => (await get('/readyz')).status === 200, 20_000, 'readyz to recover');
  });
});
