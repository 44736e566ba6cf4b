import { describe, expect, it } from 'vitest';
import { messageFeatures } from '../../../../src/conversation/intents/model/message-features';
import {
  normalizeMessage,
  pinyinInitials,
} from '../../../../src/conversation/intents/model/normalize-message';

describe('normalizeMessage', () => {
  it.each([
    ['積分查詢', '积分查询'],
    ['兌換禮品', '兑换礼品'],
    ['註銷會員', '注销会员'],
    ['ＪＦ', 'jf'],
    ['查 积分！', '查积分'],
    ['请问积分多少？', '积分多少'],
    ['嗯 那个 帮我查下积分', '帮我查下积分'],
    ['麻烦问下保养积分没到账', '保养积分没到账'],
    ['帮我check一下points', '帮我check一下points'],
    ['Check My  Points!', 'check my points'],
    ['  T  ', 't'],
    ['里程3万公里 32000km', '里程3万公里32000km'],
    // Spaces survive only between Latin letters or digits, where they separate words.
    ['沪A·12345', '沪a 12345'],
    // A lone filler is the message (small talk), not nothing.
    ['嗯', '嗯'],
    ['嗯嗯', '嗯嗯'],
    // Only punctuation or emoji: the symbols are what the member said.
    ['？', '?'],
    ['👍', '👍'],
    ['', ''],
  ])('%j → %j', (text, normal) => {
    expect(normalizeMessage(text)).toBe(normal);
  });
});

describe('pinyinInitials', () => {
  it.each([
    ['积分', 'jf'],
    ['积分查询', 'jfcx'],
    ['jf', 'jf'],
    ['帮我check一下', 'bw check yx'],
    // Latin words longer than typed initials and digits only separate the parts.
    ['我的points明细', 'wd mx'],
    ['3万公里', 'wgl'],
    ['?', ''],
  ])('%j → %j', (normal, initials) => {
    expect(pinyinInitials(normal)).toBe(initials);
  });
});

describe('messageFeatures', () => {
  it('marks what a negation applies to, and nothing in the same words without one', () => {
    expect(messageFeatures('不要退订').get('n:退订')).toBe(3);
    expect(messageFeatures('取消退订').get('n:退订')).toBe(3);
    expect(messageFeatures('别再给我发广告了').get('n:发广')).toBe(3);
    expect([...messageFeatures('我要退订').keys()].filter((feature) => feature.startsWith('n:'))).toEqual([]);
  });

  it('gives typed initials and the Chinese they stand for the same pinyin features', () => {
    const typed = [...messageFeatures('jf').keys()].filter((feature) => feature.startsWith('p:'));
    const chinese = [...messageFeatures('積分').keys()].filter((feature) => feature.startsWith('p:'));
    expect(typed).toEqual(['p:^j', 'p:jf', 'p:f$', 'p:^jf', 'p:jf$']);
    expect(chinese).toEqual(typed);
  });

  it('counts characters, marked n-grams and Latin words', () => {
    const features = messageFeatures('查 积分');
    expect(features.get('积')).toBe(1);
    expect(features.get('c:^查')).toBe(1);
    expect(features.get('c:积分$')).toBe(1);
    expect(messageFeatures('check my points').get('w:points')).toBe(1);
  });
});
