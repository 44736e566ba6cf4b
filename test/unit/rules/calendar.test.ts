import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  addLocalMonths,
  daysInMonth,
  formatIsoDate,
  parseIsoDate,
} from '../../../src/rules/local-date';
import { lotExpiresAt } from '../../../src/rules/lot-expiry';
import { anniversaryIn, membershipYearAt } from '../../../src/rules/membership-year';
import { voucherExpiresAt } from '../../../src/rules/voucher-expiry';
import { endOfLocalDay, localDateOf, localDateTimeOf, startOfLocalDay } from '../../../src/rules/zoned-time';
import { program, programWith, shanghai } from './builders';

describe('local dates', () => {
  it.each([
    [2026, 2, 28],
    [2028, 2, 29],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 4, 30],
    [2026, 12, 31],
  ])('%d-%d has %d days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-14', 36, '2029-03-14'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-12-15', 1, '2027-01-15'],
  ])('%s + %d months = %s', (from, months, to) => {
    expect(formatIsoDate(addLocalMonths(parseIsoDate(from)!, months))).toBe(to);
  });

  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-14', 30, '2026-04-13'],
  ])('%s + %d days = %s', (from, days, to) => {
    expect(formatIsoDate(addLocalDays(parseIsoDate(from)!, days))).toBe(to);
  });

  it('parses only real dates', () => {
    expect(parseIsoDate('2026-02-29')).toBeNull();
    expect(parseIsoDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseIsoDate('2026-13-01')).toBeNull();
    expect(parseIsoDate('2026-3-1')).toBeNull();
  });
});

describe('zoned time', () => {
  it('reads Shanghai wall-clock time (+08:00, no daylight saving)', () => {
    expect(localDateTimeOf(new Date('2026-03-17T16:30:00.123Z'), 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 3,
      day: 18,
      hour: 0,
      minute: 30,
      second: 0,
      millisecond: 123,
    });
  });

  it('finds local day boundaries', () => {
    expect(startOfLocalDay({ year: 2026, month: 3, day: 18 }, 'Asia/Shanghai')).toEqual(
      new Date('2026-03-17T16:00:00Z'),
    );
    expect(endOfLocalDay({ year: 2026, month: 3, day: 18 }, 'Asia/Shanghai')).toEqual(
      new Date('2026-03-18T15:59:59.999Z'),
    );
  });

  it('handles daylight saving: New York days of 23 and 25 hours', () => {
    const zone = 'America/New_York';
    const springForward = { year: 2026, month: 3, day: 8 };
    expect(startOfLocalDay(springForward, zone)).toEqual(new Date('2026-03-08T05:00:00Z'));
    expect(endOfLocalDay(springForward, zone)).toEqual(new Date('2026-03-09T03:59:59.999Z'));
    const fallBack = { year: 2026, month: 11, day: 1 };
    expect(endOfLocalDay(fallBack, zone).getTime() - startOfLocalDay(fallBack, zone).getTime()).toBe(
      25 * 3_600_000 - 1,
    );
  });

  it('reads the right offset on both sides of a transition within the same UTC day', () => {
    const zone = 'America/New_York';
    // 2026-03-08: 07:00Z is 02:00 EST → 03:00 EDT. 2026-11-01: 06:00Z is 02:00 EDT → 01:00 EST.
    expect(localDateTimeOf(new Date('2026-03-08T06:59:59Z'), zone)).toMatchObject({
      day: 8,
      hour: 1,
      minute: 59,
    });
    expect(localDateTimeOf(new Date('2026-03-08T12:00:00Z'), zone)).toMatchObject({ day: 8, hour: 8 });
    expect(localDateTimeOf(new Date('2026-11-01T05:30:00Z'), zone)).toMatchObject({
      day: 1,
      hour: 1,
      minute: 30,
    });
    expect(localDateTimeOf(new Date('2026-11-01T12:00:00Z'), zone)).toMatchObject({ day: 1, hour: 7 });
  });

  it('a day that starts in a daylight-saving gap starts at the end of the gap (São Paulo 2018)', () => {
    // On 2018-11-04 São Paulo clocks jumped from 00:00 to 01:00 (−03 → −02).
    expect(startOfLocalDay({ year: 2018, month: 11, day: 4 }, 'America/Sao_Paulo')).toEqual(
      new Date('2018-11-04T03:00:00Z'),
    );
  });

  it('agrees with Intl for any instant in several zones', () => {
    const zones = [
      'Asia/Shanghai',
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const parts = new Intl.DateTimeFormat('en-CA', {
            timeZone: zone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          }).format(new Date(ms));
          expect(formatIsoDate(localDateOf(new Date(ms), zone))).toBe(parts);
          const day = localDateOf(new Date(ms), zone);
          expect(startOfLocalDay(day, zone).getTime()).toBeLessThanOrEqual(ms);
          expect(endOfLocalDay(day, zone).getTime()).toBeGreaterThanOrEqual(ms);
        },
      ),
    );
  });
});

