import { classifyWechatError, type WechatFailure, wechatTransportFailure } from './wechat-failure';

export type WechatJsonResult =
  | { ok: true; json: Record<string, unknown>; text: string }
  | (WechatFailure & { json?: Record<string, unknown>; text?: string });

export interface PostOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
  /**
   * Keep WeChat's whole answer on an errcode failure too: some errors carry data (a repeated mass
   * send's 45065 names the msg_id of the first one).
   */
  keepErrorBody?: boolean;
}

/**
 * POSTs JSON to a WeChat API URL and classifies the answer. The URL may carry the access token,
 * so neither it nor the error objects of `fetch` (which can quote it) are ever returned or logged:
 * failures carry a short fixed description only. `text` is the raw body, for fields that must be
 * read without JSON's 2^53 rounding (e.g. a template `msgid`).
 */
export async function postWechatJson(
  url: string,
  body: unknown,
  options: PostOptions,
): Promise<WechatJsonResult> {
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const timeout = (err as Error)?.name === 'TimeoutError';
    return wechatTransportFailure(
      'transient',
      timeout ? `timeout after ${options.timeoutMs} ms` : 'network error',
    );
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return wechatTransportFailure('transient', `unreadable body (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    return wechatTransportFailure(retryable ? 'transient' : 'permanent', `HTTP ${res.status}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return wechatTransportFailure('transient', 'answer is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return wechatTransportFailure('transient', 'answer is not a JSON object');
  }
  const record = json as Record<string, unknown>;
  const errcode = record.errcode;
  if (typeof errcode === 'number' && errcode !== 0) {
    const failure = classifyWechatError(errcode, typeof record.errmsg === 'string' ? record.errmsg : '');
    return options.keepErrorBody ? { ...failure, json: record, text } : failure;
  }
  return { ok: true, json: record, text };
}
