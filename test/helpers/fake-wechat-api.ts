import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A WeChat API on a loopback port for tests, enforcing the rules of WECHAT.md §4–5 that our client
 * relies on, and recording every call:
 * - `POST /cgi-bin/stable_token`: appid/secret checked (40013/40125); the same token while it is
 *   valid, a new one once it expired; `force_refresh` issues a new one and revokes the old one
 *   (at most once per 30 s: 45011);
 * - every other call needs a valid `access_token` (41001 missing, 40001 unknown or revoked, 42001
 *   expired);
 * - `message/custom/send`: the user must follow (43004); a message opens a 48 h window of 5 sends,
 *   a follow/scan/menu click a 1 min window of 3 (45015 outside any window, 45047 once used up);
 *   text ≤ 2048 bytes (45002), one news article (45008);
 * - `message/template/send`: known template (40037), follower (43004), repeats of the same
 *   `client_msg_id` for an openid within 10 min answered with the first msgid and not sent again;
 * - `qrcode/create`: `QR_STR_SCENE` with `scene_str` of 1–64 characters and `expire_seconds`
 *   ≤ 2,592,000 (40097 otherwise), 60 s when omitted;
 * - `message/mass/send`: text to 2–10,000 openids (40130 otherwise), `clientmsgid` ≤ 64 bytes
 *   (45067); a `clientmsgid` seen within 24 h is refused with 45065 and the first send's msg_id,
 *   and nothing is sent again. Accepted sends are recorded in `massSends`.
 * Time is the real clock plus `advance(ms)`.
 */
export interface FakeCall {
  path: string;
  token: string | null;
  body: Record<string, unknown>;
  /** The errcode the fake answered (0 = success). */
  errcode: number;
}

/** A mass send the fake accepted (each one "reached" its openids once). */
export interface FakeMassSend {
  clientmsgid: string;
  touser: string[];
  text: string;
  msgId: string;
  msgDataId: string;
}

interface Token {
  expiresAt: number;
  revoked: boolean;
}

interface Window {
  at: number;
  used: number;
}

export interface FakeWechatApi {
  url: string;
  appId: string;
  appSecret: string;
  calls: FakeCall[];
  callsTo(path: string): FakeCall[];
  /** Accepted mass sends, in order (repeats refused with 45065 are not here). */
  massSends: FakeMassSend[];
  /** How many accepted mass sends reached this openid. */
  massReceived(openid: string): number;
  /** Tokens live this long (seconds) from the next issue on. */
  setTokenLifetime(seconds: number): void;
  /** Moves the fake's clock forward. */
  advance(ms: number): void;
  /** WeChat invalidates every issued token (e.g. a secret reset); stable_token then issues a new one. */
  revokeTokens(): void;
  follow(openid: string): void;
  unfollow(openid: string): void;
  /** The user sent a message (opens the 48 h / 5 window). */
  userMessaged(openid: string): void;
  /** The user followed, scanned or clicked (opens the 1 min / 3 window). */
  userEvent(openid: string): void;
  addTemplate(id: string): void;
  /** The next `times` calls to `path` answer this errcode (after the token check). */
  failNext(path: string, errcode: number, times?: number): void;
  /** The next call to `path` answers only after `ms`. */
  delayNext(path: string, ms: number): void;
  close(): Promise<void>;
}

const TWO_DAYS = 48 * 3600 * 1000;

