import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisScript } from '../infra/redis-script';
import type { Reply } from './reply';
import type { Session } from './session';
import { SESSION_KEY_TTL_MS, SessionStore } from './session-store';

export interface TurnOptions {
  /** Longest a holder may take before the lock frees itself (a crashed process). */
  leaseMs: number;
  /** Longest a message waits for its turn before the caller gets an error (and the queue retries). */
  waitMs: number;
  /** Replies of a handled message are kept this long, so a re-delivery gets them again unchanged. */
  memoSeconds: number;
}

/** How a message's turn begins: its remembered replies (handled before), or the lock and session. */
export type TurnStart = { kind: 'memo'; replies: Reply[] } | { kind: 'turn'; turn: Turn };

export interface Turn {
  /** Proves the lock when finishing. */
  token: string;
  /** The stored session when the lock was taken (null: none, or an older shape). */
  session: Session | null;
}

/** What the turn leaves of the session: as it was, gone, or saved over the version it read. */
export type SessionWrite = { kind: 'keep' } | { kind: 'delete' } | { kind: 'save'; session: Session };

// KEYS: memo, lock, session. ARGV: token, leaseMs.
// 1 + replies: handled before; 2 + session (or false): the lock is ours; 0: someone holds it.
const BEGIN = new RedisScript(`
local memo = redis.call('GET', KEYS[1])
if memo then return {1, memo} end
if not redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {0} end
return {2, redis.call('GET', KEYS[3])}
`);

// KEYS: memo, lock, session. ARGV: token, replies, memoSeconds, write, version read, session, ttl.
// Saves only over the version read (compare-and-set inside the stored JSON). Returns 1, or 0 when
// someone else saved in between (possible only once the lease ran out).
const FINISH = new RedisScript(`
local saved = 1
if ARGV[4] == 'delete' then
  redis.call('DEL', KEYS[3])
elseif ARGV[4] == 'save' then
  local current = redis.call('GET', KEYS[3])
  local version = 0
  if current then version = cjson.decode(current).version end
  if version == tonumber(ARGV[5]) then
    redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])
  else
    saved = 0
  end
end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return saved
`);

/**
 * A chat user's message as one turn in Redis, in two round trips: `begin` returns the replies
 * remembered for this message (a re-delivery), or takes the user's lock (`SET NX PX` with a
 * random token, across processes) and reads the session in the same script; `finish` writes the
 * session (compare-and-set on its version), remembers the replies and releases the lock, again
 * in one script. While another message of the user holds the lock, `begin` retries after a short
 * jittered pause.
 */
export class ConversationTurns {
  private readonly sessions: SessionStore;

  constructor(
    private readonly redis: Redis,
    private readonly options: TurnOptions = { leaseMs: 15_000, waitMs: 20_000, memoSeconds: 600 },
  ) {
    this.sessions = new SessionStore(redis);
  }

  async begin(key: string, messageId: string): Promise<TurnStart> {
    const token = randomBytes(12).toString('hex');
    const giveUpAt = Date.now() + this.options.waitMs;
    for (;;) {
      const [state, value] = (await BEGIN.run(
        this.redis,
        [memoKey(key, messageId), lockKey(key), this.sessions.keyOf(key)],
        [token, this.options.leaseMs],
      )) as [number, string | null | undefined];
      if (state === 1) return { kind: 'memo', replies: JSON.parse(value as string) as Reply[] };
      if (state === 2) return { kind: 'turn', turn: { token, session: this.sessions.decode(value ?? null) } };
      if (Date.now() > giveUpAt) throw new Error(`conversation lock ${key} not acquired in time`);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
  }

  /**
   * Ends the turn: the session write, the replies remembered (`null`: the message failed, nothing
   * remembered) and the lock released. False when the session was not saved (a newer one won).
   */
  async finish(
    key: string,
    messageId: string,
    turn: Turn,
    write: SessionWrite,
    replies: Reply[] | null,
  ): Promise<boolean> {
    const saving = write.kind === 'save' ? write.session : null;
    const saved = await FINISH.run(
      this.redis,
      [memoKey(key, messageId), lockKey(key), this.sessions.keyOf(key)],
      [
        turn.token,
        replies === null ? '' : JSON.stringify(replies),
        this.options.memoSeconds,
        write.kind,
        saving ? saving.version : 0,
        saving ? JSON.stringify({ ...saving, version: saving.version + 1 }) : '',
        SESSION_KEY_TTL_MS,
      ],
    );
    return saved === 1;
  }
}

function memoKey(key: string, messageId: string): string {
  return `conv:replies:${key}:${messageId}`;
}

function lockKey(key: string): string {
  return `conv:lock:${key}`;
}
