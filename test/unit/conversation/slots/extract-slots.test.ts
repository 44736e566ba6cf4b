import { describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../../../src/config/default-program-input';
import { parseProgram } from '../../../../src/config/parse-program';
import {
  extractSlots,
  readDayAnswer,
  readMileageAnswer,
  readMoneyAnswer,
  type Slots,
  serviceIdIn,
} from '../../../../src/conversation/intents/slots';
import { parseNumber } from '../../../../src/conversation/intents/slots/numbers';
import { type LocalDate, parseIsoDate } from '../../../../src/rules/local-date';

/** Wednesday 25 November 2026, 10:00 in Shanghai (02:00 UTC). */
const now = new Date('2026-11-25T02:00:00Z');
const timeZone = 'Asia/Shanghai';
const today: LocalDate = { year: 2026, month: 11, day: 25 };
const d = (iso: string) => parseIsoDate(iso)!;
const day = (iso: string): Slots['date'] => ({ kind: 'day', date: d(iso) });
const range = (from: string, to: string, label: string): Slots['date'] => ({
  kind: 'range',
  from: d(from),
  to: d(to),
  label,
});
const slots = (text: string) => extractSlots(text, { now, timeZone });

describe('extractSlots: dates ("when did it happen", never ahead of today)', () => {
  it.each<[string, Slots['date']]>([
    ['今天保养的积分没到', day('2026-11-25')],
    ['昨天', day('2026-11-24')],
    ['前天加的油', day('2026-11-23')],
    ['大前天', day('2026-11-22')],
    ['上周六去店里', day('2026-11-21')],
    ['上星期三', day('2026-11-18')],
    ['上礼拜天', day('2026-11-22')],
    ['上个周一', day('2026-11-16')],
    ['这周二', day('2026-11-24')],
    ['本周一', day('2026-11-23')],
    ['周六那次', day('2026-11-21')],
    ['星期三', day('2026-11-25')],
    ['上周', range('2026-11-16', '2026-11-22', '上周')],
    ['上星期', range('2026-11-16', '2026-11-22', '上星期')],
    ['上上周', range('2026-11-09', '2026-11-15', '上上周')],
    ['这周', range('2026-11-23', '2026-11-25', '这周')],
    ['上个月', range('2026-10-01', '2026-10-31', '上个月')],
    ['11月20日', day('2026-11-20')],
    ['11月20号下午', day('2026-11-20')],
    ['十一月二十日', day('2026-11-20')],
    ['11.20', day('2026-11-20')],
    ['11-20', day('2026-11-20')],
    ['11/20', day('2026-11-20')],
    ['2026-11-20', day('2026-11-20')],
    ['2026/11/20', day('2026-11-20')],
    ['2026.11.20', day('2026-11-20')],
    ['2026年11月20日', day('2026-11-20')],
    // Ahead this year: last year's.
    ['12月1日', day('2025-12-01')],
    ['20号', day('2026-11-20')],
    ['二十号', day('2026-11-20')],
    // Ahead this month: last month's.
    ['28号', day('2026-10-28')],
    ['嗯那个 上周六 保养 的积份没加上', day('2026-11-21')],
    // Traditional characters: 上週 → 上周.
    ['上週六保養', day('2026-11-21')],
  ])('「%s」', (text, date) => {
    expect(slots(text).date).toEqual(date);
  });

  it.each([
    '明天',
    '这周五',
    '下周二',
    '3号店',
    '去5号楼',
    '地铁2号线',
    '2026-02-30',
    '13-40',
    '2026-12-01',
    '查积分',
    '我的车',
    '积分没到账',
  ])('「%s」 names no past date', (text) => {
    expect(slots(text).date).toBeUndefined();
  });

  it('reads dates ahead when the flow asks for a future day (a booking)', () => {
    expect(extractSlots('这周五保养', { now, timeZone, tense: 'any' }).date).toEqual(day('2026-11-27'));
    expect(extractSlots('下周二', { now, timeZone, tense: 'any' }).date).toEqual(day('2026-12-01'));
  });

  it('takes "today" in Shanghai, not in UTC', () => {
    // 23:30 UTC on the 24th is already the 25th in Shanghai.
    const late = new Date('2026-11-24T23:30:00Z');
    expect(extractSlots('昨天', { now: late, timeZone }).date).toEqual(day('2026-11-24'));
  });
});

describe('extractSlots: money in fen', () => {
  it.each<[string, number]>([
    ['¥1,234.5', 123_450],
    ['￥1234', 123_400],
    ['1234元', 123_400],
    ['1234块', 123_400],
    ['1234块钱', 123_400],
    ['1,280.50元', 128_050],
    ['一千二百块', 120_000],
    ['一千二块钱', 120_000],
    ['两千五百块', 250_000],
    ['花了1.2万', 1_200_000],
    ['付了3k', 300_000],
    ['消费了一千二', 120_000],
    ['昨天在店里消费了1200没积分', 120_000],
    ['昨天消费了1200，没积分', 120_000],
    ['花了1,280.5。', 128_050],
    ['金额是 1280', 128_000],
    ['一共花了五百块', 50_000],
    ['11.20元', 1_120],
    ['电话13812345678，消费了300', 30_000],
    ['消費了1200元', 120_000],
  ])('「%s」 → %i fen', (text, fen) => {
    expect(slots(text).amountFen).toBe(fen);
  });

  it.each([
    '13812345678',
    '我的手机 138 1234 5678',
    '+86 13812345678',
    '1200',
    '积分1200',
    '消费了0元',
    '12.345元',
    '上次花了两千多',
    '一共花了五百多块',
    '大概一千来块',
    '订单号 202611250001',
    '3号店',
    '沪A12345',
  ])('「%s」 is no amount', (text) => {
    expect(slots(text).amountFen).toBeUndefined();
  });
});

describe('extractSlots: mileage in km', () => {
  it.each<[string, number]>([
    ['3万公里', 30_000],
    ['里程更新一下 3万2公里', 32_000],
    ['32000km', 32_000],
    ['32000KM', 32_000],
    ['32,000 公里', 32_000],
    ['3.2万公里', 32_000],
    ['三万二公里', 32_000],
    ['里程 三万二', 32_000],
    ['里程更新一下 三万二', 32_000],
    ['表显32000', 32_000],
    ['跑了3万多公里', 30_000],
    ['现在開了45000公里', 45_000],
  ])('「%s」 → %i km', (text, km) => {
    expect(slots(text).mileageKm).toBe(km);
  });

  it.each(['三万二', '32000', '里程更新一下', '里程 13812345678', '里程多少，上次花了1200元', '3000000公里'])(
    '「%s」 is no mileage',
    (text) => {
      expect(slots(text).mileageKm).toBeUndefined();
    },
  );

  it('a mileage is not also money', () => {
    expect(slots('3万公里了，保养花了1200')).toEqual({
      mileageKm: 30_000,
      amountFen: 120_000,
      service: 'maintenance',
    });
  });
});

describe('extractSlots: plates, canonical as the plate rule gives them', () => {
  it.each<[string, string]>([
    ['车牌换成沪A·12345', '沪A12345'],
    ['沪a12345', '沪A12345'],
    ['沪A 12345', '沪A12345'],
    ['沪A-12345', '沪A12345'],
    ['新车牌 粤BD12345', '粤BD12345'],
    ['粤B12345D', '粤B12345D'],
    ['滬A12345', '沪A12345'],
    ['京A1234学', '京A1234学'],
  ])('「%s」 → %s', (text, plate) => {
    expect(slots(text).plate).toBe(plate);
  });

  it('a plate followed by a mileage keeps both apart', () => {
    expect(slots('粤BD12345 3万公里')).toEqual({ plate: '粤BD12345', mileageKm: 30_000 });
    expect(slots('沪A12345 32000km')).toEqual({ plate: '沪A12345', mileageKm: 32_000 });
  });

  it.each(['沪A1234', '沪I12345', '新车保养', '京东买的', '沪A123456789'])('「%s」 is no plate', (text) => {
    expect(slots(text).plate).toBeUndefined();
  });
});

describe('extractSlots: service words', () => {
  it.each<[string, Slots['service']]>([
    ['上周保养的积分没加上', 'maintenance'],
    ['大保养', 'maintenance'],
    ['换机油', 'maintenance'],
    ['维修', 'repair'],
    ['上次修车', 'repair'],
    ['維修的積分', 'repair'],
    ['钣喷', 'body-paint'],
    ['喷漆', 'body-paint'],
    ['补漆没积分', 'body-paint'],
    ['保险', 'insurance'],
    ['续保的积分', 'insurance'],
    ['年检', 'inspection'],
  ])('「%s」 → %s', (text, service) => {
    expect(slots(text).service).toBe(service);
  });

  it('says nothing for messages without a slot', () => {
    for (const text of ['查积分', '积分没到账', '我的车', '你好', '人工', 'jf', '1', '继续']) {
      expect(slots(text), text).toEqual({});
    }
  });

  it('maps a service word to the program ids (booking services and categories)', () => {
    const program = parseProgram(defaultProgramInput);
    const categories = Object.entries(program.categories).map(([id, category]) => ({
      id,
      name: category.name,
    }));
    const services = program.bookings?.services ?? [];
    expect(serviceIdIn('maintenance', categories)).toBe('maintenance');
    expect(serviceIdIn('insurance', categories)).toBe('insurance');
    expect(serviceIdIn('body-paint', categories)).toBeNull();
    expect(serviceIdIn('body-paint', services)).toBe('body-paint');
    expect(serviceIdIn('inspection', services)).toBe('inspection');
    expect(serviceIdIn('maintenance', [{ id: 'service_a', name: '常规保养' }])).toBe('service_a');
    expect(serviceIdIn('body-paint', [{ id: 'body_paint', name: '钣金' }])).toBe('body_paint');
  });
});

describe('the combined readings', () => {
  it.each<[string, Slots]>([
    ['上周保养的积分没加上', { date: range('2026-11-16', '2026-11-22', '上周'), service: 'maintenance' }],
    ['昨天在店里消费了1200没积分', { date: day('2026-11-24'), amountFen: 120_000 }],
    ['11.20保养花了11.20元', { date: day('2026-11-20'), amountFen: 1_120, service: 'maintenance' }],
    [
      '请问 20号 钣喷 花了两千五百块 积分没到',
      { date: day('2026-11-20'), amountFen: 250_000, service: 'body-paint' },
    ],
    ['3号店上周六保养', { date: day('2026-11-21'), service: 'maintenance' }],
  ])('「%s」', (text, expected) => {
    expect(slots(text)).toEqual(expected);
  });
});

describe('numbers as members type them', () => {
  it.each<[string, number | null]>([
    ['1200', 1200],
    ['1,234.5', 1234.5],
    ['一千二百', 1200],
    ['一千二', 1200],
    ['两千五百', 2500],
    ['两千五', 2500],
    ['一千零二', 1002],
    ['一百五', 150],
    ['一百零五', 105],
    ['十五', 15],
    ['二十', 20],
    ['三十二', 32],
    ['三万二', 32_000],
    ['三万二千', 32_000],
    ['3万2', 32_000],
    ['1.2万', 12_000],
    ['3k', 3000],
    ['3w', 30_000],
    ['一二', null],
    ['千', null],
    ['万', null],
  ])('「%s」 → %s', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });
});

