import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * Issue 15 through Wechaty: the intent model routes what members write in their own words,
 * asks one numbered question when unsure, offers 人工 after two misses, never takes a valid
 * answer for an intent, and serves 我的券, 门店 and small talk.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      { id: 'main', name: '本店', phone: '400-800-1234', hours: '每天 8:30–18:00' },
      { id: 'east', name: '东区店' },
    ],
  }),
);

let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00', program });
});
afterAll(() => chat?.stop());

async function member(prefix: string) {
  const key = chat.newKey(prefix);
  await chat.insertMember(key, { name: '周先生' });
  return key;
}

describe('what members write in their own words', () => {
  it('我想办个会员卡 → 入会 (a guest)', async () => {
    expect(await chat.say(chat.newKey('g'), '我想办个会员卡')).toContain(
      '欢迎加入车主会员！先告诉我怎么称呼您？',
    );
  });

  it.each([
    ['更新里程', '您的爱车：'],
    ['别再给我发广告了', '已为您退订活动和优惠消息。'],
    ['上周保养的积分没加上', '哪天的消费没拿到积分？'],
    ['積分查詢', '可用。'],
    ['jf', '可用。'],
  ])('「%s」 opens the right flow', async (words, expected) => {
    expect(await chat.say(await member('w'), words)).toContain(expected);
  });

  it('恢复活动通知 → 恢复订阅', async () => {
    const key = await member('sub');
    await chat.say(key, '退订');
    expect(await chat.say(key, '恢复活动通知')).toContain('已恢复接收活动和优惠消息');
  });
});

describe('clarification and 人工', () => {
  it('asks one numbered question when unsure, and a reply of 2 routes to the second choice', async () => {
    const key = await member('clarify');
    expect(await chat.say(key, '保养积分')).toBe('您是想：1 积分没到账 2 查积分？回复数字即可。');
    // 「2」 is 积分明细 on the menu; here it takes the second choice offered.
    expect(await chat.say(key, '2')).toContain('可用。');
    expect(await chat.say(key, '保养积分')).toContain('回复数字即可');
    expect(await chat.say(key, '1')).toContain('哪天的消费没拿到积分？');
  });

  it('two misunderstandings in a row offer 人工 directly (store phone and a call-back)', async () => {
    const key = await member('miss');
    expect(await chat.say(key, '啊啊啊啊')).toContain('回复数字即可');
    const second = await chat.say(key, '呜呜呜呜呜');
    expect(second).toContain('抱歉，我还是没弄明白您的意思');
    expect(second).toContain('电话：400-800-1234');
    expect(second).toContain('回复「回电」');
  });
});

describe('inside a flow', () => {
  it('a valid answer is never taken for an intent, and 「算了，查下积分」 leaves politely', async () => {
    const key = await member('flow');
    await chat.say(key, '积分没到账');
    // 「1」 would be 查积分 on the menu; here it answers the store question.
    expect(await chat.say(key, '昨天')).toContain('消费金额是多少元？');
    expect(await chat.say(key, '1280')).toContain('在哪家门店消费的？');
    expect(await chat.say(key, '1')).toContain('有发票或小票的照片吗？');
    const left = await chat.say(key, '算了，查下积分');
    expect(left).toContain('可用。');
    expect(left).toContain('回复「继续」接着办');
  });

  it('a plate typed into 我的车 is the answer, not a new request', async () => {
    const key = await member('plate');
    await chat.say(key, '我的车');
    expect(await chat.say(key, '1')).toContain('请输入车牌号');
    const saved = await chat.say(key, '沪A12345');
    expect(saved).toContain('沪A12345');
    expect(saved).not.toContain('回复数字即可');
  });
});

describe('我的券, 门店 and small talk', () => {
  it('我的券 / 我的优惠券 / 卡券 list the open vouchers with code, name and expiry date', async () => {
    const key = chat.newKey('vouchers');
    const record = await chat.insertMember(key, { name: '周先生' });
    expect(await chat.say(key, '我的券')).toContain('您现在没有可用的券');
    const voucher = await chat.api.runtime.services.vouchers.issue({
      sourceKey: `test-gift:${record._id}`,
      memberId: record._id,
      name: '免费洗车券',
      kind: 'gift',
      expiresAt: new Date('2026-12-31T23:59:59+08:00'),
    });
    for (const words of ['我的券', '我的优惠券', '卡券']) {
      const reply = await chat.say(key, words);
      expect(reply, words).toContain('您有 1 张可用券：');
      expect(reply, words).toContain(`免费洗车券\n  券码 ${voucher.code}，2026年12月31日到期`);
    }
  });

  it('门店 lists every store with phone and hours, for guests too', async () => {
    const reply = await chat.say(chat.newKey('stores'), '门店');
    expect(reply).toContain('本店\n  电话：400-800-1234\n  营业时间：每天 8:30–18:00');
    expect(reply).toContain('东区店\n  电话：请到店咨询');
  });

  it('small talk gets a short friendly answer with the menu hint', async () => {
    const key = await member('hi');
    expect(await chat.say(key, '谢谢')).toBe('不客气！还有需要随时找我，回复「菜单」看我能帮您做什么。');
    expect(await chat.say(key, '好的')).toBe('好的。还有需要随时找我，回复「菜单」看我能帮您做什么。');
  });

  it('菜单 lists every flow, 我的车 积分没到账 人工 我的券 门店 included', async () => {
    const menu = await chat.say(await member('menu'), '菜单');
    for (const word of ['我的车', '积分没到账', '人工', '我的券', '门店', '投诉', '积分规则'])
      expect(menu).toContain(`「${word}」`);
  });
});
