import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { MissingPointsReportRecord } from '../../src/data/models/missing-points-report-model';
import { givePoints } from '../helpers/member-points';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * 查积分, 明细, 为什么 and 积分没到账 through Wechaty (simulator puppet → bot → conversation). The
 * program has two stores, so 积分没到账 asks which one.
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

const db = () => chat.api.runtime.services.db;
const reportsOf = (memberId: string) =>
  db().membership.missingPointsReports.find({ memberId }).lean<MissingPointsReportRecord[]>();

async function transaction(memberId: string, category: string, amountFen: number) {
  const res = await chat.api.post(
    '/api/v1/transactions',
    {
      transactionId: `T-${randomBytes(5).toString('hex')}`,
      memberId,
      category,
      amountFen,
      occurredAt: chat.api.now().toISOString(),
    },
    'store',
  );
  expect(res.status).toBe(201);
  return res.body as { points: number; status: string };
}

describe('查积分 (balance and tier)', () => {
  const key = 'balance-rich';

  it('answers every way of asking with the balance, expiring and pending points, tier progress and vouchers', async () => {
    const member = await chat.insertMember(key, { name: '周先生' });
    // 2,000 points earned in November 2023: they expire at the end of this month.
    await givePoints(db(), program, member._id, 2_000, chat.api.now(), new Date('2023-11-10T10:00:00+08:00'));
    const service = await transaction(member._id, 'maintenance', 88_000);
    expect(service).toMatchObject({ points: 968, status: 'available' });
    // Insurance points arrive after 7 days.
    expect(await transaction(member._id, 'insurance', 100_000)).toMatchObject({
      points: 500,
      status: 'pending',
    });
    await chat.api.runtime.services.vouchers.issue({
      sourceKey: `test-gift:${member._id}`,
      memberId: member._id,
      name: '免费洗车券',
      kind: 'gift',
      expiresAt: new Date('2026-12-31T23:59:59+08:00'),
    });

    const expected = [
      '您现在有 2,968 积分可用。',
      '其中 2,000 积分将在 30 天内到期，记得尽快使用。',
      '另有 500 积分待到账。',
      '本会员年可享免费基础保养 2 次，还未使用。',
      '回复「明细」看最近的积分变化，「兑换」用积分换礼品。',
    ];
    const asks = ['查积分', '我有多少分', '积分余额', 'jf', 'JF', '积份', '1', '查 积分！', '我的等级'];
    for (const words of asks) {
      const reply = await chat.say(key, words);
      for (const line of expected) expect(reply, words).toContain(line);
      expect(reply, words).toMatch(/会员等级：铜卡，再获得 [\d,]+ 积分可升级为银卡。/);
      expect(reply, words).toMatch(/可用券：免费洗车券（券码 [A-Z0-9]{8}，2026年12月31日到期）/);
    }
    for (const key2 of ['MENU_BALANCE', 'balance']) {
      expect(await chat.act(key, { type: 'menu_click', key: key2 })).toContain('您现在有 2,968 积分可用。');
    }
    // Voice with WeChat's recognition is read like text.
    expect(
      await chat.act(key, { type: 'voice', mediaId: 'v1', format: 'amr', recognition: '查一下积分余额。' }),
    ).toContain('您现在有 2,968 积分可用。');
  });

  it('two members asking at once each see their own balance', async () => {
    const [a, b] = ['balance-a', 'balance-b'];
    const [first, second] = await Promise.all([chat.insertMember(a), chat.insertMember(b)]);
    await givePoints(db(), program, first._id, 1_111, chat.api.now());
    await givePoints(db(), program, second._id, 2_222, chat.api.now());
    const replies = await Promise.all([chat.say(a, '查积分'), chat.say(b, '查积分'), chat.say(a, '余额')]);
    expect(replies[0]).toContain('您现在有 1,111 积分可用。');
    expect(replies[1]).toContain('您现在有 2,222 积分可用。');
    expect(replies[2]).toContain('您现在有 1,111 积分可用。');
  });
});

describe('明细 and 为什么', () => {
  it('explain each entry in plain words, from any of their names', async () => {
    const key = 'history';
    const member = await chat.insertMember(key);
    await givePoints(db(), program, member._id, 300, chat.api.now());
    await transaction(member._id, 'maintenance', 88_000);
    const explained =
      '保养消费 ¥880.00 × 1 分/元 = 880 积分，首笔消费奖励 10% +88 积分，共 968 积分，2029年11月30日到期';
    for (const words of ['明细', 'mx', '积分记录', '我的积分明细', '2']) {
      const reply = await chat.say(key, words);
      expect(reply, words).toContain(`最近的积分变化：\n· 2026年11月25日 +968 积分\n  ${explained}`);
      expect(reply, words).toContain('· 2026年11月25日 +300 积分\n  人工调整 +300 积分：test');
      expect(reply, words).toContain('回复「为什么」看最近一笔是怎么算的');
    }
    for (const words of ['为什么', '为啥', 'wsm', '积分怎么这么少', '3']) {
      expect(await chat.say(key, words), words).toBe(
        `最近一笔是 2026年11月25日 +968 积分，是这样来的：\n${explained}\n想看更多记录，回复「明细」。`,
      );
    }
  });

  it('a member without entries is told how to earn some', async () => {
    const key = 'history-empty';
    await chat.insertMember(key);
    const empty = '您还没有积分记录。到店消费、推荐好友都能获得积分。回复「推荐」看看推荐有礼。';
    expect(await chat.say(key, '明细')).toBe(empty);
    expect(await chat.say(key, '为什么')).toBe(empty);
  });
});