describe('answers to the flows’ questions', () => {
  it('reads a day, and within a span a weekday alone', () => {
    const lastWeek = { from: d('2026-11-16'), to: d('2026-11-22') };
    expect(readDayAnswer('周六', { today, within: lastWeek })).toEqual(d('2026-11-21'));
    expect(readDayAnswer('星期一', { today, within: lastWeek })).toEqual(d('2026-11-16'));
    expect(readDayAnswer('6', { today, within: lastWeek })).toEqual(d('2026-11-21'));
    expect(readDayAnswer('11月19日', { today, within: lastWeek })).toEqual(d('2026-11-19'));
    expect(readDayAnswer('昨天', { today })).toEqual(d('2026-11-24'));
    expect(readDayAnswer('2026-11-20', { today })).toEqual(d('2026-11-20'));
    // Within this week so far, a weekday still ahead is refused.
    const thisWeek = { from: d('2026-11-23'), to: d('2026-11-25') };
    expect(readDayAnswer('周五', { today, within: thisWeek })).toBeNull();
    for (const bad of ['明天', '上周', '2026-11-26', '很久以前', '昨天或者前天']) {
      expect(readDayAnswer(bad, { today }), bad).toBeNull();
    }
  });

  it('reads money and mileage typed alone', () => {
    expect(readMoneyAnswer('1280')).toBe(128_000);
    expect(readMoneyAnswer('一千二')).toBe(120_000);
    expect(readMoneyAnswer('¥1,280.50')).toBe(128_050);
    expect(readMoneyAnswer('1.2万')).toBe(1_200_000);
    for (const bad of ['0', '-5', '12.345', '很多', '13812345678']) {
      expect(readMoneyAnswer(bad), bad).toBeNull();
    }
    expect(readMileageAnswer('35000')).toBe(35_000);
    expect(readMileageAnswer('35,000 公里')).toBe(35_000);
    expect(readMileageAnswer('三万二')).toBe(32_000);
    for (const bad of ['-5', '很多', '3000000']) {
      expect(readMileageAnswer(bad), bad).toBeNull();
    }
  });
});
