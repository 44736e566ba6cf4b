import { Redis, type RedisOptions } from 'ioredis';

/**
 * What a connection is for decides how it behaves while Redis is down:
 * - `command`: request paths (sessions, de-duplication, health, producers called from HTTP)
 *   fail fast instead of queueing, so an HTTP caller gets a 503 at once rather than a hang;
 * - `producer`: BullMQ queues that HTTP handlers add jobs to: fail fast as well (BullMQ's own
 *   advice), so a webhook answers 503 instead of hanging while Redis is away;
 * - `worker`: BullMQ workers and queue event listeners block and must retry forever
 *   (BullMQ requires `maxRetriesPerRequest: null`).
 */
export type RedisPurpose = 'command' | 'producer' | 'worker';

export function createRedis(
  url: string,
  purpose: RedisPurpose,
  name: string,
  onError: (err: Error) => void = () => {},
): Redis {
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
          enableAutoPipelining: true,
        }
      : purpose === 'producer'
        ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
        : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new Redis(url, options);
  // Without a listener ioredis prints every failed reconnect as an "Unhandled error event";
  // outages are reported by /healthz and by the callers whose commands fail.
  redis.on('error', onError);
  return redis;
}

/** An error reporter that logs the first error and then at most one per `intervalMs`. */
export function throttledErrorLog(log: (err: Error) => void, intervalMs = 30_000): (err: Error) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    log(err);
  };
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
