import type { DeliveryChannel, DeliveryStatus } from '../data/models/delivery-model';

/** WeChat failure kinds (see `channels/wechat-oa/wechat-failure.ts`), as delivery acts on them. */
export type SendFailureKind =
  | 'window_closed'
  | 'unfollowed'
  | 'rate_limited'
  | 'quota'
  | 'invalid_token'
  | 'permanent'
  | 'transient';

export interface SendFailure {
  ok: false;
  kind: SendFailureKind;
  errcode: number | null;
  errmsg: string;
}

/**
 * What delivery needs from the channel: the official-account client (`OaApi`) satisfies it as is;
 * tests and the simulator pass their own.
 */
export interface DeliverySender {
  /** `parts`: messages it took (a long text is split; each counts against the window's 5). */
  sendText(openid: string, text: string): Promise<{ ok: true; parts?: number } | SendFailure>;
  sendTemplate(message: {
    openid: string;
    templateId: string;
    data: Record<string, string>;
    clientMsgId: string;
  }): Promise<{ ok: true; msgId: string } | SendFailure>;
}

/** Adds the job that delivers `key` (round `round`, after `delayMs`); idempotent per key and round. */
export interface DeliveryJobs {
  add(key: string, round: number, delayMs: number): Promise<void>;
  /** The same for many keys in one round trip (a campaign page). */
  addMany(items: readonly { key: string; round: number; delayMs: number }[]): Promise<void>;
  /** Jobs waiting for a worker now (not the delayed ones): how far producers are ahead. */
  waiting(): Promise<number>;
}

/**
 * What one delivery job did. `retry` asks the queue for another attempt with backoff (WeChat busy,
 * quota, network); `failed` is final (the processor makes it an `UnrecoverableError`).
 */
export type DeliverOutcome =
  | { status: 'sent'; channel: DeliveryChannel; msgId?: string }
  | { status: 'mass_pending'; channel: 'mass_send' }
  | { status: 'skipped'; reason: string }
  | { status: 'deferred'; until: string }
  | { status: 'held'; reason: string }
  | { status: 'retry'; reason: string; errcode: number | null }
  | { status: 'failed'; errcode: number | null; errmsg: string }
  | { status: 'noop'; current: DeliveryStatus | 'missing' };

export type DeliveryListener = (event: { key: string; outcome: DeliverOutcome }) => void;
