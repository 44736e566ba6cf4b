import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequestRecord } from '../../src/data/models/callback-request-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { ServiceFeedbackRecord } from '../../src/data/models/service-feedback-model';
import { newVehicle } from '../../src/services/new-vehicle';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';
import { waitFor } from '../helpers/wait-for';

/**
 * 我的车, the post-service rating and 人工 through Wechaty (simulator puppet → bot → conversation):
 * happy paths, synonyms, invalid answers (bad plate, bad date, out-of-range rating…), cancelling,
 * interrupting and resuming, timeouts and two members at once, with the stored state checked.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

const db = () => chat.api.runtime.services.db;
const carOf = async (memberId: string) =>
  (await db().members.findById(memberId).lean<MemberRecord>())?.vehicles[0] ?? null;

describe('我的车', () => {
  it('shows the car and updates plate, model, mileage and dates (from any of its names)', async () => {
    const key = 'car-happy';
    const member = await chat.insertMember(key);
    for (const words of ['我的车', '爱车', 'wdc', '车辆信息']) {
      const shown = await chat.say(key, words);
      expect(shown, words).toContain('您的爱车：\n还没有登记车辆信息。\n要更新哪一项？回复序号：\n1 车牌');
      await chat.say(key, '取消');
    }
    expect(await chat.act(key, { type: 'menu_click', key: 'MENU_MY_CAR' })).toContain('您的爱车：');
    expect(await chat.say(key, '1')).toBe('请输入车牌号（例如 沪A12345）：');
    expect(await chat.say(key, '京a 12345')).toContain('已更新。\n您的爱车：\n车牌：京A12345\n车型：未填');
    const steps: [string, string, string][] = [
      ['2', '途观L 2023款', '车型：途观L 2023款'],
      ['3', '35，000 公里', '里程：35,000 公里'],
      ['4', '2027/3/31', '保险到期：2027年3月31日'],
      ['5', '2027年6月30日', '年检日期：2027年6月30日'],
    ];
    for (const [field, value, shown] of steps) {
      await chat.say(key, '我的车');
      await chat.say(key, field);
      const updated = await chat.say(key, value);
      expect(updated, value).toContain(shown);
      expect(updated).toContain('还要改别的，回复「我的车」。');
    }
    expect(await carOf(member._id)).toMatchObject({
      plate: '京A12345',
      model: '途观L 2023款',
      mileageKm: 35_000,
      insuranceEndsOn: '2027-03-31',
      inspectionDueOn: '2027-06-30',
    });
  });

  it('re-asks a bad field number, plate, model, mileage or date and changes nothing', async () => {
    const key = 'car-bad';
    const member = await chat.insertMember(key, { vehicles: [newVehicle('沪A12345', null)] });
    await chat.say(key, '我的车');
    for (const bad of ['6', '0', '车牌']) {
      expect(await chat.say(key, bad), bad).toContain('请回复 1–5 的序号。请再试一次');
    }
    await chat.say(key, '1');
    for (const bad of ['ABC123', '沪A1234']) {
      expect(await chat.say(key, bad), bad).toBe(
        '车牌号格式不正确，例如 沪A12345 或 粤BD12345。请再试一次：\n请输入车牌号（例如 沪A12345）：',
      );
    }
    expect(await chat.say(key, '跳过')).toBe(
      '这里需要填车牌号，不改了就回复「取消」。请再试一次：\n请输入车牌号（例如 沪A12345）：',
    );
    await chat.say(key, '取消');
    await chat.say(key, '我的车');
    await chat.say(key, '2');
    expect(await chat.say(key, '很'.repeat(41))).toContain('车型请填 1–40 个字。请再试一次');
    await chat.say(key, '取消');
    await chat.say(key, '我的车');
    await chat.say(key, '3');
    for (const bad of ['-5', '很多', '3000000']) {
      expect(await chat.say(key, bad), bad).toContain('里程应为 0–2,000,000 之间的整数公里数。');
    }
    await chat.say(key, '取消');
    await chat.say(key, '我的车');
    await chat.say(key, '4');
    for (const bad of ['2027-13-01', '2027-02-29', '明年三月']) {
      expect(await chat.say(key, bad), bad).toContain('日期应为真实日期，例如 2027-03-31。请再试一次');
    }
    expect(await chat.say(key, '算了')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    expect(await carOf(member._id)).toMatchObject({
      plate: '沪A12345',
      mileageKm: null,
      insuranceEndsOn: null,
      model: null,
    });
  });

  it('查积分 interrupts, 继续 asks the same question, a timeout drops it', async () => {
    const key = 'car-resume';
    const member = await chat.insertMember(key);
    await chat.say(key, '我的车');
    await chat.say(key, '3');
    const interrupted = await chat.say(key, '查积分');
    expect(interrupted).toContain('您现在有 0 积分可用。');
    expect(interrupted).toContain('刚才的「我的车」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toBe('请输入现在的里程数，单位公里（例如 35000）：');
    expect(await chat.say(key, '12000')).toContain('里程：12,000 公里');

    await chat.say(key, '我的车');
    await chat.say(key, '3');
    chat.advance(11 * 60_000);
    expect(await chat.say(key, '50000')).toContain('上次的操作已超时');
    expect((await carOf(member._id))?.mileageKm).toBe(12_000);
  });

  it('two members updating at once each change their own car', async () => {
    const keys = ['car-a', 'car-b'];
    const members = await Promise.all(keys.map((key) => chat.insertMember(key)));
    const update = async (key: string, km: string) => {
      await chat.say(key, '我的车');
      await chat.say(key, '3');
      return chat.say(key, km);
    };
    await Promise.all([update(keys[0]!, '1111'), update(keys[1]!, '2222')]);
    expect((await carOf(members[0]!._id))?.mileageKm).toBe(1_111);
    expect((await carOf(members[1]!._id))?.mileageKm).toBe(2_222);
  });
});

describe('post-service rating', () => {
  /** A member whose maintenance visit today got the follow-up question. */
  async function asked(key: string) {
    const member = await chat.insertMember(key);
    const transactionId = `svc-${randomBytes(5).toString('hex')}`;
    const res = await chat.api.post(
      '/api/v1/transactions',
      {
        transactionId,
        memberId: member._id,
        category: 'maintenance',
        amountFen: 60_000,
        occurredAt: chat.api.now().toISOString(),
      },
      'store',
    );
    expect(res.status).toBe(201);
    expect((await chat.api.runtime.services.feedback.ask(transactionId)).status).toBe('asked');
    // The question's delivery settles before the member answers (here it is skipped: the member has
    // not written in 48 hours and the program has no template), so it cannot land mid-answer.
    await waitFor(
      async () => {
        const record = await db().delivery.deliveries.findById(`care:post_service:${transactionId}`).lean();
        return record && !['queued', 'sending'].includes(record.status);
      },
      10_000,
      'the rating question delivery to settle',
    );
    return transactionId;
  }
  const feedback = (id: string) => db().followUp.feedback.findById(id).lean<ServiceFeedbackRecord>();

  it('takes 五星 and a comment, once; a second rating is thanked, not recorded', async () => {
    const key = 'rate-happy';
    const id = await asked(key);
    expect(await chat.say(key, '五星')).toBe(
      '收到您的评分，谢谢您的支持！\n可以说说哪里做得好或需要改进吗？回复「跳过」结束',
    );
    expect(await chat.say(key, '师傅很专业，讲得很清楚')).toBe(
      '已记下您的建议，谢谢！我们会继续改进。回复「菜单」看看我能做什么。',
    );
    expect(await feedback(id)).toMatchObject({
      rating: 5,
      comment: '师傅很专业，讲得很清楚',
      alertedAt: null,
    });
    expect(await chat.say(key, '4分')).toBe('您已经评过分了，再次感谢您的反馈！回复「菜单」看看我能做什么。');
    expect((await feedback(id))?.rating).toBe(5);
  });

  it('an out-of-range rating is told the range (not taken for a menu number), then a good one is kept', async () => {
    const key = 'rate-range';
    const id = await asked(key);
    for (const bad of ['6分', '10', '七星']) {
      expect(await chat.say(key, bad), bad).toBe(
        '请回复 1–5 之间的数字。\n请为这次服务打分，回复数字即可（分数越高越满意）。',
      );
    }
    expect(await chat.say(key, '很好')).toContain('请回复一个数字打分，例如 5。请再试一次');
    expect((await feedback(id))?.rating).toBeNull();
    const low = await chat.say(key, '2');
    expect(low).toContain('很抱歉这次没让您满意，门店负责人会尽快跟进。');
    expect(await chat.say(key, '好'.repeat(501))).toContain('建议请控制在 500 字以内。请再试一次');
    expect(await chat.say(key, '跳过')).toBe('好的，感谢您的评价！回复「菜单」看看我能做什么。');
    const record = await feedback(id);
    expect(record).toMatchObject({ rating: 2, comment: null });
    expect(record?.alertedAt).not.toBeNull();
    // Answered: an out-of-range number is a menu number again (7 = 退订).
    expect(await chat.say(key, '7')).toContain('已为您退订活动和优惠消息');
  });

  it('cancelling the comment keeps the rating; a rating while another flow waits answers that flow', async () => {
    const key = 'rate-cancel';
    const id = await asked(key);
    await chat.say(key, '5');
    expect(await chat.say(key, '取消')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    expect(await feedback(id)).toMatchObject({ rating: 5, comment: null });

    const other = 'rate-busy';
    const otherId = await asked(other);
    await chat.say(other, '我的车');
    // 3 picks the mileage field; the rating question waits.
    expect(await chat.say(other, '3')).toBe('请输入现在的里程数，单位公里（例如 35000）：');
    expect((await feedback(otherId))?.rating).toBeNull();
  });

  it('the comment question is interrupted and resumed, or times out without a comment', async () => {
    const key = 'rate-resume';
    const id = await asked(key);
    await chat.say(key, '4');
    const interrupted = await chat.say(key, '明细');
    expect(interrupted).toContain('最近的积分变化');
    expect(interrupted).toContain('刚才的「服务评价」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toBe('可以说说哪里做得好或需要改进吗？回复「跳过」结束');
    chat.advance(11 * 60_000);
    expect(await chat.say(key, '洗车没洗干净')).toContain('上次的操作已超时');
    expect(await feedback(id)).toMatchObject({ rating: 4, comment: null });
  });

  it('two members rating at once each rate their own visit', async () => {
    const keys = ['rate-a', 'rate-b'];
    const ids = await Promise.all(keys.map((key) => asked(key)));
    await Promise.all([chat.say(keys[0]!, '3'), chat.say(keys[1]!, '5分')]);
    expect((await feedback(ids[0]!))?.rating).toBe(3);
    expect((await feedback(ids[1]!))?.rating).toBe(5);
  });
});

