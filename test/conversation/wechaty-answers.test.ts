import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { ComplaintRecord } from '../../src/data/models/complaint-model';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';

/**
 * Issue 15 (items 4–5) through Wechaty: 投诉 recorded and alerted to the store, questions about
 * the program answered with its numbers, 门店 and 人工 with the store's address, and small talk
 * answered as what it is.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      {
        id: 'main',
        name: '本店',
        phone: '400-800-1234',
        hours: '每天 8:30–18:00',
        address: '上海市浦东新区张杨路 88 号',
      },
      { id: 'north', name: '北区店', phone: '021-58881234' },
    ],
    complaints: { callBackWithinHours: 12 },
  }),
);

let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: '2026-11-25T10:00:00+08:00', program });
});
afterAll(() => chat?.stop());

const complaintsOf = (memberId: string) =>
  chat.api.runtime.services.db.followUp.complaints.find({ memberId }).lean<ComplaintRecord[]>();

describe('投诉', () => {
  it('a message that already says what happened is recorded at once, the store alerted, the member told who calls and by when', async () => {
    const key = chat.newKey('complain');
    const member = await chat.insertMember(key, { name: '周先生' });
    await chat.say(key, '查积分');
    const reply = await chat.say(key, '你们店服务太差了，等了三个小时');
    expect(reply).toBe(
      '已记下您的投诉，非常抱歉给您带来不好的体验。本店的负责人会在 12 小时内给您回电；着急的话也可以直接拨打 400-800-1234。回复「菜单」看看我还能帮您做什么。',
    );
    const [complaint, ...others] = await complaintsOf(member._id);
    expect(others).toEqual([]);
    expect(complaint).toMatchObject({
      storeId: 'main',
      text: '你们店服务太差了，等了三个小时',
      handledAt: null,
    });
    expect(complaint!.recentMessages.map((m) => m.text)).toEqual([
      '查积分',
      '你们店服务太差了，等了三个小时',
    ]);

    // The store's counter sees it in the alert list (mobile masked), and handles it.
    const listed = await chat.api.get('/api/v1/complaints?handled=false', 'store');
    expect(listed.status).toBe(200);
    const alert = listed.body.complaints.find((c: { id: string }) => c.id === complaint!._id);
    expect(alert).toMatchObject({
      storeId: 'main',
      text: '你们店服务太差了，等了三个小时',
      member: { id: member._id, name: '周先生', mobile: expect.stringContaining('****') },
      recentMessages: [
        { text: '查积分', at: expect.any(String) },
        { text: '你们店服务太差了，等了三个小时', at: expect.any(String) },
      ],
      handledAt: null,
    });
    const handled = await chat.api.post(`/api/v1/complaints/${complaint!._id}/handled`, {}, 'store');
    expect(handled.status).toBe(200);
    expect(handled.body.duplicate).toBe(false);
    const open = await chat.api.get('/api/v1/complaints?handled=false', 'store');
    expect(open.body.complaints.map((c: { id: string }) => c.id)).not.toContain(complaint!._id);
  });

  it("「我要投诉」 asks what happened once, then records the answer; the member's home store is alerted", async () => {
    const key = chat.newKey('complain-ask');
    const member = await chat.insertMember(key, { homeStoreId: 'north' });
    expect(await chat.say(key, '我要投诉')).toBe(
      '很抱歉让您不满意。请说说发生了什么，我马上转给门店负责人（不想提交了回复「取消」）。',
    );
    expect(await complaintsOf(member._id)).toEqual([]);
    const reply = await chat.say(key, '保养完车上全是油印子，找了两次都没人处理');
    expect(reply).toContain('北区店的负责人会在 12 小时内给您回电；着急的话也可以直接拨打 021-58881234。');
    const [complaint] = await complaintsOf(member._id);
    expect(complaint).toMatchObject({ storeId: 'north', text: '保养完车上全是油印子，找了两次都没人处理' });
    // The main store's key does not see the north store's complaint, nor handle it.
    const mainList = await chat.api.get('/api/v1/complaints', 'store');
    expect(mainList.body.complaints.map((c: { id: string }) => c.id)).not.toContain(complaint!._id);
    expect((await chat.api.post(`/api/v1/complaints/${complaint!._id}/handled`, {}, 'store')).status).toBe(
      403,
    );
    const adminList = await chat.api.get('/api/v1/complaints?storeId=north&handled=false');
    expect(adminList.body.complaints.map((c: { id: string }) => c.id)).toContain(complaint!._id);
  });

  it('取消 at the question records nothing; the model hears a complaint in plain words', async () => {
    const key = chat.newKey('complain-cancel');
    const member = await chat.insertMember(key);
    await chat.say(key, '投诉');
    expect(await chat.say(key, '取消')).toBe('好的，已取消。回复「菜单」看看还能做什么。');
    expect(await complaintsOf(member._id)).toEqual([]);
    const reply = await chat.say(key, '你们的销售态度太恶劣了，我要投诉他');
    expect(reply).toContain('已记下您的投诉');
    expect(await complaintsOf(member._id)).toHaveLength(1);
  });

  it('someone not yet a member is given the store phone, nothing recorded', async () => {
    const reply = await chat.say(chat.newKey('complain-guest'), '我要投诉，你们店服务太差了');
    expect(reply).toContain('请直接联系本店的负责人：电话 400-800-1234（每天 8:30–18:00）');
  });
});

describe('questions about the program', () => {
  it.each<[string, string[]]>([
    ['怎么升级银卡', ['升到银卡：一个会员年度内累计 10,000 积分', '回复「查积分」']],
    ['积分怎么算', ['保养、维修、配件、精品装饰：1 分', '购车：0.1 分（14 天后可用）', '回复「为什么」']],
    ['积分多久过期', ['第 36 个月的月底过期']],
    ['积分能抵多少钱', ['100 积分抵 ¥1', '免费洗车 1,500 积分', '回复「兑换」']],
    ['会员有什么等级', ['会员共 4 个等级', '钻石卡：年度累计 80,000 积分']],
    // The labelled examples send these to the 兑换 and 推荐 flows, which answer with the same numbers.
    ['积分能换什么', ['免费洗车', '1,500 积分']],
    ['推荐朋友有什么奖励', ['朋友入会即得 500 积分', '您再得 2,000 积分']],
  ])("「%s」 is answered with the program's numbers", async (question, parts) => {
    const key = chat.newKey('faq');
    await chat.insertMember(key);
    const reply = await chat.say(key, question);
    for (const part of parts) expect(reply, part).toContain(part);
    expect(reply).not.toContain('没太明白');
  });

  it('a guest asking gets the same answer, and a newly published program changes it', async () => {
    const guest = chat.newKey('faq-guest');
    expect(await chat.say(guest, '银卡要多少积分才能升')).toContain('累计 10,000 积分');
    expect(await chat.say(guest, '积分多久过期')).toContain('第 36 个月的月底过期');
    const published = await chat.api.post('/api/v1/program', {
      tiers: defaultProgramInput.tiers.map((tier) =>
        tier.code === 'silver' ? { ...tier, threshold: 12_000 } : tier,
      ),
      expiry: { months: 24, endOfMonth: false },
      redemption: { pointsPerYuan: 50 },
    });
    expect(published.status).toBe(201);
    expect(await chat.say(guest, '银卡要多少积分才能升')).toContain('累计 12,000 积分');
    expect(await chat.say(guest, '积分多久过期')).toContain('自获得之日起 24 个月后过期');
    expect(await chat.say(guest, '积分能抵多少钱')).toContain('50 积分抵 ¥1');
  });
});

describe('门店 and 人工 with the address', () => {
  it("门店 shows each store's address where it has one", async () => {
    const reply = await chat.say(chat.newKey('stores'), '门店');
    expect(reply).toContain(
      '本店\n  地址：上海市浦东新区张杨路 88 号\n  电话：400-800-1234\n  营业时间：每天 8:30–18:00',
    );
    expect(reply).toContain('北区店\n  电话：021-58881234');
  });

  it("人工 gives the home store's address with its phone", async () => {
    const key = chat.newKey('human');
    await chat.insertMember(key);
    expect(await chat.say(key, '人工')).toContain(
      '电话：400-800-1234\n营业时间：每天 8:30–18:00\n地址：上海市浦东新区张杨路 88 号',
    );
  });
});

describe('small talk', () => {
  it.each<[string, string]>([
    ['你好', '您好！我是会员小助手，回复「菜单」看我能帮您做什么。'],
    ['谢谢', '不客气！还有需要随时找我，回复「菜单」看我能帮您做什么。'],
    ['在吗', '在的！有什么可以帮您？回复「菜单」看我能帮您做什么。'],
    ['好的', '好的。还有需要随时找我，回复「菜单」看我能帮您做什么。'],
    ['再见', '再见，祝您用车愉快！需要时回复「菜单」看我能帮您做什么。'],
    ['哈哈', '😄 很高兴能帮到您！回复「菜单」看我能帮您做什么。'],
    ['👍', '谢谢您的认可！回复「菜单」看我能帮您做什么。'],
  ])('「%s」 gets a short answer that fits', async (words, answer) => {
    const key = chat.newKey('chat');
    await chat.insertMember(key);
    expect(await chat.say(key, words)).toBe(answer);
  });
});
