import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisScript } from '../../infra/redis-script';
import type { InboundMessage } from '../inbound-message';

/**
 * Who answers one WeChat member action, decided in Redis so that exactly one path does, whatever
 * the number of web processes and WeChat's retries. The de-duplication marker
 * `wechat:dedup:<account>:<id>` (EX 300, WECHAT.md §3) holds the state:
 * - `p:<sinceMs>:<token>`: the request holding `token` is handling it in its own process;
 * - `q`: handed to the `wechat-inbound` queue, whose worker answers by customer-service message;
 * - `d`: answered in the HTTP response (a passive reply, or `success` with nothing to say).
 * Only the holder moves `p` on (compare-and-set on the whole value), so a passive reply and a
 * queued answer never both go out. An inline claim older than `staleMs` belongs to a process that
 * died before answering: WeChat's retry (5 s later) takes it over and the message is not lost.
 *
 * Per member, `wechat:handoff:<account>:<openid>` counts the member's actions handed to the queue
 * and not yet answered. While it is above zero, the member's next actions go to the queue as well
 * (at claim, or at the latest when about to answer), so replies reach the member in the order the
 * messages came: a passive reply must not overtake a queued one.
 */
export type ClaimOutcome =
  /** Handle it here; `holder` proves the claim when answering or handing off. */
  | { kind: 'inline'; holder: string }
  /** Claimed, but a hand-off of this member is outstanding: enqueue it (counted). */
  | { kind: 'queue' }
  /** Another request has it (a retry, or a concurrent duplicate): answer `success`, do nothing. */
  | { kind: 'duplicate' };

export type AnswerOutcome = 'answer' | 'queue' | 'lost';

export interface InboundClaimOptions {
  /** How long a marker lives; WeChat's three retries all fall within 5 minutes. */
  dedupSeconds: number;
  /** An inline claim this old is taken over by a retry (its process died). */
  staleMs: number;
  /** A hand-off count outlives a crashed worker by at most this long. */
  handoffSeconds: number;
}

// KEYS: marker, handoff. ARGV: nowMs, token, dedupSeconds, staleMs, handoffSeconds.
const CLAIM = new RedisScript(`
local v = redis.call('GET', KEYS[1])
if v then
  if string.sub(v, 1, 2) ~= 'p:' then return 0 end
  local since = tonumber(string.match(v, '^p:(%d+):'))
  if since and tonumber(ARGV[1]) - since < tonumber(ARGV[4]) then return 0 end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SET', KEYS[1], 'q', 'EX', ARGV[3])
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  return 2
end
redis.call('SET', KEYS[1], 'p:' .. ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
return 1
`);

// KEYS: marker, handoff. ARGV: holder, handoffSeconds, answer (1) or hand off (0).
const SETTLE = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], 'd', 'KEEPTTL')
  return 1
end
redis.call('SET', KEYS[1], 'q', 'KEEPTTL')
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 2
`);

// KEYS: handoff.
const FINISHED = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local left = redis.call('DECR', KEYS[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
`);

// KEYS: marker, handoff. A hand-off the queue did not take: WeChat's retry starts afresh.
const WITHDRAW = new RedisScript(`
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('DECR', KEYS[2]) <= 0 then redis.call('DEL', KEYS[2]) end
return 1
`);

export class InboundClaims {
  private readonly options: InboundClaimOptions;

  constructor(
    private readonly redis: Redis,
    options: Partial<InboundClaimOptions> = {},
  ) {
    this.options = { dedupSeconds: 300, staleMs: 3_000, handoffSeconds: 600, ...options };
  }

  /** The de-duplication marker of a member action (the same key as before passive replies). */
  static markerKey(message: Pick<InboundMessage, 'accountId' | 'id'>): string {
    return `wechat:dedup:${message.accountId}:${message.id}`;
  }

  static handoffKey(message: Pick<InboundMessage, 'accountId' | 'userId'>): string {
    return `wechat:handoff:${message.accountId}:${message.userId}`;
  }

  /** First sight of an action (or a take-over of a dead process's claim), in one round trip. */
  async claim(message: InboundMessage, nowMs = Date.now()): Promise<ClaimOutcome> {
    const token = randomBytes(9).toString('base64url');
    const { dedupSeconds, staleMs, handoffSeconds } = this.options;
    const result = await this.run(
      CLAIM,
      [InboundClaims.markerKey(message), InboundClaims.handoffKey(message)],
      [String(nowMs), token, String(dedupSeconds), String(staleMs), String(handoffSeconds)],
    );
    if (result === 1) return { kind: 'inline', holder: `p:${nowMs}:${token}` };
    return result === 2 ? { kind: 'queue' } : { kind: 'duplicate' };
  }

  /**
   * The holder is about to answer in the response (`answer`), or must hand off (`queue`: a
   * hand-off of this member is outstanding, the action is now counted as one); `lost` when the
   * claim was taken over, so someone else answers.
   */
  async settle(message: InboundMessage, holder: string, wantsToAnswer: boolean): Promise<AnswerOutcome> {
    const result = await this.run(
      SETTLE,
      [InboundClaims.markerKey(message), InboundClaims.handoffKey(message)],
      [holder, String(this.options.handoffSeconds), wantsToAnswer ? '1' : '0'],
    );
    return result === 1 ? 'answer' : result === 2 ? 'queue' : 'lost';
  }

  /** A counted hand-off was answered (or gave up for good): the member's count goes down. */
  async finished(message: Pick<InboundMessage, 'accountId' | 'userId'>): Promise<void> {
    await this.run(FINISHED, [InboundClaims.handoffKey(message)], []);
  }

  /** The queue refused a counted hand-off: forget the action so that WeChat's retry gets through. */
  async withdraw(message: InboundMessage): Promise<void> {
    await this.run(WITHDRAW, [InboundClaims.markerKey(message), InboundClaims.handoffKey(message)], []);
  }

  private async run(script: RedisScript, keys: string[], args: string[]): Promise<number> {
    return (await script.run(this.redis, keys, args)) as number;
  }
}
