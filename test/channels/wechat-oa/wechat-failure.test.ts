import { describe, expect, it } from 'vitest';
import { splitText } from '../../../src/channels/wechat-oa/split-text';
import { classifyWechatError } from '../../../src/channels/wechat-oa/wechat-failure';

describe('classifyWechatError (WECHAT.md §4)', () => {
  it.each([
    [-1, 'transient'],
    [40001, 'invalid_token'],
    [40014, 'invalid_token'],
    [42001, 'invalid_token'],
    [40003, 'permanent'],
    [43019, 'permanent'],
    [40164, 'permanent'],
    [43004, 'unfollowed'],
    [43101, 'permanent'],
    [45009, 'quota'],
    [45028, 'quota'],
    [45015, 'window_closed'],
    [45047, 'rate_limited'],
    [45011, 'rate_limited'],
    [40037, 'permanent'],
    [99999, 'permanent'],
  ])('%i → %s', (errcode, kind) => {
    expect(classifyWechatError(errcode, 'msg')).toEqual({ ok: false, kind, errcode, errmsg: 'msg' });
  });
});

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('您的积分：1,234')).toEqual({ parts: ['您的积分：1,234'], truncated: false });
  });

  it('never splits a character, also not a surrogate pair, and respects the byte limit', () => {
    const text = '🚗'.repeat(10) + '积'.repeat(10);
    const { parts, truncated } = splitText(text, 18, 10);
    expect(truncated).toBe(false);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(18);
      expect(part).not.toMatch(/[\uD800-\uDBFF]$/);
    }
  });

  it('prefers a line break in the second half of a part', () => {
    expect(splitText('aaaaaaa\nbbbbbbbbbb', 10, 5).parts).toEqual(['aaaaaaa', 'bbbbbbbbbb']);
    expect(splitText('a\nbbbbbbbbbbbb', 10, 5).parts).toEqual(['a\nbbbbbbbb', 'bbbb']);
  });

  it('cuts after maxParts with an ellipsis that still fits', () => {
    const { parts, truncated } = splitText('x'.repeat(100), 10, 2);
    expect(truncated).toBe(true);
    expect(parts).toEqual(['x'.repeat(10), `${'x'.repeat(7)}…`]);
    expect(Buffer.byteLength(parts[1]!)).toBeLessThanOrEqual(10);
  });
});
