import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { MissingPointsReportRecord } from '../../src/data/models/missing-points-report-model';
import { newVehicle } from '../../src/services/new-vehicle';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * Slots through Wechaty (simulator puppet → bot → conversation service): what a member already
 * said when asking is not asked again. Wednesday 25 November 2026; 上周 is 16–22 November.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      { id: 'main', name: '本店' },
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
const carOf = async (memberId: string) =>
  (await db().members.findById(memberId).lean<MemberRecord>())?.vehicles[0] ?? null;

describe('积分没到账 with the words the member used', () => {
  it('「上周保养的积分没加上」 asks only which day of last week, then the rest as usual', async () => {
    const key = chat.newKey('slot-week');
    const member = await chat.insertMember(key, { name: '周先生' });
    expect(await chat.say(key, '上周保养的积分没加上')).toBe(
      '上周（11月16日–11月22日）哪天的消费没拿到积分？回复星期几（例如 周六）或日期（例如 11-20）。',
    );
    expect(await chat.say(key, '周六')).toBe('消费金额是多少元？（例如 1280 或 1280.50）');
    expect(await chat.say(key, '一千二')).toBe('在哪家门店消费的？回复序号：\n1. 本店\n2. 东区店');
    expect(await chat.say(key, '2')).toContain('有发票或小票的照片吗？');
    expect(await chat.say(key, '跳过')).toBe(
      '已收到：2026年11月21日 保养消费 ¥1,200.00。门店核实后会在这里告诉您结果。回复「查积分」看看您的积分。',
    );
    const [report] = await reportsOf(member._id);
    expect(report).toMatchObject({
      date: '2026-11-21',
      amountFen: 120_000,
      storeId: 'east',
      status: 'open',
      category: 'maintenance',
    });
  });

  it('「昨天在店里消费了1200没积分」 fills the date and the amount and asks only for the store', async () => {
    const key = chat.newKey('slot-day');
    const member = await chat.insertMember(key);
    expect(await chat.say(key, '昨天在店里消费了1200没积分')).toBe(
      '在哪家门店消费的？回复序号：\n1. 本店\n2. 东区店',
    );
    await chat.say(key, '1');
    expect(await chat.say(key, '跳过')).toContain('已收到：2026年11月24日 消费 ¥1,200.00。');
    const [report] = await reportsOf(member._id);
    expect(report).toMatchObject({ date: '2026-11-24', amountFen: 120_000, storeId: 'main', category: null });
  });

  it('a weekday outside the week asked about is asked again with the reason', async () => {
    const key = chat.newKey('slot-bad');
    await chat.insertMember(key);
    await chat.say(key, '上個星期修車的積分沒到賬');
    expect(await chat.say(key, '8')).toContain('日期应为今天或以前的真实日期');
    expect(await chat.say(key, '星期二')).toBe('消费金额是多少元？（例如 1280 或 1280.50）');
  });

  it('the service named is kept on the report, and staff see its proposal first', async () => {
    const key = chat.newKey('slot-repair');
    const member = await chat.insertMember(key);
    await chat.say(key, '上个星期修车的积分没到账');
    await chat.say(key, '星期二');
    await chat.say(key, '800元');
    await chat.say(key, '1');
    expect(await chat.say(key, '跳过')).toContain('已收到：2026年11月17日 维修消费 ¥800.00。');
    const [report] = await reportsOf(member._id);
    expect(report).toMatchObject({ date: '2026-11-17', amountFen: 80_000, category: 'repair' });
    const queue = await chat.api.get('/api/v1/missing-points', 'store');
    const row = queue.body.reports.find((r: { id: string }) => r.id === report!._id);
    expect(row.category).toBe('repair');
    // Without a word from the member, maintenance comes first (see missing-points-proposal.test.ts).
    expect(row.proposals.map((p: { category: string }) => p.category).slice(0, 2)).toEqual([
      'repair',
      'maintenance',
    ]);
  });
});

describe('我的车 with the new value in the same words', () => {
  it('「里程更新一下 3万2公里」 goes straight to confirming the new mileage', async () => {
    const key = chat.newKey('slot-km');
    const member = await chat.insertMember(key, { vehicles: [newVehicle('沪B54321', null)] });
    const asked = await chat.say(key, '里程更新一下 3万2公里');
    expect(asked).toContain('您的爱车：\n车牌：沪B54321');
    expect(asked).toContain('把里程改为 32,000 公里？回复「确认」保存，不改了回复「不了」。');
    expect(asked).not.toContain('要更新哪一项');
    expect(await chat.say(key, '确认')).toContain(
      '已更新。\n您的爱车：\n车牌：沪B54321\n车型：未填\n里程：32,000 公里',
    );
    expect(await carOf(member._id)).toMatchObject({ plate: '沪B54321', mileageKm: 32_000 });
  });

  it('「车牌换成沪A·12345」 confirms the plate; 不了 leaves the car as it was', async () => {
    const key = chat.newKey('slot-plate');
    const member = await chat.insertMember(key, { vehicles: [newVehicle('沪B54321', null)] });
    expect(await chat.say(key, '车牌换成沪A·12345')).toContain('把车牌改为 沪A12345？');
    expect(await chat.say(key, '不了')).toBe('好的，没有改动。还要改别的，回复「我的车」。');
    expect(await carOf(member._id)).toMatchObject({ plate: '沪B54321' });
    expect(await chat.say(key, '车牌换成沪A·12345')).toContain('把车牌改为 沪A12345？');
    expect(await chat.say(key, '确认')).toContain('车牌：沪A12345');
    expect(await carOf(member._id)).toMatchObject({ plate: '沪A12345' });
  });
});
