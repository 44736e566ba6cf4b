import { describe, expect, it } from 'vitest';
import {
  FIRST_LUNAR_YEAR,
  holidayAround,
  holidayIn,
  holidaysNamedIn,
  LAST_LUNAR_YEAR,
  nextHoliday,
} from '../../../src/rules/chinese-holidays';
import { formatIsoDate, parseIsoDate } from '../../../src/rules/local-date';

const day = (text: string) => parseIsoDate(text)!;
const dayOf = (id: Parameters<typeof holidayIn>[0], year: number) => {
  const occurrence = holidayIn(id, year);
  return occurrence ? formatIsoDate(occurrence.day) : null;
};

/** The Chinese-calendar month and day of a Gregorian date, from ICU (Node's full-icu build). */
const chinese = new Intl.DateTimeFormat('en-US-u-ca-chinese', {
  timeZone: 'UTC',
  month: 'numeric',
  day: 'numeric',
});
function lunarMonthDay(iso: string): string {
  const parts = chinese.formatToParts(new Date(`${iso}T00:00:00Z`));
  return `${parts.find((p) => p.type === 'month')?.value}/${parts.find((p) => p.type === 'day')?.value}`;
}

describe('the Chinese holiday table', () => {
  it.each([
    ['spring-festival', 2025, '2025-01-29'],
    ['spring-festival', 2026, '2026-02-17'],
    ['spring-festival', 2027, '2027-02-06'],
    ['spring-festival', 2028, '2028-01-26'],
    ['spring-festival', 2030, '2030-02-03'],
    ['lantern', 2026, '2026-03-03'],
    ['lantern', 2027, '2027-02-20'],
    ['dragon-boat', 2025, '2025-05-31'],
    ['dragon-boat', 2026, '2026-06-19'],
    ['mid-autumn', 2025, '2025-10-06'],
    ['mid-autumn', 2026, '2026-09-25'],
    ['mid-autumn', 2027, '2027-09-15'],
    ['mid-autumn', 2028, '2028-10-03'],
    ['national-day', 2026, '2026-10-01'],
    ['double-eleven', 2041, '2041-11-11'],
  ] as const)('%s %d is %s', (id, year, expected) => {
    expect(dayOf(id, year)).toBe(expected);
  });

  it('agrees with ICU’s Chinese calendar for every tabled year, except its two near-midnight new moons', () => {
    const disagreements: string[] = [];
    for (let year = FIRST_LUNAR_YEAR; year <= LAST_LUNAR_YEAR; year++) {
      for (const [id, expected] of [
        ['spring-festival', '1/1'],
        ['lantern', '1/15'],
        ['dragon-boat', '5/5'],
        ['mid-autumn', '8/15'],
      ] as const) {
        const date = dayOf(id, year)!;
        if (lunarMonthDay(date) !== expected) disagreements.push(`${id} ${date}`);
      }
    }
    // 紫金山天文台 (and 香港天文台): 春节 2027-02-06 and 2030-02-03; ICU says 02-07 and 02-02.
    expect(disagreements).toEqual([
      'spring-festival 2027-02-06',
      'lantern 2027-02-20',
      'spring-festival 2030-02-03',
      'lantern 2030-02-17',
    ]);
    expect(lunarMonthDay('2027-02-07')).toBe('1/1');
    expect(lunarMonthDay('2030-02-02')).toBe('1/1');
  });

  it('knows the lunar holidays only for the tabled years', () => {
    expect(holidayIn('spring-festival', 2024)).toBeNull();
    expect(holidayIn('mid-autumn', 2041)).toBeNull();
    expect(nextHoliday('spring-festival', day('2040-03-01'))).toBeNull();
  });

  it('gives each holiday its period: 春节 from 除夕 to 初六, 国庆 October 1–7, 劳动节 May 1–5', () => {
    const spring = holidayIn('spring-festival', 2027)!;
    expect([formatIsoDate(spring.first), formatIsoDate(spring.last)]).toEqual(['2027-02-05', '2027-02-11']);
    const national = holidayIn('national-day', 2026)!;
    expect([formatIsoDate(national.first), formatIsoDate(national.last)]).toEqual([
      '2026-10-01',
      '2026-10-07',
    ]);
    const labour = holidayIn('labour-day', 2027)!;
    expect(formatIsoDate(labour.last)).toBe('2027-05-05');
    const midAutumn = holidayIn('mid-autumn', 2026)!;
    expect(formatIsoDate(midAutumn.first)).toBe(formatIsoDate(midAutumn.last));
  });
});

describe('the next occurrence', () => {
  const next = (id: Parameters<typeof nextHoliday>[0], today: string) => {
    const occurrence = nextHoliday(id, day(today));
    return occurrence ? formatIsoDate(occurrence.day) : null;
  };

  it('in December, 春节 is next February', () => {
    expect(next('spring-festival', '2026-12-07')).toBe('2027-02-06');
    expect(next('spring-festival', '2027-12-20')).toBe('2028-01-26');
  });

  it('before 春节 in the same year it is this year’s; on the day or after, next year’s', () => {
    expect(next('spring-festival', '2026-01-10')).toBe('2026-02-17');
    expect(next('spring-festival', '2026-02-17')).toBe('2027-02-06');
  });

  it('after 中秋 this year, 中秋 is next year’s; before it, this year’s', () => {
    expect(next('mid-autumn', '2026-09-26')).toBe('2027-09-15');
    expect(next('mid-autumn', '2026-09-24')).toBe('2026-09-25');
    expect(next('mid-autumn', '2026-09-25')).toBe('2027-09-15');
  });

  it('computes the solar ones for any year', () => {
    expect(next('national-day', '2026-10-02')).toBe('2027-10-01');
    expect(next('double-eleven', '2026-12-07')).toBe('2027-11-11');
    expect(next('new-year', '2026-12-07')).toBe('2027-01-01');
    expect(next('womens-day', '2026-03-07')).toBe('2026-03-08');
  });

  it('around a date: during 春节 it is this 春节 (its period not over yet)', () => {
    expect(formatIsoDate(holidayAround('spring-festival', day('2027-02-09'))!.day)).toBe('2027-02-06');
    expect(formatIsoDate(holidayAround('spring-festival', day('2027-02-12'))!.day)).toBe('2028-01-26');
    expect(formatIsoDate(holidayAround('spring-festival', day('2026-12-07'))!.day)).toBe('2027-02-06');
  });
});

describe('holidays named in a text', () => {
  it('finds each holiday by the words people write', () => {
    expect(holidaysNamedIn('新春将至，春节期间到店消费享双倍积分')).toEqual(['spring-festival']);
    expect(holidaysNamedIn('月圆人团圆，祝您中秋快乐')).toEqual(['mid-autumn']);
    expect(holidaysNamedIn('中秋国庆双节同庆')).toEqual(['mid-autumn', 'national-day']);
    expect(holidaysNamedIn('11 月 11 日当天到店')).toEqual(['double-eleven']);
    expect(holidaysNamedIn('本月会员日到了')).toEqual([]);
  });
});
