import type { Redis } from 'ioredis';
import { type Session, sessionSchema } from './session';

/**
 * How long Redis keeps a session. The conversation times out after 10 minutes of silence
 * (`SESSION_TIMEOUT_MS`, decided in `runStep`); the key lives 20 minutes more only so a member
 * who comes back a little later is told politely that the old operation timed out, instead of
 * having their answer taken for a new question.
 */
export const SESSION_KEY_TTL_MS = 30 * 60_000;

// Compare-and-set on the `version` inside the stored JSON: saves only over the version read.
const SAVE_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = cjson.decode(current).version end
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/** Per-chat-user sessions in Redis (JSON, TTL, optimistic concurrency on `version`). */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'conv:session:',
  ) {}

  async load(key: string): Promise<Session | null> {
    return this.decode(await this.redis.get(this.keyOf(key)));
  }

  /** The Redis key of a chat user's session (`ConversationTurns` reads and writes it in scripts). */
  keyOf(key: string): string {
    return this.prefix + key;
  }

  /** A stored session; a session of an older shape is dropped: the member starts afresh. */
  decode(raw: string | null): Session | null {
    if (!raw) return null;
    const parsed = sessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /**
   * Saves `session` if the stored one is still at `session.version` (0 = none stored); the saved
   * copy carries `version + 1`. False when someone else saved in between.
   */
  async save(key: string, session: Session): Promise<boolean> {
    const next: Session = { ...session, version: session.version + 1 };
    const saved = await this.redis.eval(
      SAVE_IF_VERSION,
      1,
      this.keyOf(key),
      String(session.version),
      JSON.stringify(next),
      String(SESSION_KEY_TTL_MS),
    );
    return saved === 1;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }
}
