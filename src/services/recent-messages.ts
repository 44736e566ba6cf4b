import type { Redis } from 'ioredis';

/** How many of a member's latest messages a callback request carries. */
const KEEP = 8;
/** Kept this long after the last message: enough for "call me back", short for privacy. */
const TTL_SECONDS = 86_400;
const MAX_TEXT = 200;

/**
 * A member's last few chat messages in a short Redis list (`conv:recent:<memberId>`), so a 人工
 * callback request can show staff what the member was asking about. Not kept in the session,
 * which is dropped when a flow ends.
 */
export class RecentMessages {
  constructor(private readonly redis: Redis) {}

  async note(memberId: string, text: string, at: Date): Promise<void> {
    const trimmed = text.trim().slice(0, MAX_TEXT);
    if (!trimmed) return;
    const key = this.key(memberId);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify({ text: trimmed, at: at.toISOString() }))
      .ltrim(key, 0, KEEP - 1)
      .expire(key, TTL_SECONDS)
      .exec();
  }

  /** Oldest first. */
  async read(memberId: string): Promise<{ text: string; at: Date }[]> {
    const items = await this.redis.lrange(this.key(memberId), 0, KEEP - 1);
    return items
      .map((item) => JSON.parse(item) as { text: string; at: string })
      .map((item) => ({ text: item.text, at: new Date(item.at) }))
      .reverse();
  }

  async forget(memberId: string): Promise<void> {
    await this.redis.del(this.key(memberId));
  }

  private key(memberId: string): string {
    return `conv:recent:${memberId}`;
  }
}
