import { describe, expect, it } from 'vitest';
import { defaultProgram } from '../../../src/config/default-program';
import { currentCounts } from '../../../src/delivery/delivery-counters';
import {
  type DeliveryDecision,
  type DeliveryMessage,
  decideDelivery,
  inQuietHours,
  type MemberDeliveryState,
} from '../../../src/delivery/policy';

const tz = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);

const message = (extra: Partial<DeliveryMessage> = {}): DeliveryMessage => ({
  key: 'campaign:c1:m1',
  category: 'marketing',
  kind: 'campaign',
  memberId: 'm1',
  personalText: '张先生您好',
  genericText: '会员您好',
  hasTemplate: true,
  expiresAt: null,
  ...extra,
});

const state = (extra: Partial<MemberDeliveryState> = {}): MemberDeliveryState => ({
  followed: true,
  marketingConsent: true,
  optedOut: false,
  lastInboundAt: null,
  csSentSinceInbound: 0,
  marketingSentToday: 0,
  marketingSentThisMonth: 0,
  massSendsThisMonth: 0,
  ...extra,
});

const noon = at('2026-11-25T12:00:00');
const service = { category: 'service' as const, kind: 'birthday', key: 'care:birthday:m1:2026' };
const cs: DeliveryDecision = { action: 'send_customer_service', text: '张先生您好' };
const template: DeliveryDecision = { action: 'send_template', clientMsgId: 'care:birthday:m1:2026' };
const mass: DeliveryDecision = { action: 'mass_send', text: '会员您好', clientMsgId: 'campaign:c1:m1' };
const skip = (reason: string) => ({ action: 'skip', reason });
const defer = (local: string) => ({ action: 'defer', until: at(local) });

describe('decideDelivery', () => {
  it.each<[string, Partial<DeliveryMessage>, Partial<MemberDeliveryState>, Date, unknown]>([
    // Who may receive it.
    ['unfollowed: skipped, service too', service, { followed: false }, noon, skip('unfollowed')],
    ['marketing, opted out', {}, { optedOut: true }, noon, skip('opted_out')],
    ['marketing, no consent', {}, { marketingConsent: false }, noon, skip('no_consent')],
    [
      'opted out wins over no consent',
      {},
      { optedOut: true, marketingConsent: false },
      noon,
      skip('opted_out'),
    ],
    [
      'service ignores consent and opt-out',
      service,
      { optedOut: true, marketingConsent: false },
      noon,
      template,
    ],
    // The customer-service window: < 48 h and < 5 sends.
    ['inbound 1 h ago → CS', service, { lastInboundAt: at('2026-11-25T11:00:00') }, noon, cs],
    [
      '47:59:59.999 after inbound → CS',
      service,
      { lastInboundAt: new Date(noon.getTime() - 48 * 3_600_000 + 1) },
      noon,
      cs,
    ],
    [
      'exactly the 48th hour → closed → template',
      service,
      { lastInboundAt: at('2026-11-23T12:00:00') },
      noon,
      template,
    ],
    [
      '4 CS sent → the 5th still CS',
      service,
      { lastInboundAt: at('2026-11-25T11:00:00'), csSentSinceInbound: 4 },
      noon,
      cs,
    ],
    [
      '5 CS sent → template',
      service,
      { lastInboundAt: at('2026-11-25T11:00:00'), csSentSinceInbound: 5 },
      noon,
      template,
    ],
    [
      'service outside the window without a template',
      { ...service, hasTemplate: false },
      {},
      noon,
      skip('no_template'),
    ],
    [
      'marketing inside the window → CS, personalised',
      {},
      { lastInboundAt: at('2026-11-25T11:00:00') },
      noon,
      cs,
    ],
    ['marketing outside the window → mass send, generic', {}, {}, noon, mass],
    [
      'marketing, window used up → mass send',
      {},
      { lastInboundAt: at('2026-11-25T11:00:00'), csSentSinceInbound: 5 },
      noon,
      mass,
    ],
    [
      'marketing, 4 platform mass sends this month',
      {},
      { massSendsThisMonth: 4 },
      noon,
      skip('platform_cap'),
    ],
    [
      'marketing outside the window without generic text',
      { genericText: null },
      {},
      noon,
      skip('no_generic_text'),
    ],
    // Quiet hours 21:00–09:00 local.
    ['20:59 is not quiet', {}, {}, at('2026-11-25T20:59:59'), mass],
    [
      'exactly 21:00 → defer to 09:00 next day',
      {},
      {},
      at('2026-11-25T21:00:00'),
      defer('2026-11-26T09:00:00'),
    ],
    ['23:30 → 09:00 next day', {}, {}, at('2026-11-25T23:30:00'), defer('2026-11-26T09:00:00')],
    ['midnight → 09:00 same day', {}, {}, at('2026-11-26T00:00:00'), defer('2026-11-26T09:00:00')],
    ['08:59 → 09:00', {}, {}, at('2026-11-26T08:59:00'), defer('2026-11-26T09:00:00')],
    ['exactly 09:00 is not quiet', {}, {}, at('2026-11-26T09:00:00'), mass],
    [
      'service in quiet hours is deferred too',
      service,
      {},
      at('2026-11-25T22:00:00'),
      defer('2026-11-26T09:00:00'),
    ],
    ['quiet hours across a month end', {}, {}, at('2026-11-30T22:00:00'), defer('2026-12-01T09:00:00')],
    [
      'quiet until past expiresAt → skipped expired',
      { expiresAt: at('2026-11-25T23:59:59') },
      {},
      at('2026-11-25T21:30:00'),
      skip('expired'),
    ],
    // Marketing caps: 1 a day, 4 a calendar month.
    ['day cap reached → next day 09:00', {}, { marketingSentToday: 1 }, noon, defer('2026-11-26T09:00:00')],
    [
      'day cap, message expires today → skipped',
      { expiresAt: at('2026-11-25T23:59:59') },
      { marketingSentToday: 1 },
      noon,
      skip('cap_reached'),
    ],
    ['month cap reached → skipped', {}, { marketingSentThisMonth: 4 }, noon, skip('cap_reached')],
    ['3 this month, none today → sent', {}, { marketingSentThisMonth: 3 }, noon, mass],
    [
      'caps do not apply to service messages',
      service,
      { marketingSentToday: 9, marketingSentThisMonth: 9 },
      noon,
      template,
    ],
    [
      'day cap on the last day of a month → 09:00 on the 1st',
      {},
      { marketingSentToday: 1 },
      at('2026-11-30T12:00:00'),
      defer('2026-12-01T09:00:00'),
    ],
  ])('%s', (_name, msg, st, now, expected) => {
    expect(decideDelivery(message(msg), state(st), now, defaultProgram)).toEqual(expected);
  });

  it('uses the program caps and quiet hours', () => {
    const program = {
      timezone: tz,
      marketing: { caps: { perDay: 2, perMonth: 8 }, quietHours: { start: '22:00', end: '08:00' } },
    };
    expect(decideDelivery(message(), state({ marketingSentToday: 1 }), noon, program)).toEqual(mass);
    expect(decideDelivery(message(), state(), at('2026-11-25T21:30:00'), program)).toEqual(mass);
    expect(decideDelivery(message(), state(), at('2026-11-26T07:59:00'), program)).toEqual(
      defer('2026-11-26T08:00:00'),
    );
  });
});

