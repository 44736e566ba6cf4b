import { describe, expect, it } from 'vitest';
import { maskChatText } from '../../src/lib/mask-chat-text';

describe('maskChatText', () => {
  it.each([
    ['我的手机13812345678积分没到', '我的手机138****5678积分没到'],
    ['车牌粤B·D12345换了', '车牌粤B·*****换了'],
    ['沪a12345的保养', '沪A·*****的保养'],
    ['身份证11010519491231002X要登记', '身份证******************要登记'],
    ['卡号 6222020200112233445', '卡号 *******************'],
    ['我叫王小明，查一下积分', '我叫王**，查一下积分'],
    ['我姓张', '我姓张'],
    ['名字是李四', '名字是李*'],
    ['邮箱 wang.xm@example.com 收发票', '邮箱 ***@*** 收发票'],
  ])('%s → %s', (text, masked) => {
    expect(maskChatText(text)).toBe(masked);
  });

  it('leaves amounts, short numbers and ordinary words alone', () => {
    for (const text of ['上周保养花了1280元', '积分没到账', '3万公里了', '回复 2', '11-20 那天'])
      expect(maskChatText(text)).toBe(text);
  });
});