describe('人工', () => {
  const callbacksOf = (memberId: string) =>
    db().followUp.callbacks.find({ memberId }).lean<CallbackRequestRecord[]>();

  it('gives the store’s phone and hours and books a callback with a note (from any of its names)', async () => {
    for (const words of ['人工', '转人工', 'kf', '我要找客服']) {
      const key = `human-${randomBytes(3).toString('hex')}`;
      const member = await chat.insertMember(key);
      const contact = await chat.say(key, words);
      expect(contact, words).toBe(
        '需要人工服务的话，可以直接联系本店：\n电话：400-800-1234\n营业时间：每天 8:30–18:00\n地址：上海市浦东新区示例路 88 号\n也可以请门店工作人员给您回电：回复「回电」；不需要就回复「不用」。',
      );
      expect(await chat.say(key, '回电')).toContain('请用一句话说说想咨询什么');
      expect(await chat.say(key, '想预约周六上午保养')).toBe(
        '已为您登记回电，本店的工作人员会在营业时间内联系您。回复「菜单」看看我能做什么。',
      );
      const [callback] = await callbacksOf(member._id);
      expect(callback).toMatchObject({ note: '想预约周六上午保养', status: 'open', storeId: 'main' });
      expect(callback!.recentMessages.map((message) => message.text)).toContain(words);
    }
    expect(await chat.act('human-click', { type: 'menu_click', key: 'MENU_HUMAN' })).toContain(
      '回复「入会」加入会员，还可以在这里预约回电。',
    );
  });

  it('re-asks a bad answer, 不用 books nothing, 取消 at the note books nothing', async () => {
    const key = 'human-bad';
    const member = await chat.insertMember(key);
    await chat.say(key, '人工');
    expect(await chat.say(key, '也许')).toContain('请回复「回电」或「不用」。请再试一次');
    expect(await chat.say(key, '不用')).toBe('好的。有需要随时回复「人工」。');
    await chat.say(key, '人工');
    await chat.say(key, '回电');
    expect(await chat.say(key, '说'.repeat(201))).toContain('说明请控制在 200 字以内。请再试一次');
    expect(await chat.say(key, '取消')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    expect(await callbacksOf(member._id)).toEqual([]);
  });

  it('the note is interrupted and resumed; a note after the timeout books nothing', async () => {
    const key = 'human-resume';
    const member = await chat.insertMember(key);
    await chat.say(key, '客服');
    await chat.say(key, '要');
    const interrupted = await chat.say(key, '查积分');
    expect(interrupted).toContain('刚才的「人工服务」还没完成，回复「继续」接着办。');
    expect(await chat.say(key, '继续')).toContain('请用一句话说说想咨询什么');
    chat.advance(11 * 60_000);
    expect(await chat.say(key, '想问问保险')).toContain('上次的操作已超时');
    expect(await callbacksOf(member._id)).toEqual([]);
    await chat.say(key, '人工');
    await chat.say(key, '回电');
    expect(await chat.say(key, '跳过')).toContain('已为您登记回电');
    expect(await callbacksOf(member._id)).toMatchObject([{ note: null, status: 'open' }]);
  });

  it('two members asking for a callback at once each get their own', async () => {
    const keys = ['human-a', 'human-b'];
    const members = await Promise.all(keys.map((key) => chat.insertMember(key)));
    const book = async (key: string, note: string) => {
      await chat.say(key, '人工');
      await chat.say(key, '回电');
      return chat.say(key, note);
    };
    await Promise.all([book(keys[0]!, '甲的问题'), book(keys[1]!, '乙的问题')]);
    const notes = await Promise.all(members.map(async (m) => (await callbacksOf(m._id)).map((c) => c.note)));
    expect(notes).toEqual([['甲的问题'], ['乙的问题']]);
  });
});
