import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface MemberLockOptions {
  /** Longest a holder may take before the lock frees itself (a crashed process). */
  leaseMs: number;
  /** Longest a message waits for its turn before the caller gets an error (and the queue retries). */
  waitMs: number;
}

/**
 * One message of a chat user at a time, across processes: `SET NX PX` with a random token,
 * retried with a short jittered pause, released only by its holder (Lua compare-and-delete).
 * Within a process, callers are also chained in arrival order, so messages of one member that
 * arrive together are handled in the order they came (see `ConversationService`).
 */
export class MemberLock {
  constructor(
    private readonly redis: Redis,
    private readonly options: MemberLockOptions = { leaseMs: 15_000, waitMs: 20_000 },
    private readonly prefix = 'conv:lock:',
  ) {}

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const lockKey = this.prefix + key;
    const token = randomBytes(12).toString('hex');
    const giveUpAt = Date.now() + this.options.waitMs;
    while ((await this.redis.set(lockKey, token, 'PX', this.options.leaseMs, 'NX')) !== 'OK') {
      if (Date.now() > giveUpAt) throw new Error(`conversation lock ${key} not acquired in time`);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE, 1, lockKey, token);
    }
  }
}
