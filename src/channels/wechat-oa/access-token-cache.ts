import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import { postWechatJson } from './post-wechat-json';
import { type WechatFailure, wechatTransportFailure } from './wechat-failure';

export type AccessTokenResult = { ok: true; token: string } | WechatFailure;

export interface AccessTokenCacheOptions {
  apiBase: string;
  credentials: { appId: string; appSecret: string };
  /** A fail-fast (`command`) connection; every process shares the token through it. */
  redis: Redis;
  logger: Logger;
  timeoutMs?: number;
  /** How long one process may hold the fetch lock (it is released as soon as the fetch ends). */
  lockMs?: number;
  /** How long a caller waits for another process's fetch before giving up (transient failure). */
  waitMs?: number;
  pollMs?: number;
  fetch?: typeof fetch;
}

const tokenAnswer = z.object({
  access_token: z.string().min(1).max(2048),
  expires_in: z.number().int().positive(),
});

// Deletes the key only while it still holds the value this caller saw (or locked with).
const DELETE_IF_EQUAL = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * The official account's access token, shared by every process through Redis (中控, WECHAT.md §4):
 * `POST /cgi-bin/stable_token`, which returns the same token while it is valid, so processes do
 * not invalidate each other. One process fetches under a `SET NX PX` lock while the others wait
 * for the cached value; the cached copy expires at 80 % of `expires_in` (and at least 5 minutes
 * early), so it is refreshed before WeChat stops accepting it. The token and the secret never
 * appear in a log line or a returned error.
 */
export class AccessTokenCache {
  private readonly key: string;
  private readonly lockKey: string;
  private readonly inflight = new Map<string, Promise<AccessTokenResult>>();

  constructor(private readonly options: AccessTokenCacheOptions) {
    this.key = `wechat:access-token:${options.credentials.appId}`;
    this.lockKey = `wechat:access-token:lock:${options.credentials.appId}`;
  }

  /** The current token: cached, or fetched once for all processes. */
  get(): Promise<AccessTokenResult> {
    return this.singleFlight('');
  }

  /**
   * After WeChat rejected `stale` (40001/40014/42001): drop it from the cache (only if nobody has
   * replaced it yet) and obtain another one. If `stable_token` hands back the very same token,
   * ask once with `force_refresh` (limited by WeChat to 20 a day, 30 s apart).
   */
  async refresh(stale: string): Promise<AccessTokenResult> {
    // If Redis is unreachable, obtain() below reports it as a transient failure.
    await this.options.redis.eval(DELETE_IF_EQUAL, 1, this.key, stale).catch(() => undefined);
    return this.singleFlight(stale);
  }

  /** Callers in this process share one attempt; across processes the Redis lock decides. */
  private singleFlight(stale: string): Promise<AccessTokenResult> {
    const running = this.inflight.get(stale);
    if (running) return running;
    const attempt = this.obtain(stale).finally(() => this.inflight.delete(stale));
    this.inflight.set(stale, attempt);
    return attempt;
  }

  private async obtain(stale: string): Promise<AccessTokenResult> {
    const { redis, lockMs = 10_000, waitMs = 10_000, pollMs = 25 } = this.options;
    const deadline = Date.now() + waitMs;
    try {
      for (;;) {
        const cached = await redis.get(this.key);
        if (cached && cached !== stale) return { ok: true, token: cached };
        const lockId = randomUUID();
        if ((await redis.set(this.lockKey, lockId, 'PX', lockMs, 'NX')) === 'OK') {
          try {
            return await this.fetchAndStore(stale);
          } finally {
            await redis.eval(DELETE_IF_EQUAL, 1, this.lockKey, lockId).catch(() => undefined);
          }
        }
        if (Date.now() >= deadline) {
          return wechatTransportFailure(
            'transient',
            'timed out waiting for another process to fetch the token',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs + Math.floor(Math.random() * pollMs)));
      }
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'wechat access token cache unavailable');
      return wechatTransportFailure('transient', 'token cache unavailable');
    }
  }

  private async fetchAndStore(stale: string): Promise<AccessTokenResult> {
    // Another process may have stored a fresh token between our read and our lock.
    const cached = await this.options.redis.get(this.key);
    if (cached && cached !== stale) return { ok: true, token: cached };
    let fetched = await this.fetchToken(false);
    if (fetched.ok && stale !== '' && fetched.token === stale) fetched = await this.fetchToken(true);
    if (!fetched.ok) return fetched;
    await this.options.redis.set(this.key, fetched.token, 'EX', cacheSeconds(fetched.expiresIn));
    return { ok: true, token: fetched.token };
  }

  private async fetchToken(
    forceRefresh: boolean,
  ): Promise<{ ok: true; token: string; expiresIn: number } | WechatFailure> {
    const { apiBase, credentials, logger, timeoutMs = 5_000 } = this.options;
    const answer = await postWechatJson(
      `${apiBase}/cgi-bin/stable_token`,
      {
        grant_type: 'client_credential',
        appid: credentials.appId,
        secret: credentials.appSecret,
        force_refresh: forceRefresh,
      },
      { timeoutMs, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) },
    );
    if (!answer.ok) {
      logger.error(
        { kind: answer.kind, errcode: answer.errcode, errmsg: answer.errmsg },
        'wechat token fetch failed',
      );
      return answer;
    }
    const parsed = tokenAnswer.safeParse(answer.json);
    if (!parsed.success) return wechatTransportFailure('transient', 'token answer without access_token');
    logger.info({ expiresIn: parsed.data.expires_in, forceRefresh }, 'wechat access token fetched');
    return { ok: true, token: parsed.data.access_token, expiresIn: parsed.data.expires_in };
  }
}

/** Refresh at 80 % of the lifetime and at least 5 minutes before WeChat's expiry (never below 1 s). */
export function cacheSeconds(expiresIn: number): number {
  return Math.max(1, Math.min(Math.floor(expiresIn * 0.8), expiresIn - 300));
}
