import { addLocalDays, compareLocalDates, type LocalDate } from './local-date';

/**
 * The holidays campaigns are written for, as local dates. Solar ones (元旦, 妇女节, 劳动节, 国庆,
 * 双十一) are computed; lunar ones (春节, 元宵, 端午, 中秋) follow the Chinese calendar and come
 * from the table below, so they are known for 2025–2040 only (null outside it).
 *
 * Lunar dates: 香港天文台《公历与农历日期对照表》 (hko.gov.hk/tc/gts/time/conversion.htm), which
 * follows 紫金山天文台's calendar (GB/T 33661-2017, 《农历的编算和颁行》). ICU's Chinese calendar
 * (`Intl`, `-u-ca-chinese`) agrees on every date except 春节 2027 and 2030, whose new moons fall
 * within minutes of Beijing midnight, which ICU's approximation puts on the other side (a day
 * late in 2027, a day early in 2030); the tests compare both and pin those two years.
 */

export type HolidayId =
  | 'new-year'
  | 'spring-festival'
  | 'lantern'
  | 'womens-day'
  | 'labour-day'
  | 'dragon-boat'
  | 'mid-autumn'
  | 'national-day'
  | 'double-eleven';

export interface HolidayOccurrence {
  readonly id: HolidayId;
  readonly name: string;
  /** The holiday itself (春节: 正月初一). */
  readonly day: LocalDate;
  /** The period a message means by 「春节期间」: its first and last local day, inclusive. */
  readonly first: LocalDate;
  readonly last: LocalDate;
}

export const FIRST_LUNAR_YEAR = 2025;
export const LAST_LUNAR_YEAR = 2040;

/** 正月初一 (春节), month and day, 2025–2040. */
const SPRING_FESTIVAL: readonly (readonly [number, number])[] = [
  [1, 29], // 2025
  [2, 17], // 2026
  [2, 6], // 2027
  [1, 26], // 2028
  [2, 13], // 2029
  [2, 3], // 2030
  [1, 23], // 2031
  [2, 11], // 2032
  [1, 31], // 2033
  [2, 19], // 2034
  [2, 8], // 2035
  [1, 28], // 2036
  [2, 15], // 2037
  [2, 4], // 2038
  [1, 24], // 2039
  [2, 12], // 2040
];

/** 五月初五 (端午), 2025–2040. */
const DRAGON_BOAT: readonly (readonly [number, number])[] = [
  [5, 31],
  [6, 19],
  [6, 9],
  [5, 28],
  [6, 16],
  [6, 5],
  [6, 24],
  [6, 12],
  [6, 1],
  [6, 20],
  [6, 10],
  [5, 30],
  [6, 18],
  [6, 7],
  [5, 27],
  [6, 14],
];

/** 八月十五 (中秋), 2025–2040. */
const MID_AUTUMN: readonly (readonly [number, number])[] = [
  [10, 6],
  [9, 25],
  [9, 15],
  [10, 3],
  [9, 22],
  [9, 12],
  [10, 1],
  [9, 19],
  [9, 8],
  [9, 27],
  [9, 16],
  [10, 4],
  [9, 24],
  [9, 13],
  [10, 2],
  [9, 20],
];

interface HolidayDefinition {
  readonly name: string;
  /** Words that name the holiday in a message. */
  readonly words: readonly string[];
  readonly day: (year: number) => LocalDate | null;
  /** Days of its period before and after the day itself. */
  readonly before: number;
  readonly after: number;
}

const lunar =
  (table: readonly (readonly [number, number])[], offsetDays = 0) =>
  (year: number): LocalDate | null => {
    const entry = table[year - FIRST_LUNAR_YEAR];
    if (year < FIRST_LUNAR_YEAR || year > LAST_LUNAR_YEAR || !entry) return null;
    return addLocalDays({ year, month: entry[0], day: entry[1] }, offsetDays);
  };

const solar =
  (month: number, day: number) =>
  (year: number): LocalDate => ({ year, month, day });

const holidays: Record<HolidayId, HolidayDefinition> = {
  'new-year': { name: '元旦', words: ['元旦'], day: solar(1, 1), before: 0, after: 0 },
  // 除夕 to 正月初六: the week people mean by 春节期间.
  'spring-festival': {
    name: '春节',
    words: ['春节', '新春', '过年', '除夕', '拜年'],
    day: lunar(SPRING_FESTIVAL),
    before: 1,
    after: 5,
  },
  // 正月十五: 正月 always has at least 29 days, so it is 初一 + 14.
  lantern: { name: '元宵节', words: ['元宵'], day: lunar(SPRING_FESTIVAL, 14), before: 0, after: 0 },
  'womens-day': {
    name: '妇女节',
    words: ['妇女节', '三八节', '女神节'],
    day: solar(3, 8),
    before: 0,
    after: 0,
  },
  'labour-day': { name: '劳动节', words: ['劳动节', '五一'], day: solar(5, 1), before: 0, after: 4 },
  'dragon-boat': { name: '端午节', words: ['端午'], day: lunar(DRAGON_BOAT), before: 0, after: 0 },
  'mid-autumn': { name: '中秋节', words: ['中秋'], day: lunar(MID_AUTUMN), before: 0, after: 0 },
  'national-day': { name: '国庆节', words: ['国庆'], day: solar(10, 1), before: 0, after: 6 },
  'double-eleven': {
    name: '双十一',
    words: ['双十一', '双11', '11 月 11 日', '11月11日'],
    day: solar(11, 11),
    before: 0,
    after: 0,
  },
};

export const holidayIds = Object.keys(holidays) as HolidayId[];

/** The holiday in a Gregorian year (the one whose day falls in it); null when not tabled. */
export function holidayIn(id: HolidayId, year: number): HolidayOccurrence | null {
  const definition = holidays[id];
  const day = definition.day(year);
  if (!day) return null;
  return {
    id,
    name: definition.name,
    day,
    first: addLocalDays(day, -definition.before),
    last: addLocalDays(day, definition.after),
  };
}

/**
 * The next occurrence after `today` (a local date): the first whose day is later than today, so
 * on 中秋 itself, or after it, this is next year's. Null when it is not tabled.
 */
export function nextHoliday(id: HolidayId, today: LocalDate): HolidayOccurrence | null {
  return firstWhere(id, today.year, (o) => compareLocalDates(o.day, today) > 0);
}

/**
 * The occurrence a message sent on `date` speaks of: the first whose period has not ended by then
 * (during 春节, this 春节). Null when it is not tabled.
 */
export function holidayAround(id: HolidayId, date: LocalDate): HolidayOccurrence | null {
  return firstWhere(id, date.year, (o) => compareLocalDates(o.last, date) >= 0);
}

/** The holidays a text names, in the order of the list above. */
export function holidaysNamedIn(text: string): HolidayId[] {
  return holidayIds.filter((id) => holidays[id].words.some((word) => text.includes(word)));
}

function firstWhere(
  id: HolidayId,
  year: number,
  accept: (occurrence: HolidayOccurrence) => boolean,
): HolidayOccurrence | null {
  // A period may begin in the year before its day (除夕 on 31 December), and the next one may be
  // in the following year.
  for (const candidate of [year - 1, year, year + 1]) {
    const occurrence = holidayIn(id, candidate);
    if (occurrence && accept(occurrence)) return occurrence;
  }
  return null;
}
