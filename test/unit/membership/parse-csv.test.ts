import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/lib/parse-csv';

describe('parseCsv (RFC 4180 and what spreadsheets write)', () => {
  it.each([
    [
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      '\uFEFFname,mobile\n张三,13800000000\n',
      [
        ['name', 'mobile'],
        ['张三', '13800000000'],
      ],
    ],
    ['"a,b","say ""hi"""\n', [['a,b', 'say "hi"']]],
    ['"line\r\nbreak",x\r\n', [['line\r\nbreak', 'x']]],
    ['a,,c\n', [['a', '', 'c']]],
    ['a,\n', [['a', '']]],
    ['"",x', [['', 'x']]],
    ['a\n\nb\n', [['a'], [''], ['b']]],
    ['', []],
  ])('%j', (text, records) => {
    expect(parseCsv(text)).toEqual(records);
  });

  it('refuses an unterminated quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsv('a\n"open,x\n')).toThrow(/line 2/);
    expect(() => parseCsv('"a"b,c')).toThrow(/closing quote/);
    expect(() => parseCsv('ab"c",d')).toThrow(/inside an unquoted field/);
  });
});
