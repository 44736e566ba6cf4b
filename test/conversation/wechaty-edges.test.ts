import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givePoints } from '../helpers/give-points';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * Issue 15 §5–6 through Wechaty (simulator puppet → bot → conversation service): a flow left
 * half-way is mentioned once, asking for the same flow again restarts it while valid answers stay
 * answers, and voice without text or a photo gets an answer that fits the step.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

async function member(prefix: string, points = 0) {
  const key = chat.newKey(prefix);
  const record = await chat.insertMember(key, { name: '郑先生' });
  if (points > 0) {
    const { db, program } = chat.api.runtime.services;
    await givePoints(db, program.current(), record._id, points, chat.api.now());
  }
  return key;
}

const HINT = '回复「继续」接着办';

describe('a flow left half-way is mentioned once', () => {
  it('hints on the reply that left it, then not again; 继续 still resumes it', async () => {
    const key = await member('hint');
    await chat.say(key, '积分没到账');
    await chat.say(key, '昨天');
    const left = await chat.say(key, '查积分');
    expect(left).toContain('可用。');
    expect(left).toContain('刚才的「积分没到账」还没完成，回复「继续」接着办。');
    for (const words of ['明细', '菜单', '谢谢'])
      expect(await chat.say(key, words), words).not.toContain(HINT);
    expect(await chat.say(key, '继续')).toContain('消费金额是多少元？');
    expect(await chat.say(key, '1280')).toContain('有发票或小票的照片吗？');
  });
});

describe('asking for the same flow again restarts it', () => {
  it('「兑换」 while choosing a reward lists them again; a number still picks one', async () => {
    const key = await member('redeem', 20_000);
    const list = await chat.say(key, '兑换');
    expect(list).toContain('1. ');
    expect(await chat.say(key, '下一页')).not.toContain('请回复礼品前面的序号');
    const again = await chat.say(key, '兑换');
    expect(again).toBe(list);
    // 「4」 is 积分兑换 on the menu; here it is the fourth reward.
    const picked = await chat.say(key, '4');
    expect(picked).toMatch(/确认/);
    expect(picked).not.toContain('请回复礼品前面的序号');
  });

  it('「积分没到账」 at the amount question starts again from the date; 「1」 answers the store', async () => {
    const key = await member('missing');
    await chat.say(key, '积分没到账');
    expect(await chat.say(key, '昨天')).toContain('消费金额是多少元？');
    const again = await chat.say(key, '积分没到账');
    expect(again).toBe('哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）');
    expect(again).not.toContain('请再试一次');
    expect(await chat.say(key, '今天')).toContain('消费金额是多少元？');
  });

  it('a name and a plate are answers, not requests', async () => {
    const guest = chat.newKey('name');
    await chat.say(guest, '入会');
    expect(await chat.say(guest, '王兑换')).toContain('手机号');
    const key = await member('plate');
    await chat.say(key, '我的车');
    await chat.say(key, '1');
    expect(await chat.say(key, '沪A12345')).toContain('沪A12345');
  });
});

describe('voice without text and photos', () => {
  it('voice outside a flow asks to type; inside one it asks the question again', async () => {
    const key = await member('voice');
    const voice = { type: 'voice', mediaId: 'v1', format: 'amr', recognition: null } as const;
    expect(await chat.act(key, voice)).toContain('抱歉，我还听不懂语音，请打字告诉我');
    await chat.say(key, '积分没到账');
    expect(await chat.act(key, { ...voice, mediaId: 'v2' })).toBe(
      '抱歉，我还听不懂语音，请打字回答：\n哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）',
    );
    expect(await chat.act(key, { ...voice, mediaId: 'v3', recognition: '昨天' })).toContain(
      '消费金额是多少元？',
    );
  });

  it('a photo outside a flow points to 积分没到账; the invoice question takes it', async () => {
    const key = await member('photo');
    const photo = { type: 'image', mediaId: 'p1', imageUrl: 'http://mmbiz.qpic.cn/r.jpg' } as const;
    expect(await chat.act(key, photo)).toContain('如需补登积分，回复「积分没到账」');
    await chat.say(key, '积分没到账');
    expect(await chat.act(key, { ...photo, mediaId: 'p2' })).toContain('这一步需要您打字回答');
    await chat.say(key, '昨天');
    await chat.say(key, '1280');
    expect(await chat.act(key, { ...photo, mediaId: 'p3' })).toContain('已收到');
  });
});
