import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { redisServersIn } from '../helpers/redis-processes';
import { type MainProcess, spawnMain } from '../helpers/spawn-main';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('main');
// Its own data folder: what another test left running there cannot hold its locks.
const ctrlCDir = makeTempDir('main-ctrl-c');
const running: MainProcess[] = [];
afterAll(() => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  dir.remove();
  ctrlCDir.remove();
});

function start(env: Record<string, string> = {}, options: { ownProcessGroup?: boolean } = {}) {
  const p = spawnMain({ PORT: '0', DATA_DIR: dir.path, LOG_LEVEL: 'info', ...env }, [], options);
  running.push(p);
  return p;
}

async function withMongo<T>(uri: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 3_000 });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe('npm start (src/main.ts) as a process', () => {
  it('starts healthy, prints an admin key, stops on SIGTERM with no redis left, and keeps data across restarts and SIGKILL', async () => {
    const t0 = Date.now();
    const first = start();
    const ready = await first.ready;
    const health = await fetch(`${ready.url}/healthz`);
    // A loose bound: the suite runs two files at once on two cores, and this start compiles the
    // whole app with tsx. The start-up target (≤ 5 s) is `npm run bench -- startup`, on a quiet machine.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(await health.json()).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });

    const key = /Admin key\s+(\S+)/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    expect(readFileSync(`${dir.path}/staff-admin.key`, 'utf8').trim()).toBe(key);
    const me = await fetch(`${ready.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toEqual({ role: 'admin', storeId: null });
    // Secrets never reach the log: the generated key is on the banner only.
    const logLines = first
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.join('\n')).not.toContain(key!);

    await withMongo(ready.mongoUri, (c) =>
      c
        .db('chezhu')
        .collection('probe')
        .insertOne({ _id: 'a' as never, n: 1 }),
    );
    const redis = new Redis(ready.redisUrl);
    await redis.set('probe', 'one');
    redis.disconnect();

    const stopAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(redisServersIn(dir.path)).toEqual([]);

    const second = start();
    const ready2 = await second.ready;
    expect(/Admin key\s+(\S+)/.exec(second.stdout())?.[1]).toBe(key);
    expect(await withMongo(ready2.mongoUri, (c) => c.db('chezhu').collection('probe').findOne({}))).toEqual({
      _id: 'a',
      n: 1,
    });
    const redis2 = new Redis(ready2.redisUrl);
    expect(await redis2.get('probe')).toBe('one');
    await withMongo(ready2.mongoUri, (c) =>
      c
        .db('chezhu')
        .collection('probe')
        .insertOne({ _id: 'b' as never, n: 2 }),
    );
    await redis2.set('probe2', 'two');
    redis2.disconnect();

    second.child.kill('SIGKILL');
    await second.exited;

    const third = start();
    const ready3 = await third.ready;
    const docs = await withMongo(ready3.mongoUri, (c) =>
      c.db('chezhu').collection('probe').find({}).sort({ _id: 1 }).toArray(),
    );
    expect(docs).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
    const redis3 = new Redis(ready3.redisUrl);
    expect(await redis3.get('probe2')).toBe('two');
    redis3.disconnect();
    expect(redisServersIn(dir.path)).toHaveLength(1);

    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    expect(redisServersIn(dir.path)).toEqual([]);
  }, 90_000);

  it('Ctrl+C in a terminal (SIGINT to the whole process group) is a quiet, ordered stop, not a crash', async () => {
    const p = start({ DATA_DIR: ctrlCDir.path }, { ownProcessGroup: true });
    await p.ready;
    expect(redisServersIn(ctrlCDir.path)).toHaveLength(1);
    const pid = p.child.pid;
    if (pid === undefined) throw new Error('no pid');
    const redisLog = `${ctrlCDir.path}/redis/redis.log`;
    const logBefore = readFileSync(redisLog, 'utf8').length;
    // What the terminal does on Ctrl+C: the signal goes to every process of the foreground group.
    process.kill(-pid, 'SIGINT');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    const entries = p
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    expect(entries.map((e) => e.msg)).not.toContain('embedded redis-server exited; restarting it');
    expect(entries.map((e) => e.msg)).toContain('embedded redis-server stopped');
    // Whether redis-server died of the terminal's SIGINT before the app stopped it is a race; that
    // it never received one is not: only the app's own SIGTERM reaches it.
    const redisSaw = readFileSync(redisLog, 'utf8').slice(logBefore);
    expect(redisSaw).toContain('Received SIGTERM');
    expect(redisSaw).not.toContain('Received SIGINT');
    expect(redisServersIn(ctrlCDir.path)).toEqual([]);
  }, 60_000);

  it('stops with one clear line naming the variable when the environment is wrong', async () => {
    const bad = start({ PORT: 'abc' });
    const { code } = await bad.exited;
    expect(code).toBe(1);
    const lines = bad.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
  });
});
