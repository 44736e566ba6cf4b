import { createHash } from 'node:crypto';
import type { Program } from '../config/program-schema';
import { inQuietHours, nextLocalTime } from './policy';

/**
 * The pure decisions of the mass-send batcher (WECHAT.md §4, RULES.md §8): which waiting
 * deliveries may go in one `message/mass/send` call, how many per call, under which key, when, and
 * what WeChat's answer means. No IO, no clock.
 */

/** WeChat's bounds of one `message/mass/send` call. */
export const MASS_SEND_MIN_OPENIDS = 2;
export const MASS_SEND_MAX_OPENIDS = 10_000;
/** WeChat refuses a repeated `clientmsgid` for 24 hours; past that a repeat would be sent again. */
export const CLIENT_MSG_ID_WINDOW_MS = 24 * 3_600_000;
/**
 * An earlier call whose answer never came (a crash, a timeout) may be repeated with its
 * `clientmsgid` only while WeChat still remembers it; an hour's margin covers clocks and queues.
 */
export const UNCERTAIN_RETRY_LIMIT_MS = CLIENT_MSG_ID_WINDOW_MS - 3_600_000;
/** A lone waiting member gets a companion this long, then is skipped (`mass_too_few`). */
export const SINGLE_WAIT_MS = 24 * 3_600_000;

export interface MassSendSettings {
  /** Openids per call (WeChat: 2–10,000; 3 at least here, see `nextBatchSize`). */
  batchSize: number;
  /** Calls a minute across all processes (WeChat's mass send is heavily limited). */
  perMinute: number;
  /**
   * Quiet period before a group is taken: after a campaign's fan-out completes (its deliveries are
   * still being decided), and since a group's newest waiting delivery (the scheduled sweep).
   */
  settleMs: number;
}

/** WeChat allows 10,000 openids a call; 10 calls a minute stay far below its limits. */
export const defaultMassSendSettings: MassSendSettings = {
  batchSize: MASS_SEND_MAX_OPENIDS,
  perMinute: 10,
  settleMs: 60_000,
};

/** The program's `marketing.massSend` over the defaults. */
export function massSendSettings(program: Pick<Program, 'marketing'>): MassSendSettings {
  const configured = program.marketing.massSend;
  return {
    batchSize: configured?.batchSize ?? defaultMassSendSettings.batchSize,
    perMinute: configured?.perMinute ?? defaultMassSendSettings.perMinute,
    settleMs:
      configured?.settleSeconds === undefined
        ? defaultMassSendSettings.settleMs
        : configured.settleSeconds * 1_000,
  };
}

/**
 * Where a delivery comes from: its key up to the member (`campaign:<id>:<member>` →
 * `campaign:<id>`, `care:win_back:<member>:<date>` → `care:win_back`); every delivery of one source
 * shares the key range `<source>:`. A key without the member falls back to the kind.
 */
export function massSourceOf(key: string, memberId: string, kind: string): string {
  const at = key.indexOf(`:${memberId}`);
  return at > 0 ? key.slice(0, at) : kind;
}

/** Deliveries one call may carry together: the same source and the very same text. */
export function massGroupOf(source: string, text: string): string {
  return `${source}|${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}`;
}

export function sourceOfGroup(group: string): string {
  const at = group.lastIndexOf('|');
  return at > 0 ? group.slice(0, at) : group;
}

/** The `_id` range of a source's delivery keys (`<source>:` up to, not including, `<source>;`). */
export function sourceKeyRange(source: string): { $gte: string; $lt: string } {
  return { $gte: `${source}:`, $lt: `${source};` };
}

/**
 * How many of `waiting` deliveries the next call takes: at most `max`, split evenly so that no call
 * is left with a single openid (WeChat needs 2): 10,001 → 5,001 + 5,000. 0 when fewer than 2 wait.
 * A limit below 3 is taken as 3: with 2, an odd group would always leave one member alone.
 */
export function nextBatchSize(waiting: number, max: number): number {
  if (waiting < MASS_SEND_MIN_OPENIDS) return 0;
  const limit = Math.max(MASS_SEND_MIN_OPENIDS + 1, Math.min(max, MASS_SEND_MAX_OPENIDS));
  const calls = Math.ceil(waiting / limit);
  return Math.ceil(waiting / calls);
}

/**
 * A batch's key, from its group and the delivery keys it is assembled from: two workers that read
 * the same deliveries build the same batch (and one claims it); its `clientmsgid` is the key itself
 * (45 characters, within WeChat's 64 bytes), so every retry of the batch repeats it.
 */
export function massBatchId(group: string, deliveryKeys: readonly string[]): string {
  const hash = createHash('sha256').update(group, 'utf8');
  for (const key of deliveryKeys) hash.update(`\n${key}`, 'utf8');
  return `mass_${hash.digest('hex').slice(0, 40)}`;
}

export type MassSkipReason = 'member_gone' | 'unfollowed' | 'opted_out' | 'no_consent' | 'expired';

/**
 * Whether a waiting delivery may still go when its batch is assembled: the policy decided earlier,
 * and since then the member may have unfollowed, opted out (退订 stops marketing at once) or left,
 * or the message may have expired. null → it may go.
 */
export function massEligibility(
  member: {
    status: string;
    openid: string | null;
    marketingConsent: boolean;
    marketingOptOut: boolean;
  } | null,
  unfollowedAt: Date | null,
  expiresAt: Date | null,
  now: Date,
): MassSkipReason | null {
  if (member?.status !== 'active') return 'member_gone';
  if (!member.openid || unfollowedAt) return 'unfollowed';
  if (member.marketingOptOut) return 'opted_out';
  if (!member.marketingConsent) return 'no_consent';
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

/** Quiet hours (21:00–09:00 local) hold mass sends too: null → send now, else wait until then. */
export function massSendWaitUntil(
  now: Date,
  program: Pick<Program, 'timezone'> & { marketing: Pick<Program['marketing'], 'quietHours'> },
): Date | null {
  const { quietHours } = program.marketing;
  return inQuietHours(now, quietHours, program.timezone)
    ? nextLocalTime(now, quietHours.end, program.timezone)
    : null;
}

/**
 * What a failed call means for the batch (WECHAT.md §4): `retry` with backoff (busy, daily quota,
 * the token, a repeated clientmsgid too soon, network), `stop` (45028: no mass-send quota left —
 * the campaign stops, its members are failed with the code), or `fail` (the request is wrong).
 */
export function massFailureAction(failure: {
  kind: string;
  errcode: number | null;
}): 'retry' | 'stop' | 'fail' {
  if (failure.errcode === 45028) return 'stop';
  // 45066: the same clientmsgid retried too fast — the first call is still being taken in.
  if (failure.errcode === 45066) return 'retry';
  switch (failure.kind) {
    case 'transient':
    case 'quota':
    case 'rate_limited':
    case 'invalid_token':
      return 'retry';
    default:
      return 'fail';
  }
}

/**
 * MASSSENDJOBFINISH's `Status`: `send success` (or `sendsuccess`) delivered; `send fail`,
 * `err(<code>)` (e.g. 10001 suspected advertising) did not. A partial job reports success with an
 * ErrorCount, which cannot be told per member, so only a job that reached nobody fails its deliveries.
 */
export function massReportFailedEveryone(status: string, sentCount: number): boolean {
  return !/success/i.test(status) && sentCount === 0;
}
