import type { Redis } from 'ioredis';
import { z } from 'zod';
import { type Clock, systemClock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { AccessTokenCache } from './access-token-cache';
import { postWechatJson, type WechatJsonResult } from './post-wechat-json';
import { showQrCodeUrl } from './show-qrcode-url';
import { splitText } from './split-text';
import { type WechatFailure, wechatTransportFailure } from './wechat-failure';

/** WeChat's limits we rely on; WeChat changes them, so they are options, not constants in code. */
export interface OaApiLimits {
  /** Bytes of UTF-8 per customer-service text message. */
  textMaxBytes: number;
  /** Text messages one `sendText` may use (each one counts against the CS window allowance). */
  textMaxParts: number;
  /** Lifetime of referral QR codes: WeChat's maximum for temporary codes, 30 days. */
  referralQrSeconds: number;
}

export const defaultOaApiLimits: OaApiLimits = {
  textMaxBytes: 2048,
  textMaxParts: 2,
  referralQrSeconds: 2_592_000,
};

export interface OaApiOptions {
  /** `config.wechat.apiBase`, without a trailing slash. */
  apiBase: string;
  /** `config.wechat.credentials`. */
  credentials: { appId: string; appSecret: string };
  /** A fail-fast (`command`) connection: the shared token and the QR ticket cache. */
  redis: Redis;
  logger: Logger;
  clock?: Clock;
  timeoutMs?: number;
  limits?: Partial<OaApiLimits>;
  fetch?: typeof fetch;
}

export type SendResult = { ok: true } | WechatFailure;
export type SendTextResult =
  | { ok: true; parts: number; truncated: boolean }
  | (WechatFailure & { sentParts: number });
export type TemplateResult = { ok: true; msgId: string } | WechatFailure;
export type QrCodeResult =
  | { ok: true; ticket: string; url: string; imageUrl: string; expiresAt: string; cached: boolean }
  | WechatFailure;

export interface NewsArticle {
  title: string;
  description?: string;
  url: string;
  picUrl?: string;
}

export interface TemplateMessage {
  openid: string;
  templateId: string;
  /** Field name → value (WeChat no longer displays `first`/`remark` or colours). */
  data: Record<string, string>;
  url?: string;
  miniprogram?: { appid: string; pagepath?: string };
  /** Our delivery id: WeChat drops a repeat for the same openid within about 10 minutes. */
  clientMsgId: string;
}

export interface MassSendMessage {
  /** 2 to 10,000 openids. */
  openids: readonly string[];
  /** The same text for everyone (no personal placeholders). */
  text: string;
  /** Derived from our batch's key, at most 64 bytes. */
  clientMsgId: string;
}

export type MassSendResult =
  | { ok: true; msgId: string; msgDataId: string | null; duplicate: boolean }
  | WechatFailure;

const qrAnswer = z.object({
  ticket: z.string().min(1),
  url: z.string(),
  expire_seconds: z.number().int().optional(),
});
const cachedQr = z.object({ ticket: z.string(), url: z.string(), expiresAt: z.string() });

/**
 * The official account's outbound API under `WECHAT_API_BASE`: customer-service messages,
 * template messages and parametric QR codes. Every call takes the shared access token; when
 * WeChat calls it invalid (40001/40014/42001) the token is refreshed once and the call retried
 * once. Failures come back as classified values (`WechatFailure`), never as exceptions.
 */
export class OaApi {
  readonly tokens: AccessTokenCache;
  private readonly limits: OaApiLimits;
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(private readonly options: OaApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.tokens = new AccessTokenCache({
      apiBase: options.apiBase,
      credentials: options.credentials,
      redis: options.redis,
      logger: options.logger,
      timeoutMs: this.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.limits = { ...defaultOaApiLimits, ...options.limits };
    this.clock = options.clock ?? systemClock;
  }

  /**
   * A customer-service text, split into at most `textMaxParts` messages of `textMaxBytes`.
   * On a failure, `sentParts` says how many parts the member already received.
   */
  async sendText(openid: string, text: string): Promise<SendTextResult> {
    const { parts, truncated } = splitText(text, this.limits.textMaxBytes, this.limits.textMaxParts);
    if (truncated)
      this.options.logger.warn({ parts: parts.length }, 'wechat text reply cut to the part limit');
    for (const [index, content] of parts.entries()) {
      const result = await this.call('/cgi-bin/message/custom/send', {
        touser: openid,
        msgtype: 'text',
        text: { content },
      });
      if (!result.ok) return { ...result, sentParts: index };
    }
    return { ok: true, parts: parts.length, truncated };
  }

  /** A customer-service image; `mediaId` from the media upload API. */
  async sendImage(openid: string, mediaId: string): Promise<SendResult> {
    return done(
      await this.call('/cgi-bin/message/custom/send', {
        touser: openid,
        msgtype: 'image',
        image: { media_id: mediaId },
      }),
    );
  }

  /** A customer-service link card (WeChat allows one article per message). */
  async sendNews(openid: string, article: NewsArticle): Promise<SendResult> {
    const item = {
      title: article.title,
      description: article.description ?? '',
      url: article.url,
      ...(article.picUrl ? { picurl: article.picUrl } : {}),
    };
    return done(
      await this.call('/cgi-bin/message/custom/send', {
        touser: openid,
        msgtype: 'news',
        news: { articles: [item] },
      }),
    );
  }

  /** A template message; `msgId` (kept as a string: it may exceed 2^53) matches TEMPLATESENDJOBFINISH. */
  async sendTemplate(message: TemplateMessage): Promise<TemplateResult> {
    const result = await this.call('/cgi-bin/message/template/send', {
      touser: message.openid,
      template_id: message.templateId,
      ...(message.url ? { url: message.url } : {}),
      ...(message.miniprogram ? { miniprogram: message.miniprogram } : {}),
      client_msg_id: message.clientMsgId,
      data: Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value }])),
    });
    if (!result.ok) return result;
    const msgId = /"msgid"\s*:\s*"?(\d+)/.exec(result.text)?.[1];
    if (!msgId) return wechatTransportFailure('transient', 'template answer without msgid');
    return { ok: true, msgId };
  }

  /**
   * A mass send (群发) of one text to 2–10,000 openids (`message/mass/send`): the only legal route
   * for marketing to members outside the 48-hour window (WECHAT.md §4). `clientMsgId` (≤ 64 bytes)
   * makes WeChat refuse a repeat within 24 hours with 45065 and the first send's msg_id, which is
   * reported here as that send (`duplicate: true`), so a retry after a lost answer sends nothing
   * twice. Ids are kept as strings (they may exceed 2^53). Other failures are classified values;
   * 45028 (no mass-send quota left) stays `quota`, and the caller decides to stop.
   */
  async massSendText(message: MassSendMessage): Promise<MassSendResult> {
    const { openids, text, clientMsgId } = message;
    if (openids.length < 2 || openids.length > 10_000) {
      return wechatTransportFailure('permanent', 'a mass send needs 2 to 10000 openids');
    }
    if (Buffer.byteLength(clientMsgId, 'utf8') > 64) {
      return wechatTransportFailure('permanent', 'clientmsgid must be at most 64 bytes');
    }
    const result = await this.call(
      '/cgi-bin/message/mass/send',
      {
        touser: openids,
        msgtype: 'text',
        text: { content: text },
        clientmsgid: clientMsgId,
        send_ignore_reprint: 0,
      },
      true,
    );
    if (!result.ok && result.errcode !== MASS_SEND_REPEATED) {
      return { ok: false, kind: result.kind, errcode: result.errcode, errmsg: result.errmsg };
    }
    const answer = result.text ?? '';
    const msgId = rawId(answer, 'msg_id');
    if (!msgId) return wechatTransportFailure('transient', 'mass send answer without msg_id');
    return { ok: true, msgId, msgDataId: rawId(answer, 'msg_data_id'), duplicate: !result.ok };
  }

  /** The member's referral QR code: scene `ref_<code>`, valid 30 days, ticket cached until near expiry. */
  referralQrCode(referralCode: string): Promise<QrCodeResult> {
    return this.temporaryQrCode(`ref_${referralCode}`, this.limits.referralQrSeconds);
  }

  /**
   * A temporary `QR_STR_SCENE` code. `expire_seconds` is always sent (WeChat's default is 60 s);
   * the ticket is cached in Redis until a day (or half the lifetime) before it expires, so one
   * code is shared by every request for the same scene.
   */
  async temporaryQrCode(scene: string, expireSeconds: number): Promise<QrCodeResult> {
    if (scene.length < 1 || scene.length > 64) {
      return wechatTransportFailure('permanent', 'scene_str must be 1 to 64 characters');
    }
    if (!Number.isInteger(expireSeconds) || expireSeconds < 60 || expireSeconds > 2_592_000) {
      return wechatTransportFailure('permanent', 'expire_seconds must be an integer from 60 to 2592000');
    }
    const { redis, credentials } = this.options;
    const key = `wechat:qr:${credentials.appId}:${expireSeconds}:${scene}`;
    const hit = await redis.get(key).catch(() => null);
    const cached = hit ? cachedQr.safeParse(safeJson(hit)) : null;
    if (cached?.success)
      return { ok: true, ...cached.data, imageUrl: showQrCodeUrl(cached.data.ticket), cached: true };

    const result = await this.call('/cgi-bin/qrcode/create', {
      expire_seconds: expireSeconds,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: scene } },
    });
    if (!result.ok) return result;
    const answer = qrAnswer.safeParse(result.json);
    if (!answer.success) return wechatTransportFailure('transient', 'qrcode answer without ticket');
    const lifetime = answer.data.expire_seconds ?? expireSeconds;
    const expiresAt = new Date(this.clock().getTime() + lifetime * 1000).toISOString();
    const value = { ticket: answer.data.ticket, url: answer.data.url, expiresAt };
    const keep = lifetime - Math.min(86_400, Math.floor(lifetime / 2));
    await redis.set(key, JSON.stringify(value), 'EX', Math.max(1, keep)).catch(() => undefined);
    return { ok: true, ...value, imageUrl: showQrCodeUrl(value.ticket), cached: false };
  }

  /** One API call with the shared token; one refresh and one retry when WeChat rejects the token. */
  private async call(path: string, body: unknown, keepErrorBody = false): Promise<WechatJsonResult> {
    const first = await this.tokens.get();
    if (!first.ok) return first;
    const result = await this.post(path, first.token, body, keepErrorBody);
    if (result.ok || result.kind !== 'invalid_token') return this.logged(path, result);
    this.options.logger.warn(
      { path, errcode: result.errcode },
      'wechat rejected the access token; refreshing once',
    );
    const second = await this.tokens.refresh(first.token);
    if (!second.ok) return second;
    return this.logged(path, await this.post(path, second.token, body, keepErrorBody));
  }

  private post(
    path: string,
    token: string,
    body: unknown,
    keepErrorBody: boolean,
  ): Promise<WechatJsonResult> {
    const url = `${this.options.apiBase}${path}?access_token=${encodeURIComponent(token)}`;
    return postWechatJson(url, body, {
      timeoutMs: this.timeoutMs,
      keepErrorBody,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
  }

  private logged(path: string, result: WechatJsonResult): WechatJsonResult {
    if (!result.ok) {
      const level = result.kind === 'transient' || result.kind === 'permanent' ? 'warn' : 'info';
      this.options.logger[level](
        { path, kind: result.kind, errcode: result.errcode, errmsg: result.errmsg },
        'wechat API call failed',
      );
    }
    return result;
  }
}

/** WeChat's answer to a mass send whose `clientmsgid` it has seen within 24 hours. */
const MASS_SEND_REPEATED = 45065;

/** A numeric id field read from the raw JSON (JSON.parse would round ids above 2^53). */
function rawId(text: string, field: string): string | null {
  return new RegExp(`"${field}"\\s*:\\s*"?(\\d+)`).exec(text)?.[1] ?? null;
}

function done(result: WechatJsonResult): SendResult {
  return result.ok ? { ok: true } : result;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
