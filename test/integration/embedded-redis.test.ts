import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '../../src/infra/embedded-redis';
import { createRedis, whenReady } from '../../src/infra/redis-connections';
import { redisServersIn } from '../helpers/redis-processes';
import { makeTempDir } from '../helpers/temp-dir';
import { isAlive, waitFor } from '../helpers/wait-for';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir() {
  const dir = makeTempDir('redis');
  cleanups.push(() => dir.remove());
  return dir.path;
}

async function startChild(dataDir: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/embedded-redis-child.ts', dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolve(buffer.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { url: string; watchdogPid: number }) };
}

describe('embedded redis-server', () => {
  it('starts on a loopback port with AOF and noeviction, and keeps data across a restart', async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedRedis({ dataDir });
    const client = new Redis(first.url);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    await client.set('greeting', '你好');
    client.disconnect();
    await first.stop();
    expect(redisServersIn(dataDir)).toEqual([]);

    const second = await startEmbeddedRedis({ dataDir });
    cleanups.push(() => second.stop());
    const again = new Redis(second.url);
    expect(await again.get('greeting')).toBe('你好');
    again.disconnect();
  });

  it('stops its redis-server when the parent is SIGKILLed (watchdog)', async () => {
    const dataDir = tempDir();
    const { child, url } = await startChild(dataDir);
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.set('k', 'v');
    client.disconnect();
    const servers = redisServersIn(dataDir);
    expect(servers).toHaveLength(1);
    child.kill('SIGKILL');
    await waitFor(
      () => servers.every((pid) => !isAlive(pid)),
      5_000,
      'redis-server to stop after its parent died',
    );

    const next = await startEmbeddedRedis({ dataDir });
    cleanups.push(() => next.stop());
    const again = new Redis(next.url);
    expect(await again.get('k')).toBe('v');
    again.disconnect();
  });

  it('kills an orphan left without a watchdog on the next start, and keeps its data', async () => {
    const dataDir = tempDir();
    const { child, url, watchdogPid } = await startChild(dataDir);
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.set('orphaned', 'still here');
    client.disconnect();
    const [orphan] = redisServersIn(dataDir);
    expect(orphan).toBeDefined();
    // Kill the watchdog first, then the parent: the worst case, redis-server itself survives.
    process.kill(watchdogPid, 'SIGKILL');
    child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    expect(isAlive(orphan!)).toBe(true);
    expect(readFileSync(`${dataDir}/redis/redis.pid`, 'utf8').trim()).toBe(String(watchdogPid));

    const next = await startEmbeddedRedis({ dataDir });
    cleanups.push(() => next.stop());
    await waitFor(() => !isAlive(orphan!), 5_000, 'the orphan to be stopped');
    expect(redisServersIn(dataDir)).toHaveLength(1);
    const again = new Redis(next.url);
    expect(await again.get('orphaned')).toBe('still here');
    again.disconnect();
  });

  it('restarts redis-server by itself when it dies', async () => {
    const dataDir = tempDir();
    const server = await startEmbeddedRedis({ dataDir });
    cleanups.push(() => server.stop());
    const client = createRedis(server.url, 'command', 'test');
    client.on('error', () => {}); // refused connections while it is down are expected here
    cleanups.push(() => client.disconnect());
    await whenReady(client);
    await client.set('before', '1');
    const [pid] = redisServersIn(dataDir);
    process.kill(pid!, 'SIGKILL');
    await waitFor(
      async () => (await client.get('before').catch(() => null)) === '1',
      10_000,
      'redis to come back',
    );
    expect(redisServersIn(dataDir)).toHaveLength(1);
  });

  it('runs a BullMQ job through the worker connection', async () => {
    const dataDir = tempDir();
    const server = await startEmbeddedRedis({ dataDir });
    cleanups.push(() => server.stop());
    const name = `probe-${Date.now()}`;
    const queue = new Queue(name, { connection: createRedis(server.url, 'worker', 'queue') });
    const worker = new Worker(name, async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
      connection: createRedis(server.url, 'worker', 'worker'),
    });
    cleanups.push(async () => {
      await worker.close();
      await queue.close();
    });
    const job = await queue.add('double', { n: 21 });
    const result = await waitFor(
      async () => (await queue.getJob(job.id!))?.returnvalue,
      10_000,
      'job result',
    );
    expect(result).toEqual({ doubled: 42 });
  });
});