describe('lot expiry (RULES.md §3: end of the month, 36 months on)', () => {
  it.each([
    ['2026-03-14T10:00', '2029-03-31T23:59:59.999+08:00'],
    ['2026-03-01T00:00', '2029-03-31T23:59:59.999+08:00'],
    ['2026-03-31T23:59:59.999', '2029-03-31T23:59:59.999+08:00'],
    ['2026-11-18T10:00', '2029-11-30T23:59:59.999+08:00'],
    ['2025-02-10T10:00', '2028-02-29T23:59:59.999+08:00'],
    ['2028-02-29T10:00', '2031-02-28T23:59:59.999+08:00'],
    ['2026-12-31T23:00', '2029-12-31T23:59:59.999+08:00'],
    ['2027-01-01T00:00', '2030-01-31T23:59:59.999+08:00'],
  ])('credited %s Shanghai → %s', (local, expected) => {
    expect(lotExpiresAt(shanghai(local), program)).toEqual(new Date(expected));
  });

  it('follows the configured months', () => {
    const short = programWith({ expiry: { months: 12, endOfMonth: true } });
    expect(lotExpiresAt(shanghai('2026-03-14T10:00'), short)).toEqual(
      new Date('2027-03-31T23:59:59.999+08:00'),
    );
  });

  it('without endOfMonth: the end of the same local day, clamped to a shorter month', () => {
    const exact = programWith({ expiry: { months: 1, endOfMonth: false } });
    expect(lotExpiresAt(shanghai('2026-03-14T10:00'), exact)).toEqual(
      new Date('2026-04-14T23:59:59.999+08:00'),
    );
    expect(lotExpiresAt(shanghai('2026-01-31T10:00'), exact)).toEqual(
      new Date('2026-02-28T23:59:59.999+08:00'),
    );
  });

  it('in another zone, the end of its local month (New York, daylight time)', () => {
    const newYork = programWith({ timezone: 'America/New_York' });
    expect(lotExpiresAt(new Date('2026-03-14T15:00:00Z'), newYork)).toEqual(
      new Date('2029-03-31T23:59:59.999-04:00'),
    );
    expect(lotExpiresAt(new Date('2026-11-14T15:00:00Z'), newYork)).toEqual(
      new Date('2029-11-30T23:59:59.999-05:00'),
    );
  });
});

describe('voucher expiry: the end of the local day validityDays after issue', () => {
  it.each([
    ['2026-03-14T10:00', 30, '2026-04-13T23:59:59.999+08:00'],
    ['2026-03-14T23:59', 1, '2026-03-15T23:59:59.999+08:00'],
    ['2028-02-28T08:00', 1, '2028-02-29T23:59:59.999+08:00'],
    ['2026-12-20T08:00', 90, '2027-03-20T23:59:59.999+08:00'],
  ])('issued %s, %d days → %s', (local, days, expected) => {
    expect(voucherExpiresAt(shanghai(local), days, 'Asia/Shanghai')).toEqual(new Date(expected));
  });

  it('uses the local issue day: 2026-03-13T16:30Z is already the 14th', () => {
    expect(voucherExpiresAt(new Date('2026-03-13T16:30:00Z'), 30, 'Asia/Shanghai')).toEqual(
      new Date('2026-04-13T23:59:59.999+08:00'),
    );
  });
});

describe('membership year: sign-up date to the day before its anniversary', () => {
  it.each([
    ['2026-03-14T10:00', '2026-03-14T10:00', 0, '2026-03-14', '2027-03-13'],
    ['2026-03-14T10:00', '2027-03-13T23:59', 0, '2026-03-14', '2027-03-13'],
    ['2026-03-14T10:00', '2027-03-14T00:00', 1, '2027-03-14', '2028-03-13'],
    ['2026-03-14T10:00', '2031-01-01T00:00', 4, '2030-03-14', '2031-03-13'],
    ['2026-12-31T22:00', '2027-06-01T00:00', 0, '2026-12-31', '2027-12-30'],
    // 29 Feb sign-up: the anniversary is 28 Feb in common years.
    ['2028-02-29T10:00', '2029-02-27T12:00', 0, '2028-02-29', '2029-02-27'],
    ['2028-02-29T10:00', '2029-02-28T00:00', 1, '2029-02-28', '2030-02-27'],
    ['2028-02-29T10:00', '2032-02-28T12:00', 3, '2031-02-28', '2032-02-28'],
    ['2028-02-29T10:00', '2032-02-29T00:00', 4, '2032-02-29', '2033-02-27'],
  ])('signed up %s, at %s → year %d: %s … %s', (signedUp, at, index, start, end) => {
    const year = membershipYearAt(shanghai(signedUp), shanghai(at), 'Asia/Shanghai');
    expect(year.index).toBe(index);
    expect(formatIsoDate(year.start)).toBe(start);
    expect(formatIsoDate(year.end)).toBe(end);
    expect(year.startsAt).toEqual(shanghai(`${start}T00:00`));
    expect(year.endsAt).toEqual(new Date(endOfLocalDay(year.end, 'Asia/Shanghai').getTime() + 1));
  });

  it('reads the sign-up date locally: 2026-03-13T16:30Z signs up on the 14th', () => {
    const year = membershipYearAt(
      new Date('2026-03-13T16:30:00Z'),
      shanghai('2027-03-14T00:00'),
      'Asia/Shanghai',
    );
    expect(year.index).toBe(1);
  });

  it('anniversaries', () => {
    expect(anniversaryIn({ year: 2028, month: 2, day: 29 }, 2029)).toEqual({ year: 2029, month: 2, day: 28 });
    expect(anniversaryIn({ year: 2028, month: 2, day: 29 }, 2032)).toEqual({ year: 2032, month: 2, day: 29 });
  });

  it('refuses a date before the sign-up (a caller bug)', () => {
    expect(() =>
      membershipYearAt(shanghai('2026-03-14T10:00'), shanghai('2026-03-13T10:00'), 'Asia/Shanghai'),
    ).toThrow(RangeError);
  });
});
