import { describe, expect, it } from 'vitest';
import { parseYuanToFen } from '../../../src/console/ui/parse-amount';

/** 金额（元） at the counter: what people type, to integer fen exactly. */
describe('parseYuanToFen', () => {
  it.each([
    ['680', 68_000],
    ['680.5', 68_050],
    ['680.50', 68_050],
    ['0.01', 1],
    ['1,234.56', 123_456],
    ['¥1,234.56', 123_456],
    ['￥1,234.56', 123_456],
    ['¥ 1234.56', 123_456],
    ['  1234.56  ', 123_456],
    ['1,234,567', 123_456_700],
    ['１，２３４．５６', 123_456],
    ['￥１２３４', 123_400],
    ['1234元', 123_400],
    ['1,234.56 元', 123_456],
    ['007', 700],
    ['0.1', 10],
    // Sums whose float arithmetic is inexact stay exact: 0.29 × 100 = 28.999999999999996.
    ['0.29', 29],
    ['1,005.57', 100_557],
    ['999,999,999.99', 99_999_999_999],
  ])('%s → %i fen', (typed, fen) => {
    expect(parseYuanToFen(typed)).toBe(fen);
  });

  it.each([
    '',
    '  ',
    '¥',
    'abc',
    '12.345',
    '-12',
    '12,34',
    '1,2345',
    ',123',
    '1,234,',
    '12.',
    '.5',
    '1 234',
    '1e3',
    '1,000,000,000',
    '¥¥12',
    '12¥',
  ])('%j is not an amount', (typed) => {
    expect(parseYuanToFen(typed)).toBeNull();
  });
});
