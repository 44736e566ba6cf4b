import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger';
import { ConversationService } from '../../src/services/conversation-service';
import { DevSmsSender, readDevSmsCode } from '../../src/services/sms/dev-sms-sender';
import type { SmsCodeService } from '../../src/services/sms-code-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

let api: ApiHarness;
let redis: Redis;
let codes: SmsCodeService;
let mobileSeq = 0;
const nextMobile = () => `1370000${String(++mobileSeq).padStart(4, '0')}`;
const advance = (seconds: number) => api.setNow(new Date(api.now().getTime() + seconds * 1000));

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  redis = new Redis(api.runtime.redisUrl);
  const smsSender = new DevSmsSender(redis, createLogger('silent'));
  codes = new ConversationService({ services: api.runtime.services, redis, smsSender }).smsCodes;
});

afterAll(async () => {
  redis?.disconnect();
  await api?.stop();
});

/** A wrong code of the right shape. */
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

describe('sign-up SMS codes (RULES.md §5: 6 digits, 5 min, 5 tries, 60 s, 5 a day)', () => {
  it('sends a 6-digit code, keeps only its hash, and verifies it once for that chat user', async () => {
    const mobile = nextMobile();
    expect(await codes.send(mobile)).toEqual({ ok: true });
    const code = (await readDevSmsCode(redis, mobile))!;
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(await redis.hgetall(`sms:code:${mobile}`))).not.toContain(code);
    expect(await codes.verify(mobile, code, 'userA')).toEqual({ ok: true });
    expect(await codes.isVerified(mobile, 'userA')).toBe(true);
    expect(await codes.isVerified(mobile, 'userB')).toBe(false);
    expect(await codes.verify(mobile, code, 'userB')).toEqual({ ok: false, reason: 'expired' });
  });

  it('ends a code after 5 wrong tries, even when the right one comes next', async () => {
    const mobile = nextMobile();
    await codes.send(mobile);
    const code = (await readDevSmsCode(redis, mobile))!;
    for (let left = 4; left >= 1; left--) {
      expect(await codes.verify(mobile, wrongFor(code), 'u')).toEqual({
        ok: false,
        reason: 'wrong',
        attemptsLeft: left,
      });
    }
    expect(await codes.verify(mobile, wrongFor(code), 'u')).toEqual({ ok: false, reason: 'too_many' });
    expect((await codes.verify(mobile, code, 'u')).ok).toBe(false);
  });

  it('throttles parallel guessing: 20 guesses at once use the same 5 tries', async () => {
    const mobile = nextMobile();
    await codes.send(mobile);
    const code = (await readDevSmsCode(redis, mobile))!;
    const guesses = Array.from({ length: 20 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    const outcomes = await Promise.all(
      guesses.map((guess, i) => codes.verify(mobile, guess, `attacker${i}`)),
    );
    expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === 'wrong')).toHaveLength(4);
    expect(outcomes.some((outcome) => outcome.ok)).toBe(false);
    expect((await codes.verify(mobile, code, 'owner')).ok).toBe(false);
  });

  it('expires a code after 5 minutes', async () => {
    const mobile = nextMobile();
    await codes.send(mobile);
    const code = (await readDevSmsCode(redis, mobile))!;
    advance(301);
    expect(await codes.verify(mobile, code, 'u')).toEqual({ ok: false, reason: 'expired' });
  });

  it('waits 60 s between sends and allows 5 codes a number a local day', async () => {
    const mobile = nextMobile();
    expect(await codes.send(mobile)).toEqual({ ok: true });
    advance(20);
    expect(await codes.send(mobile)).toEqual({ ok: false, reason: 'too_soon', waitSeconds: 40 });
    for (let sent = 2; sent <= 5; sent++) {
      advance(61);
      expect(await codes.send(mobile)).toEqual({ ok: true });
    }
    advance(61);
    expect(await codes.send(mobile)).toEqual({ ok: false, reason: 'daily_limit' });
    api.setNow('2026-11-26T00:00:30+08:00');
    expect(await codes.send(mobile)).toEqual({ ok: true });
  });
});
