import { Redis, type RedisOptions } from 'ioredis';

/**
 * What a connection is for decides how it behaves while Redis is down:
 * - `command`: request paths (sessions, de-duplication, health, producers called from HTTP)
 *   fail fast instead of queueing, so an HTTP caller gets a 503 at once rather than a hang;
 * - `worker`: BullMQ workers and queue event listeners block and must retry forever
 *   (BullMQ requires `maxRetriesPerRequest: null`).
 */
export type RedisPurpose = 'command' | 'worker';

export function createRedis(url: string, purpose: RedisPurpose, name: string): Redis {
  const common: RedisOptions = {
    connectionName: `chezhu:${name}`,
    // Reconnect quickly and keep trying: the embedded server is restarted by its supervisor and
    // a managed Redis fails over; neither should need a process restart of ours.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    lazyConnect: false,
  };
  const options: RedisOptions =
    purpose === 'command'
      ? {
          ...common,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          commandTimeout: 2_000,
        }
      : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  return new Redis(url, options);
}

/** Resolves once the connection is ready (a command connection rejects commands before that). */
export function whenReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis was not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
