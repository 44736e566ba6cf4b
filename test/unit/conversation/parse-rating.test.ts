import { describe, expect, it } from 'vitest';
import { parseRating } from '../../../src/conversation/parse-rating';

describe('parseRating', () => {
  it('reads digits, Chinese numerals, 分 and 星, full-width digits', () => {
    for (const [text, value] of [
      ['5', 5],
      ['５', 5],
      ['五', 5],
      ['5分', 5],
      ['五分', 5],
      ['五星', 5],
      ['5颗星', 5],
      ['给4分', 4],
      ['打 3 分！', 3],
      ['一', 1],
      ['两分', 2],
    ] as const) {
      expect(parseRating(text, 5), text).toBe(value);
    }
  });

  it('rejects numbers off the scale and ordinary sentences', () => {
    for (const text of ['0', '6', '10', '六星', '5000', '查积分', '5号去保养', '', '一般']) {
      expect(parseRating(text, 5), text).toBeNull();
    }
    expect(parseRating('10', 10)).toBe(10);
  });
});
