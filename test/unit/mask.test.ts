import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger';
import { maskMobile, redactForLog } from '../../src/lib/mask';

describe('maskMobile', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['call 19912345678 now', 'call 199****5678 now'],
    ['a:13812345678,b:15900001111', 'a:138****5678,b:159****1111'],
    ['12812345678', '12812345678'], // not a mobile prefix
    ['138123456789', '138123456789'], // 12 digits: an id, not a mobile
    ['MsgId 23456781381234567812', 'MsgId 23456781381234567812'],
    ['no numbers', 'no numbers'],
  ])('%s → %s', (input, expected) => {
    expect(maskMobile(input)).toBe(expected);
  });
});

describe('redactForLog', () => {
  it('replaces secrets by key and masks mobiles everywhere, deeply', () => {
    const input = {
      mobile: '13812345678',
      nested: {
        note: '手机 13912345678',
        token: 'abc',
        appSecret: 'shh',
        list: [{ password: 'p' }, 13712345678],
      },
      authorization: 'Bearer xyz',
      code: 'insufficient_points',
      count: 3,
    };
    expect(redactForLog(input)).toEqual({
      mobile: '138****5678',
      nested: {
        note: '手机 139****5678',
        token: '***',
        appSecret: '***',
        list: [{ password: '***' }, '137****5678'],
      },
      authorization: '***',
      code: 'insufficient_points',
      count: 3,
    });
  });

  it('survives cycles and errors', () => {
    const a: Record<string, unknown> = { name: 'x' };
    a.self = a;
    expect(redactForLog(a)).toEqual({ name: 'x', self: '[circular]' });
    const err = redactForLog(new Error('member 13812345678 not found')) as { message: string };
    expect(err.message).toBe('member 138****5678 not found');
  });
});

describe('createLogger', () => {
  it('never writes a full mobile number or a secret', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ member: { mobile: '13812345678' }, accessToken: 'TOKEN123' }, 'enrolled 13812345678');
    logger.error({ err: new Error('bad number 15812345678') }, 'failed');
    const text = lines.join('');
    expect(text).not.toMatch(/13812345678|15812345678|TOKEN123/);
    expect(text).toContain('138****5678');
    expect(text).toContain('158****5678');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'enrolled 138****5678', accessToken: '***' });
  });
});