export async function startFakeWechatApi(
  appId = 'wx0123456789abcdef',
  appSecret = 'fake-app-secret-0123456789',
): Promise<FakeWechatApi> {
  let offset = 0;
  const now = () => Date.now() + offset;
  let lifetime = 7200;
  const tokens = new Map<string, Token>();
  let current: string | null = null;
  let lastForce = -Infinity;
  const followers = new Set<string>();
  const messageWindows = new Map<string, Window>();
  const eventWindows = new Map<string, Window>();
  const templates = new Set<string>();
  const templateSends = new Map<string, { msgid: string; at: number }>();
  const massSends: FakeMassSend[] = [];
  const massByClientId = new Map<string, { send: FakeMassSend; at: number }>();
  let nextMsgId = 9007199254740993n;
  const failures = new Map<string, { errcode: number; times: number }>();
  const delays = new Map<string, number>();
  const calls: FakeCall[] = [];

  const issue = () => {
    const token = `TOKEN_${randomBytes(24).toString('base64url')}`;
    tokens.set(token, { expiresAt: now() + lifetime * 1000, revoked: false });
    current = token;
    return token;
  };
  const valid = (token: string | null | undefined) => {
    const t = token ? tokens.get(token) : undefined;
    return !!t && !t.revoked && t.expiresAt > now();
  };

  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(async (req, _res, next) => {
    const delay = delays.get(req.path);
    if (delay) {
      delays.delete(req.path);
      await new Promise((r) => setTimeout(r, delay));
    }
    next();
  });

  app.post('/cgi-bin/stable_token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answer = (errcode: number, extra: Record<string, unknown> = {}) => {
      calls.push({ path: req.path, token: null, body: { ...body, secret: '<redacted>' }, errcode });
      res.json(errcode ? { errcode, errmsg: `fake error ${errcode}` } : extra);
    };
    if (body.grant_type !== 'client_credential') return answer(40002);
    if (body.appid !== appId) return answer(40013);
    if (body.secret !== appSecret) return answer(40125);
    let token = current;
    if (body.force_refresh === true) {
      if (now() - lastForce < 30_000) return answer(45011);
      lastForce = now();
      if (current) tokens.get(current)!.revoked = true;
      token = issue();
    } else if (!valid(token)) {
      token = issue();
    }
    const remaining = Math.max(1, Math.floor((tokens.get(token!)!.expiresAt - now()) / 1000));
    answer(0, { access_token: token, expires_in: remaining });
  });

  app.post(/^\/cgi-bin\/.*/, (req, res) => {
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : null;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answer = (errcode: number, extra: Record<string, unknown> = {}, raw?: string) => {
      calls.push({ path: req.path, token, body, errcode });
      if (raw) res.type('application/json').send(raw);
      else
        res.json(
          errcode ? { errcode, errmsg: `fake error ${errcode}` } : { errcode: 0, errmsg: 'ok', ...extra },
        );
    };
    if (!token) return answer(41001);
    const known = tokens.get(token);
    if (!known || known.revoked) return answer(40001);
    if (known.expiresAt <= now()) return answer(42001);
    const failure = failures.get(req.path);
    if (failure) {
      if (--failure.times === 0) failures.delete(req.path);
      return answer(failure.errcode);
    }
    switch (req.path) {
      case '/cgi-bin/message/custom/send':
        return answer(customSend(body));
      case '/cgi-bin/message/template/send': {
        const touser = String(body.touser ?? '');
        if (!templates.has(String(body.template_id))) return answer(40037);
        if (!followers.has(touser)) return answer(43004);
        const dedup = `${touser}:${String(body.client_msg_id ?? randomBytes(8).toString('hex'))}`;
        const earlier = templateSends.get(dedup);
        const msgid = earlier && now() - earlier.at < 600_000 ? earlier.msgid : String(nextMsgId++);
        if (!earlier) templateSends.set(dedup, { msgid, at: now() });
        // Written by hand: a msgid above 2^53 must reach the client as WeChat writes it (a number).
        return answer(0, {}, `{"errcode":0,"errmsg":"ok","msgid":${msgid}}`);
      }
      case '/cgi-bin/message/mass/send': {
        const touser = body.touser;
        if (!Array.isArray(touser) || touser.length < 2 || touser.length > 10_000) return answer(40130);
        if (touser.some((openid) => typeof openid !== 'string' || openid === '')) return answer(40003);
        const content = (body.text as { content?: unknown } | undefined)?.content;
        if (body.msgtype !== 'text' || typeof content !== 'string' || content === '') return answer(44003);
        const clientmsgid = String(body.clientmsgid ?? randomBytes(8).toString('hex'));
        if (Buffer.byteLength(clientmsgid, 'utf8') > 64) return answer(45067);
        const earlier = massByClientId.get(clientmsgid);
        if (earlier && now() - earlier.at < 86_400_000) {
          return answer(
            45065,
            {},
            `{"errcode":45065,"errmsg":"clientmsgid exist","msg_id":${earlier.send.msgId}}`,
          );
        }
        const send = {
          clientmsgid,
          touser: touser as string[],
          text: content,
          msgId: String(nextMsgId++),
          msgDataId: String(nextMsgId++),
        };
        massSends.push(send);
        massByClientId.set(clientmsgid, { send, at: now() });
        // Written by hand, like WeChat's: ids are numbers that may exceed 2^53.
        return answer(
          0,
          {},
          `{"errcode":0,"errmsg":"send job submission success","msg_id":${send.msgId},"msg_data_id":${send.msgDataId}}`,
        );
      }
      case '/cgi-bin/qrcode/create': {
        const scene = (body.action_info as { scene?: { scene_str?: unknown } } | undefined)?.scene?.scene_str;
        const expire = body.expire_seconds === undefined ? 60 : body.expire_seconds;
        if (body.action_name !== 'QR_STR_SCENE') return answer(40097);
        if (typeof scene !== 'string' || scene.length < 1 || scene.length > 64) return answer(40097);
        if (typeof expire !== 'number' || !Number.isInteger(expire) || expire < 1 || expire > 2_592_000) {
          return answer(40097);
        }
        // Real tickets are base64 with `+`, `/` and `=`.
        const ticket = `gQH4+7/${randomBytes(18).toString('base64')}==`;
        return answer(0, {
          ticket,
          expire_seconds: expire,
          url: `http://weixin.qq.com/q/${randomBytes(8).toString('hex')}`,
        });
      }
      default:
        return answer(48001);
    }
  });

  function customSend(body: Record<string, unknown>): number {
    const touser = String(body.touser ?? '');
    if (!followers.has(touser)) return 43004;
    if (body.msgtype === 'text') {
      const content = (body.text as { content?: unknown } | undefined)?.content;
      if (typeof content !== 'string' || content === '') return 44003;
      if (Buffer.byteLength(content, 'utf8') > 2048) return 45002;
    } else if (body.msgtype === 'news') {
      const articles = (body.news as { articles?: unknown[] } | undefined)?.articles;
      if (!Array.isArray(articles) || articles.length !== 1) return 45008;
    } else if (body.msgtype === 'image') {
      if (typeof (body.image as { media_id?: unknown } | undefined)?.media_id !== 'string') return 40007;
    } else {
      return 40008;
    }
    const open = [
      { window: messageWindows.get(touser), span: TWO_DAYS, allowance: 5 },
      { window: eventWindows.get(touser), span: 60_000, allowance: 3 },
    ].filter((w) => w.window && now() - w.window.at < w.span);
    if (open.length === 0) return 45015;
    const usable = open.find((w) => w.window!.used < w.allowance);
    if (!usable) return 45047;
    usable.window!.used++;
    return 0;
  }

  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    appId,
    appSecret,
    calls,
    callsTo: (path) => calls.filter((c) => c.path === path),
    massSends,
    massReceived: (openid) => massSends.filter((send) => send.touser.includes(openid)).length,
    setTokenLifetime(seconds) {
      lifetime = seconds;
    },
    advance(ms) {
      offset += ms;
    },
    revokeTokens() {
      for (const token of tokens.values()) token.revoked = true;
      current = null;
    },
    follow: (openid) => void followers.add(openid),
    unfollow: (openid) => void followers.delete(openid),
    userMessaged(openid) {
      followers.add(openid);
      messageWindows.set(openid, { at: now(), used: 0 });
    },
    userEvent(openid) {
      followers.add(openid);
      eventWindows.set(openid, { at: now(), used: 0 });
    },
    addTemplate: (id) => void templates.add(id),
    failNext(path, errcode, times = 1) {
      failures.set(path, { errcode, times });
    },
    delayNext(path, ms) {
      delays.set(path, ms);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
