import { describe, expect, it } from 'vitest';
import { normalizePlate } from '../../../src/rules/normalize-plate';
import { parseBirthday } from '../../../src/rules/parse-birthday';

describe('normalizePlate', () => {
  it.each([
    ['沪A12345', '沪A12345'],
    ['粤B D12345', '粤BD12345'],
    ['粤b·d12345', '粤BD12345'],
    ['粤ＢＤ１２３４５', '粤BD12345'],
    ['京A1234学', '京A1234学'],
    ['粤B12345D', '粤B12345D'],
    ['浙AF12345', '浙AF12345'],
    ['沪A1234', null],
    ['沪I12345', null],
    ['沪AO1234', null],
    ['XA12345', null],
    ['粤BD123456', null],
    ['粤BD1234', '粤BD1234'],
    ['粤BG12345', null],
    ['', null],
  ])('%s → %s', (text, plate) => {
    expect(normalizePlate(text)).toBe(plate);
  });
});

describe('parseBirthday', () => {
  const today = { year: 2026, month: 11, day: 25 };
  it.each([
    ['1988-03-14', { month: 3, day: 14, year: 1988 }],
    ['03-14', { month: 3, day: 14, year: null }],
    ['02-29', { month: 2, day: 29, year: null }],
    ['2000-02-29', { month: 2, day: 29, year: 2000 }],
    ['1999/12/31', { month: 12, day: 31, year: 1999 }],
    ['2026-11-25', { month: 11, day: 25, year: 2026 }],
    ['2026-11-26', null],
    ['2001-02-29', null],
    ['04-31', null],
    ['13-01', null],
    ['1899-01-01', null],
    ['birthday', null],
  ])('%s', (text, birthday) => {
    expect(parseBirthday(text, today)).toEqual(birthday);
  });
});
