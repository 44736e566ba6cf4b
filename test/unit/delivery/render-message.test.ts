import { describe, expect, it } from 'vitest';
import {
  genericTextSchema,
  messageTextSchema,
  type RenderValues,
  renderMessage,
} from '../../../src/delivery/render-message';

const values: RenderValues = {
  name: '张伟',
  tierName: '金卡',
  points: 12_345,
  expiringPoints: 1_200,
  date: '2026-12-01',
};

describe('renderMessage', () => {
  it.each([
    ['{name}您好，您是{tier}会员，当前积分 {points}', '张伟您好，您是金卡会员，当前积分 12,345 积分'],
    ['您有 {expiringPoints}将于{date}到期', '您有 1,200 积分将于2026年12月1日到期'],
    ['{name}{name}', '张伟张伟'],
    ['没有占位符', '没有占位符'],
  ])('%s', (text, expected) => {
    expect(renderMessage(text, values)).toBe(expected);
  });

  it('falls back to natural words when a value is unknown', () => {
    const blank: RenderValues = {
      name: null,
      tierName: null,
      points: null,
      expiringPoints: null,
      date: null,
    };
    expect(renderMessage('{name}您好，{tier}积分 {points}', blank)).toBe('会员您好，会员积分 0 积分');
    expect(renderMessage('{name}您好', { ...values, name: '  ' })).toBe('会员您好');
  });

  it('formats big numbers for people', () => {
    expect(renderMessage('{points}', { ...values, points: 1_234_567 })).toBe('1,234,567 积分');
  });
});

describe('messageTextSchema', () => {
  it('accepts every known placeholder', () => {
    expect(messageTextSchema.parse(' {name}{tier}{points}{expiringPoints}{date} ')).toBe(
      '{name}{tier}{points}{expiringPoints}{date}',
    );
  });

  it('rejects unknown placeholders with a clear message naming them and the allowed ones', () => {
    const result = messageTextSchema.safeParse('{name}您好，{nmae}，{balance}');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      '未知的占位符 {nmae}、{balance}；可用的占位符：{name}、{tier}、{points}、{expiringPoints}、{date}',
    );
  });

  it('rejects an empty text', () => {
    expect(messageTextSchema.safeParse('   ').success).toBe(false);
  });
});

describe('genericTextSchema', () => {
  it('accepts {date} and plain text', () => {
    expect(genericTextSchema.parse('双十一会员日，{date}前到店有礼')).toBe('双十一会员日，{date}前到店有礼');
  });

  it('rejects personal placeholders', () => {
    const result = genericTextSchema.safeParse('{name}您好，积分 {points}');
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      '群发内容对所有会员相同，不能使用个人占位符 {name}、{points}',
    ]);
  });
});
