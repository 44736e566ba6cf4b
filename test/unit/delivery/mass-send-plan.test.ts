import { describe, expect, it } from 'vitest';
import { defaultProgram } from '../../../src/config/default-program';
import {
  massBatchId,
  massEligibility,
  massFailureAction,
  massGroupOf,
  massReportFailedEveryone,
  massSendSettings,
  massSendWaitUntil,
  massSourceOf,
  nextBatchSize,
  sourceOfGroup,
} from '../../../src/delivery/mass-send-plan';

const at = (local: string) => new Date(`${local}+08:00`);

describe('mass-send plan', () => {
  it.each([
    ['campaign:c1:m1', 'm1', 'campaign', 'campaign:c1'],
    ['campaign-test:c1:m1:2', 'm1', 'campaign', 'campaign-test:c1'],
    ['care:win_back:m1:2026-09-02', 'm1', 'win_back', 'care:win_back'],
    ['odd-key', 'm1', 'promo', 'promo'],
  ])('the source of %s is its key up to the member', (key, member, kind, source) => {
    expect(massSourceOf(key, member, kind)).toBe(source);
  });

  it('groups by source and exact text, and reads the source back', () => {
    const a = massGroupOf('campaign:c1', '双十一到店享三倍积分');
    expect(a).toMatch(/^campaign:c1\|[0-9a-f]{16}$/);
    expect(massGroupOf('campaign:c1', '双十一到店享三倍积分')).toBe(a);
    expect(massGroupOf('campaign:c1', '双十一到店享三倍积分！')).not.toBe(a);
    expect(massGroupOf('campaign:c2', '双十一到店享三倍积分')).not.toBe(a);
    expect(sourceOfGroup(a)).toBe('campaign:c1');
  });

  it.each([
    // waiting, limit → next batch size: never more than the limit, never a call left with one.
    [0, 10_000, 0],
    [1, 10_000, 0],
    [2, 10_000, 2],
    [9_999, 10_000, 9_999],
    [10_000, 10_000, 10_000],
    [10_001, 10_000, 5_001],
    [20_001, 10_000, 6_667],
    [5, 4, 3],
    [9, 4, 3],
    [8, 4, 4],
    [3, 3, 3],
    [4, 3, 2],
    [3, 2, 3],
    [50_000, 99_999, 10_000],
  ])('%i waiting with a limit of %i → a batch of %i', (waiting, limit, size) => {
    expect(nextBatchSize(waiting, limit)).toBe(size);
  });

  it('leaves no call with a single openid however a group is split', () => {
    for (let waiting = 2; waiting <= 60; waiting++) {
      for (const limit of [3, 4, 7]) {
        let left = waiting;
        while (left > 0) {
          const size = nextBatchSize(left, limit);
          expect(size).toBeGreaterThanOrEqual(2);
          expect(size).toBeLessThanOrEqual(limit);
          left -= size;
        }
      }
    }
  });

  it('keys a batch by its group and deliveries: the same ones give the same key, within 64 bytes', () => {
    const id = massBatchId('campaign:c1|abc', ['campaign:c1:m1', 'campaign:c1:m2']);
    expect(id).toMatch(/^mass_[0-9a-f]{40}$/);
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
    expect(massBatchId('campaign:c1|abc', ['campaign:c1:m1', 'campaign:c1:m2'])).toBe(id);
    expect(massBatchId('campaign:c1|abc', ['campaign:c1:m1', 'campaign:c1:m3'])).not.toBe(id);
    expect(massBatchId('campaign:c1|abd', ['campaign:c1:m1', 'campaign:c1:m2'])).not.toBe(id);
  });

  const member = {
    status: 'active',
    openid: 'o1',
    marketingConsent: true,
    marketingOptOut: false,
  };
  const now = at('2026-11-25T12:00:00');
  it.each([
    ['may go', member, null, null, null],
    ['left', { ...member, status: 'erased' }, null, null, 'member_gone'],
    ['gone', null, null, null, 'member_gone'],
    ['no openid', { ...member, openid: null }, null, null, 'unfollowed'],
    ['unfollowed', member, now, null, 'unfollowed'],
    ['opted out', { ...member, marketingOptOut: true }, null, null, 'opted_out'],
    ['consent withdrawn', { ...member, marketingConsent: false }, null, null, 'no_consent'],
    ['expired', member, null, now, 'expired'],
    ['not yet expired', member, null, new Date(now.getTime() + 1), null],
  ])('eligibility when assembled: %s', (_what, m, unfollowedAt, expiresAt, reason) => {
    expect(massEligibility(m, unfollowedAt, expiresAt, now)).toBe(reason);
  });

  it('waits out quiet hours (21:00–09:00 local) before a mass send', () => {
    expect(massSendWaitUntil(at('2026-11-25T12:00:00'), defaultProgram)).toBeNull();
    expect(massSendWaitUntil(at('2026-11-25T20:59:59'), defaultProgram)).toBeNull();
    expect(massSendWaitUntil(at('2026-11-25T21:00:00'), defaultProgram)).toEqual(at('2026-11-26T09:00:00'));
    expect(massSendWaitUntil(at('2026-11-26T03:00:00'), defaultProgram)).toEqual(at('2026-11-26T09:00:00'));
  });

  it.each([
    ['busy', { kind: 'transient', errcode: -1 }, 'retry'],
    ['no answer', { kind: 'transient', errcode: null }, 'retry'],
    ['daily quota', { kind: 'quota', errcode: 45009 }, 'retry'],
    ['token after its refresh', { kind: 'invalid_token', errcode: 40001 }, 'retry'],
    ['same clientmsgid too fast', { kind: 'permanent', errcode: 45066 }, 'retry'],
    ['no mass-send quota', { kind: 'quota', errcode: 45028 }, 'stop'],
    ['bad openid', { kind: 'permanent', errcode: 40003 }, 'fail'],
    ['too few openids', { kind: 'permanent', errcode: 40130 }, 'fail'],
  ])('a failed call (%s) → %s', (_what, failure, action) => {
    expect(massFailureAction(failure)).toBe(action);
  });

  it.each([
    ['send success', 100, false],
    ['sendsuccess', 0, false],
    ['send fail', 0, true],
    ['err(10001)', 0, true],
    ['err(30001)', 3, false],
  ])('MASSSENDJOBFINISH %s with %i sent fails everyone: %s', (status, sent, failed) => {
    expect(massReportFailedEveryone(status, sent)).toBe(failed);
  });

  it('takes the program’s settings over WeChat-safe defaults', () => {
    expect(massSendSettings(defaultProgram)).toEqual({ batchSize: 10_000, perMinute: 10, settleMs: 60_000 });
    const marketing = { ...defaultProgram.marketing, massSend: { batchSize: 4, settleSeconds: 0 } };
    expect(massSendSettings({ marketing })).toEqual({ batchSize: 4, perMinute: 10, settleMs: 0 });
  });
});
