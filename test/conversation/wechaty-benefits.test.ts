import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * 查积分 and 权益 through Wechaty (simulator puppet → bot → conversation) after free maintenances
 * are used at the counter through the staff API. Default program: 铜卡 2 a year, 金卡 4 with the
 * birthday gift and 8.5折.
 */
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => chat?.stop());

const use = (memberId: string, requestId: string) =>
  chat.api.post(`/api/v1/members/${memberId}/benefits/free_maintenance/use`, { requestId }, 'store');

describe('查积分 and 权益 show the free maintenances used and left', () => {
  it('a 铜卡 member: one used → 查积分 says used 1, left 1; 权益 lists it with the next step', async () => {
    const key = chat.newKey('bronze');
    const member = await chat.insertMember(key, { name: '吴先生' });
    expect((await use(member._id, 'counter-1')).status).toBe(200);

    const balance = await chat.say(key, '查积分');
    expect(balance).toContain('本会员年免费基础保养已用 1 次，还剩 1 次。');

    for (const words of ['权益', '我有什么权益', '会员权益']) {
      const reply = await chat.say(key, words);
      expect(reply, words).toBe(
        [
          '您是铜卡会员，本会员年（到 2027年11月24日）的权益：',
          '· 本会员年免费基础保养已用 1 次，还剩 1 次。',
          '· 到店保养维修工时配件享 9.5 折。',
          '想用免费保养，回复「预约」约个时间，预约时选用即可；「查积分」看积分。',
        ].join('\n'),
      );
    }

    expect((await use(member._id, 'counter-2')).status).toBe(200);
    expect(await chat.say(key, '查积分')).toContain('本会员年免费基础保养 2 次已用完。');
    expect(await chat.say(key, '权益')).toContain('回复「预约」约保养，「查积分」看积分。');
  });

  it('a 金卡 member with a birthday sees the birthday gift; the undo shows at once', async () => {
    const key = chat.newKey('gold');
    const member = await chat.insertMember(key, { birthday: { month: 3, day: 5, year: null } });
    await chat.api.runtime.services.db.members.updateOne(
      { _id: member._id },
      { $set: { 'tier.tierCode': 'gold', 'tier.freeMaintenanceAllowance': 4 } },
    );
    await use(member._id, 'g-1');
    await use(member._id, 'g-2');
    await chat.api.post(`/api/v1/members/${member._id}/benefits/free_maintenance/use/g-2/undo`, {}, 'store');
    const reply = await chat.say(key, '权益');
    expect(reply).toContain('您是金卡会员');
    expect(reply).toContain('· 本会员年免费基础保养已用 1 次，还剩 3 次。');
    expect(reply).toContain('· 到店保养维修工时配件享 8.5 折。');
    expect(reply).toContain('· 生日礼：3月5日生日当天送「生日礼遇券」。');
    expect(reply).not.toContain('专属服务顾问');
    // The reply's keywords route where they say.
    expect(await chat.say(key, '查积分')).toContain('本会员年免费基础保养已用 1 次，还剩 3 次。');
  });

  it('the menu has the one line for 权益', async () => {
    const key = chat.newKey('menu');
    await chat.insertMember(key);
    expect(await chat.say(key, '菜单')).toContain('本会员年的权益还剩多少：回复「权益」');
  });
});
