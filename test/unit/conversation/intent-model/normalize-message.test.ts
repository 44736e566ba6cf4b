import { describe, expect, it } from 'vitest';
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
