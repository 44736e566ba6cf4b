/**
 * A failed WeChat API call as a value the delivery side acts on (WECHAT.md §4):
 * - `window_closed` (45015): outside the 48-hour customer-service window; never retry, fall back
 *   to a template for service messages, skip marketing;
 * - `unfollowed` (43004): the user no longer follows; mark them and stop sending;
 * - `rate_limited` (45047, 45011): the per-window CS count or a per-minute limit; hold until the
 *   member's next message (45047) or back off;
 * - `quota` (45009, 45028): a daily/monthly account quota; back off and alert;
 * - `invalid_token` (40001, 40014, 42001): what is left after one refresh and one retry;
 * - `permanent`: the request or the account is wrong (bad openid, blocked, no consent, IP not
 *   whitelisted, bad template…); retrying cannot help;
 * - `transient` (-1, timeouts, 5xx, unreadable answers): retry with backoff.
 * `errcode` is WeChat's, or null when the failure happened before WeChat answered.
 */
export type WechatFailureKind =
  | 'window_closed'
  | 'unfollowed'
  | 'rate_limited'
  | 'quota'
  | 'invalid_token'
  | 'permanent'
  | 'transient';

export interface WechatFailure {
  ok: false;
  kind: WechatFailureKind;
  errcode: number | null;
  errmsg: string;
}

const kinds: Record<number, WechatFailureKind> = {
  [-1]: 'transient',
  40001: 'invalid_token',
  40014: 'invalid_token',
  42001: 'invalid_token',
  45015: 'window_closed',
  43004: 'unfollowed',
  45047: 'rate_limited',
  45011: 'rate_limited',
  45009: 'quota',
  45028: 'quota',
};

/** WeChat's `errcode` (non-zero) → the kind of failure; codes we have no rule for are permanent. */
export function classifyWechatError(errcode: number, errmsg: string): WechatFailure {
  return { ok: false, kind: kinds[errcode] ?? 'permanent', errcode, errmsg };
}

/** A failure before or around WeChat's answer (network, timeout, HTTP status, unreadable body). */
export function wechatTransportFailure(kind: 'transient' | 'permanent', errmsg: string): WechatFailure {
  return { ok: false, kind, errcode: null, errmsg };
}