describe('inQuietHours', () => {
  it.each([
    ['2026-11-25T20:59:59', false],
    ['2026-11-25T21:00:00', true],
    ['2026-11-25T23:59:59', true],
    ['2026-11-26T00:00:00', true],
    ['2026-11-26T08:59:59', true],
    ['2026-11-26T09:00:00', false],
  ])('%s → %s', (local, quiet) => {
    expect(inQuietHours(at(local), { start: '21:00', end: '09:00' }, tz)).toBe(quiet);
  });

  it('handles hours that do not wrap midnight', () => {
    const hours = { start: '12:00', end: '14:00' };
    expect(inQuietHours(at('2026-11-25T11:59:00'), hours, tz)).toBe(false);
    expect(inQuietHours(at('2026-11-25T12:00:00'), hours, tz)).toBe(true);
    expect(inQuietHours(at('2026-11-25T14:00:00'), hours, tz)).toBe(false);
  });
});

describe('currentCounts', () => {
  const stored = {
    marketingDayKey: '2026-11-30',
    marketingDay: 1,
    marketingMonthKey: '2026-11',
    marketingMonth: 3,
    massMonth: 2,
  };

  it.each([
    ['the same local day', '2026-11-30T23:59:59', { today: 1, month: 3, mass: 2 }],
    // 00:00 in Shanghai is still the 30th in UTC: the local calendar decides.
    ['local midnight starts a new day and month', '2026-12-01T00:00:00', { today: 0, month: 0, mass: 0 }],
    ['a later day of the same month', '2026-11-30T09:00:00', { today: 1, month: 3, mass: 2 }],
  ])('%s', (_name, local, expected) => {
    expect(currentCounts(stored, at(local), tz)).toEqual({
      marketingSentToday: expected.today,
      marketingSentThisMonth: expected.month,
      massSendsThisMonth: expected.mass,
    });
  });

  it('reads a count from an earlier day of the month as 0 today but keeps the month', () => {
    expect(
      currentCounts({ ...stored, marketingDayKey: '2026-11-29' }, at('2026-11-30T10:00:00'), tz),
    ).toEqual({
      marketingSentToday: 0,
      marketingSentThisMonth: 3,
      massSendsThisMonth: 2,
    });
  });

  it('has nothing for a member never sent to', () => {
    expect(currentCounts(null, noon, tz)).toEqual({
      marketingSentToday: 0,
      marketingSentThisMonth: 0,
      massSendsThisMonth: 0,
    });
  });
});

describe('decideDelivery: a campaign test send', () => {
  const test = { key: 'campaign-test:c1:m1:1', kind: 'campaign_test', test: true };
  const inWindow = { lastInboundAt: at('2026-11-25T20:00:00') };

  it('goes now in quiet hours and past the caps, inside the window', () => {
    const night = at('2026-11-25T23:30:00');
    expect(decideDelivery(message(test), state(inWindow), night, defaultProgram)).toEqual(cs);
    const capped = state({
      ...inWindow,
      marketingSentToday: 1,
      marketingSentThisMonth: 4,
      massSendsThisMonth: 4,
    });
    expect(decideDelivery(message(test), capped, night, defaultProgram)).toEqual(cs);
  });

  it('is skipped outside the window (no mass send for one person), and still needs consent', () => {
    expect(decideDelivery(message(test), state(), noon, defaultProgram)).toEqual(skip('no_service_window'));
    expect(
      decideDelivery(message(test), state({ ...inWindow, marketingConsent: false }), noon, defaultProgram),
    ).toEqual(skip('no_consent'));
    expect(
      decideDelivery(message(test), state({ ...inWindow, followed: false }), noon, defaultProgram),
    ).toEqual(skip('unfollowed'));
  });
});