describe('积分没到账', () => {
  it('reports date, amount, store and an invoice photo (from any of its names)', async () => {
    for (const words of ['积分没到账', 'mdz', '上次保养没加积分', '漏积分']) {
      const key = `missing-${randomBytes(3).toString('hex')}`;
      const member = await chat.insertMember(key);
      expect(await chat.say(key, words), words).toBe(
        '哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）',
      );
      expect(await chat.say(key, '11月20日')).toBe('消费金额是多少元？（例如 1280 或 1280.50）');
      expect(await chat.say(key, '¥1,280.50')).toBe('在哪家门店消费的？回复序号：\n1. 本店\n2. 东区店');
      expect(await chat.say(key, '2')).toBe('有发票或小票的照片吗？有的话直接发过来，没有请回复「跳过」。');
      expect(
        await chat.act(key, { type: 'image', mediaId: 'media-9', imageUrl: 'https://img.test/receipt.jpg' }),
      ).toBe(
        // The service named when asking (slots) is named back.
        `已收到：2026年11月20日 ${words.includes('保养') ? '保养' : ''}消费 ¥1,280.50。门店核实后会在这里告诉您结果。回复「查积分」看看您的积分。`,
      );
      const [report] = await reportsOf(member._id);
      expect(report).toMatchObject({
        date: '2026-11-20',
        amountFen: 128_050,
        storeId: 'east',
        channel: 'chat',
        status: 'open',
        invoice: { url: 'https://img.test/receipt.jpg', mediaId: 'media-9' },
      });
    }
  });

  it('re-asks a bad date, amount, store or invoice answer with its reason', async () => {
    const key = 'missing-bad';
    const member = await chat.insertMember(key);
    await chat.say(key, '积分没到账');
    for (const bad of ['明天', '2026-11-26', '2026-02-30', '13-40', '上周']) {
      expect(await chat.say(key, bad), bad).toContain(
        '日期应为今天或以前的真实日期，例如 2026-11-20 或 11-20。请再试一次：',
      );
    }
    await chat.say(key, '昨天');
    for (const bad of ['0', '很多', '12.345', '-5']) {
      expect(await chat.say(key, bad), bad).toContain('金额应为大于 0 的数字，最多两位小数，例如 1280.50。');
    }
    // A photo where an amount is asked for.
    expect(
      await chat.act(key, { type: 'image', mediaId: 'm', imageUrl: 'https://img.test/x.jpg' }),
    ).toContain('这一步需要您打字回答，不用发图片。请再试一次：\n消费金额是多少元');
    await chat.say(key, '560');
    expect(await chat.say(key, '3')).toContain('请回复门店前面的序号。请再试一次');
    await chat.say(key, '1');
    expect(await chat.say(key, '发票丢了')).toContain('请发一张照片，或回复「跳过」。');
    expect(await reportsOf(member._id)).toEqual([]);
    expect(await chat.say(key, '没有')).toContain('已收到：2026年11月24日 消费 ¥560.00。');
    const [report] = await reportsOf(member._id);
    expect(report).toMatchObject({ date: '2026-11-24', amountFen: 56_000, storeId: 'main', invoice: null });
  });

  it('取消 mid-way files nothing; 明细 interrupts and 继续 resumes at the question', async () => {
    const key = 'missing-cancel';
    const member = await chat.insertMember(key);
    await chat.say(key, '积分没到账');
    await chat.say(key, '今天');
    expect(await chat.say(key, '退出')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    expect(await chat.say(key, '300')).toContain('抱歉，我没太明白');
    expect(await reportsOf(member._id)).toEqual([]);

    await chat.say(key, '积分没到账');
    await chat.say(key, '前天');
    const interrupted = await chat.say(key, '明细');
    expect(interrupted).toContain('您还没有积分记录');
    expect(interrupted).toContain('刚才的「积分没到账」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toBe('消费金额是多少元？（例如 1280 或 1280.50）');
    await chat.say(key, '99');
    await chat.say(key, '1');
    expect(await chat.say(key, '跳过')).toContain('已收到：2026年11月23日 消费 ¥99.00。');
  });

  it('times out after 10 minutes without filing; two members report at once', async () => {
    const key = 'missing-late';
    const member = await chat.insertMember(key);
    await chat.say(key, '积分没到账');
    await chat.say(key, '今天');
    await chat.say(key, '800');
    chat.advance(11 * 60_000);
    expect(await chat.say(key, '1')).toContain('上次的操作已超时，已为您取消。');
    expect(await reportsOf(member._id)).toEqual([]);

    const pair = ['missing-a', 'missing-b'];
    const members = await Promise.all(pair.map((k) => chat.insertMember(k)));
    const script = async (k: string, amount: string) => {
      for (const line of ['积分没到账', '今天', amount, '1']) await chat.say(k, line);
      return chat.say(k, '跳过');
    };
    const done = await Promise.all([script(pair[0]!, '100'), script(pair[1]!, '200')]);
    expect(done[0]).toContain('消费 ¥100.00');
    expect(done[1]).toContain('消费 ¥200.00');
    const amounts = await Promise.all(
      members.map(async (m) => (await reportsOf(m._id)).map((r) => r.amountFen)),
    );
    expect(amounts).toEqual([[10_000], [20_000]]);
  });
});
