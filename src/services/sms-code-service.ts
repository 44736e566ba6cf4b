import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { formatIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import type { ServiceContext } from './service-context';
import type { SmsSender } from './sms/sms-sender';

export type SendCodeOutcome =
  | { ok: true }
  | { ok: false; reason: 'too_soon'; waitSeconds: number }
  | { ok: false; reason: 'daily_limit' | 'unavailable' };

export type VerifyCodeOutcome =
  | { ok: true }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'expired' | 'too_many' };

const codeKey = (mobile: string) => `sms:code:${mobile}`;
const dailyKey = (mobile: string, day: string) => `sms:daily:${mobile}:${day}`;
const verifiedKey = (mobile: string, userId: string) => `sms:verified:${mobile}:${userId}`;
/** How long a verified mobile stays usable for the sign-up that verified it. */
const VERIFIED_TTL_SECONDS = 30 * 60;

/**
 * Sign-up SMS codes (RULES.md §5, numbers from the program's `signup.sms`): codes of `codeLength`
 * digits valid `ttlSeconds`, `maxAttempts` wrong tries end a code, `resendSeconds` between sends,
 * `maxPerNumberPerDay` codes a number a local day. Only a hash of the code is stored; every guess
 * takes an attempt atomically (`HINCRBY` before comparing), so parallel guessing gains nothing.
 * A successful check marks the mobile verified for that chat user only, so no one can sign up
 * (or re-link) with someone else's number without its code.
 */
export class SmsCodeService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly redis: Redis,
    private readonly sender: SmsSender | null,
  ) {}

  async send(mobile: string): Promise<SendCodeOutcome> {
    if (!this.sender) return { ok: false, reason: 'unavailable' };
    const rules = this.ctx.program.current().signup.sms;
    const now = this.ctx.clock().getTime();
    const sentAt = Number(await this.redis.hget(codeKey(mobile), 'sentAt'));
    if (sentAt && now - sentAt < rules.resendSeconds * 1000) {
      return {
        ok: false,
        reason: 'too_soon',
        waitSeconds: Math.ceil((sentAt + rules.resendSeconds * 1000 - now) / 1000),
      };
    }
    const day = formatIsoDate(localDateOf(new Date(now), this.ctx.program.current().timezone));
    const daily = dailyKey(mobile, day);
    const count = await this.redis.incr(daily);
    await this.redis.expire(daily, 2 * 86_400);
    if (count > rules.maxPerNumberPerDay) return { ok: false, reason: 'daily_limit' };

    const code = String(randomInt(10 ** rules.codeLength)).padStart(rules.codeLength, '0');
    await this.redis
      .multi()
      .del(codeKey(mobile))
      .hset(codeKey(mobile), {
        hash: hashCode(mobile, code),
        sentAt: String(now),
        expiresAt: String(now + rules.ttlSeconds * 1000),
        attempts: '0',
      })
      // Kept past its validity (checked against the clock) so 60 s resend spacing still applies.
      .expire(codeKey(mobile), rules.ttlSeconds + rules.resendSeconds)
      .exec();
    try {
      await this.sender.sendCode(mobile, code, Math.ceil(rules.ttlSeconds / 60));
    } catch (err) {
      this.ctx.logger.warn({ err, mobile }, 'sending the SMS code failed');
      await this.redis.del(codeKey(mobile));
      return { ok: false, reason: 'unavailable' };
    }
    return { ok: true };
  }

  async verify(mobile: string, code: string, userId: string): Promise<VerifyCodeOutcome> {
    const rules = this.ctx.program.current().signup.sms;
    const key = codeKey(mobile);
    const stored = await this.redis.hgetall(key);
    if (!stored.hash || Number(stored.expiresAt) <= this.ctx.clock().getTime()) {
      return { ok: false, reason: 'expired' };
    }
    const attempts = await this.redis.hincrby(key, 'attempts', 1);
    if (attempts > rules.maxAttempts) {
      await this.redis.hdel(key, 'hash', 'expiresAt');
      return { ok: false, reason: 'too_many' };
    }
    const given = Buffer.from(hashCode(mobile, code));
    if (!timingSafeEqual(given, Buffer.from(stored.hash))) {
      if (attempts >= rules.maxAttempts) {
        await this.redis.hdel(key, 'hash', 'expiresAt');
        return { ok: false, reason: 'too_many' };
      }
      return { ok: false, reason: 'wrong', attemptsLeft: rules.maxAttempts - attempts };
    }
    // One use only; the send time stays for the resend spacing.
    await this.redis.hdel(key, 'hash', 'expiresAt');
    await this.redis.set(verifiedKey(mobile, userId), '1', 'EX', VERIFIED_TTL_SECONDS);
    return { ok: true };
  }

  /** Whether this chat user verified this mobile in the last 30 minutes. */
  async isVerified(mobile: string, userId: string): Promise<boolean> {
    return (await this.redis.exists(verifiedKey(mobile, userId))) === 1;
  }

  /** Used up by a sign-up (or re-link): the next one needs a new code. */
  async forgetVerified(mobile: string, userId: string): Promise<void> {
    await this.redis.del(verifiedKey(mobile, userId));
  }
}

function hashCode(mobile: string, code: string): string {
  return createHash('sha256').update(`${mobile}:${code}`).digest('hex');
}
