import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { programFaqCopy } from '../../../flows/copy/program-faq';
import { smalltalkReply } from '../../../flows/copy/smalltalk';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import { deepMerge } from '../../../src/config/deep-merge';
import { defaultProgram } from '../../../src/config/default-program';
import { defaultProgramInput } from '../../../src/config/default-program-input';
import { parseProgram } from '../../../src/config/parse-program';
import { complaintDetail } from '../../../src/conversation/complaint-detail';
import type { EffectResults } from '../../../src/conversation/effect';
import type { IntentId } from '../../../src/conversation/intents/intent-id';
import { menuNumbers } from '../../../src/conversation/intents/intent-table';
import { matchIntent } from '../../../src/conversation/intents/match-intent';
import { type ProgramTopic, programTopic } from '../../../src/conversation/program-question';
import { type RunContext, runStep } from '../../../src/conversation/run-step';
import { type SmalltalkTopic, smalltalkTopic } from '../../../src/conversation/smalltalk';
import { programFacts } from '../../../src/rules/program-facts';
import { intentModel } from '../../../src/services/intent-examples';

const T0 = new Date('2026-11-25T02:00:00Z');

function context(member: boolean, text?: string): RunContext {
  return {
    member: member ? { id: 'm1', name: '王先生' } : null,
    timeZone: 'Asia/Shanghai',
    today: { year: 2026, month: 11, day: 25 },
    stores: [{ id: 'main', name: '本店', phone: '400-800-1234', hours: '每天 8:30–18:00' }],
    messageId: 'msg-1',
    flows: allFlows,
    copy: runtimeCopy,
    classify: (words) => intentModel().classify(words),
    ...(text === undefined ? {} : { text }),
  };
}

describe('small talk', () => {
  it.each<[string, SmalltalkTopic | null]>([
    ['你好', 'greeting'],
    ['您好！', 'greeting'],
    ['Hi', 'greeting'],
    ['谢谢', 'thanks'],
    ['谢谢啦~', 'thanks'],
    ['谢谢谢谢', 'thanks'],
    ['在吗', 'present'],
    ['在吗？？', 'present'],
    ['有人吗', 'present'],
    ['好的', 'ok'],
    ['好的好的', 'ok'],
    ['OK', 'ok'],
    ['再见', 'bye'],
    ['拜拜', 'bye'],
    ['哈哈', 'laugh'],
    ['哈哈哈哈', 'laugh'],
    ['👍', 'like'],
    ['👍👍', 'like'],
    ['查积分', null],
    ['谢谢，我想查积分', null],
    ['', null],
  ])('「%s」 is %s', (text, topic) => {
    expect(smalltalkTopic(text)).toBe(topic);
  });

  it.each<[string, string]>([
    ['谢谢', '不客气！'],
    ['在吗', '在的！'],
    ['你好', '您好！'],
    ['好的', '好的。'],
    ['再见', '再见，祝您用车愉快！'],
    ['哈哈', '很高兴能帮到您'],
    ['👍', '谢谢您的认可！'],
  ])('「%s」 gets a fitting answer with the menu hint, outside a flow', (text, start) => {
    const member = runStep(null, { type: 'text', text }, context(true), T0);
    const reply = member.replies.map((r) => r.text).join('\n');
    expect(reply).toContain(start);
    expect(reply).toMatch(/回复「菜单」看我能帮您做什么。$/);
    expect(member.effects).toEqual([]);
    const guest = runStep(null, { type: 'text', text }, context(false), T0);
    expect(guest.replies.map((r) => r.text).join('\n')).toContain('回复「入会」加入会员');
  });

  it('small talk the model recognises but no word list knows gets the general answer', () => {
    expect(smalltalkReply(null, true)).toBe(
      '您好，我在的！想查积分回复「查积分」，回复「菜单」看我能帮您做什么。',
    );
  });
});

describe('the topic of a question about the program', () => {
  const tiers = ['铜卡', '银卡', '金卡', '钻石卡'];
  it.each<[string, ProgramTopic]>([
    ['怎么升级银卡', 'tiers'],
    ['会员有什么等级', 'tiers'],
    ['金卡要多少积分', 'tiers'],
    ['等级会降吗', 'tiers'],
    ['积分怎么算', 'earning'],
    ['消费一块钱积几分', 'earning'],
    ['生日有双倍积分吗', 'earning'],
    ['积分多久过期', 'expiry'],
    ['積分有效期多長', 'expiry'],
    ['积分会清零吗', 'expiry'],
    ['积分能换什么', 'redemption'],
    ['积分可以抵现吗', 'redemption'],
    ['积分可以当钱用吗', 'redemption'],
    ['推荐朋友有什么奖励', 'referral'],
    ['邀请好友送积分吗', 'referral'],
    ['积分规则', 'overview'],
    ['1', 'overview'],
  ])('「%s」 → %s', (text, topic) => {
    expect(programTopic(text, tiers)).toBe(topic);
  });
});

describe('answers from the program', () => {
  const facts = programFacts(defaultProgram);
  const answer = (text: string, f = facts) =>
    programFaqCopy.answer(
      programTopic(
        text,
        f.tiers.map((t) => t.name),
      ),
      f,
      text,
    );

  it.each<[string, string[]]>([
    [
      '怎么升级银卡',
      ['升到银卡：一个会员年度内累计 10,000 积分', '金卡：年度累计 30,000 积分', '回复「查积分」'],
    ],
    [
      '会员有什么等级',
      ['会员共 4 个等级', '铜卡：入会即是，积分 1 倍，服务 9.5 折，每年 2 次免费保养', '最多降 1 级'],
    ],
    [
      '积分怎么算',
      [
        '每实付 ¥1 积分',
        '保养、维修、配件、精品装饰：1 分',
        '购车：0.1 分（14 天后可用）',
        '银卡 1.2 倍',
        '每月 18 日会员日 2 倍',
        '首次消费再多送 10%',
        '回复「为什么」',
      ],
    ],
    ['积分多久过期', ['第 36 个月的月底过期', '回复「查积分」']],
    ['积分能换什么', ['100 积分抵 ¥1', '免费洗车 1,500 积分', '回复「兑换」']],
    ['推荐朋友有什么奖励', ['朋友入会得 500 积分', '您再得 2,000 积分', '回复「推荐」']],
    ['积分规则', ['会员规则一览', '银卡（10,000 积分）', '有效期：36 个月']],
  ])('「%s」 is answered with the numbers', (text, parts) => {
    const reply = answer(text);
    for (const part of parts) expect(reply, part).toContain(part);
    expect(reply).not.toContain('没太明白');
    expect(reply).toMatch(/回复「[^」]+」[^。]*。$/);
  });

  it('a changed program changes the answer', () => {
    const changed = programFacts(
      parseProgram(
        deepMerge(defaultProgramInput, {
          tiers: [
            { ...defaultProgramInput.tiers[0]! },
            { ...defaultProgramInput.tiers[1]!, threshold: 12_345 },
            { ...defaultProgramInput.tiers[2]! },
            { ...defaultProgramInput.tiers[3]! },
          ],
          expiry: { months: 24, endOfMonth: false },
          redemption: { pointsPerYuan: 50 },
        }),
      ),
    );
    expect(answer('怎么升级银卡', changed)).toContain('累计 12,345 积分');
    expect(answer('积分多久过期', changed)).toContain('自获得之日起 24 个月后过期');
    expect(answer('积分能换什么', changed)).toContain('50 积分抵 ¥1');
  });

  it('opened by a question, the flow answers from the facts the service loads', () => {
    const ctx = context(false, '积分多久过期');
    const opened = runStep(null, { type: 'text', text: '积分多久过期' }, ctx, T0);
    expect(opened.effects).toEqual([{ type: 'load_program_facts' }]);
    const answered = runStep(
      opened.session,
      { type: 'effect_result', result: { type: 'load_program_facts', value: facts } },
      ctx,
      T0,
    );
    expect(answered.replies.map((r) => r.text).join('\n')).toContain('36 个月');
    expect(answered.session.flow).toBeNull();
  });
});

describe('投诉', () => {
  it.each<[string, boolean]>([
    ['你们店服务太差了，等了三个小时', true],
    ['销售态度很差，一直催我买保险', true],
    ['我要投诉你们店的洗车，车没洗干净', true],
    ['投诉', false],
    ['我要投诉', false],
    ['我想投诉一下', false],
    ['差评！', false],
    ['1', false],
  ])('「%s」 already says what happened: %s', (text, says) => {
    expect(complaintDetail(text) !== null).toBe(says);
  });

  const contact: EffectResults['load_store_contact'] = {
    name: '本店',
    phone: '400-800-1234',
    hours: '每天 8:30–18:00',
    address: null,
  };
  const recorded: EffectResults['record_complaint'] = { callBackWithinHours: 24, store: contact };

  function open(text: string, member = true) {
    const ctx = context(member, text);
    const first = runStep(null, { type: 'text', text }, ctx, T0);
    expect(first.effects).toEqual([{ type: 'load_store_contact' }]);
    const next = runStep(
      first.session,
      { type: 'effect_result', result: { type: 'load_store_contact', value: contact } },
      ctx,
      T0,
    );
    return { ctx, next };
  }

  it('a message that already tells the complaint is recorded without a question', () => {
    const { ctx, next } = open('你们店服务太差了，等了三个小时');
    expect(next.replies).toEqual([]);
    expect(next.effects).toEqual([
      { type: 'record_complaint', text: '你们店服务太差了，等了三个小时', requestId: 'msg-1' },
    ]);
    const done = runStep(
      next.session,
      { type: 'effect_result', result: { type: 'record_complaint', value: recorded } },
      ctx,
      T0,
    );
    expect(done.replies.map((r) => r.text).join('\n')).toBe(
      '已记下您的投诉，非常抱歉给您带来不好的体验。本店的负责人会在 24 小时内给您回电；着急的话也可以直接拨打 400-800-1234。回复「菜单」看看我还能帮您做什么。',
    );
  });

  it('「我要投诉」 asks one question, then records the answer', () => {
    const { next } = open('我要投诉');
    expect(next.replies.map((r) => r.text)).toEqual([
      '很抱歉让您不满意。请说说发生了什么，我马上转给门店负责人（不想提交了回复「取消」）。',
    ]);
    const ctx = { ...context(true, '保养等了三个小时没人管'), messageId: 'msg-2' };
    const answered = runStep(next.session, { type: 'text', text: '保养等了三个小时没人管' }, ctx, T0);
    expect(answered.effects).toEqual([
      { type: 'record_complaint', text: '保养等了三个小时没人管', requestId: 'msg-2' },
    ]);
  });

  it('someone not yet a member gets the store phone, nothing recorded', () => {
    const { next } = open('你们店服务太差了，等了三个小时', false);
    expect(next.effects).toEqual([]);
    expect(next.replies.map((r) => r.text).join('\n')).toContain('电话 400-800-1234');
  });
});

describe('菜单', () => {
  it('offers every flow a member can ask for (我的车, 积分没到账, 人工, 投诉 included)', () => {
    const menu = runtimeCopy.menu(true);
    const reachable = new Set<IntentId>();
    for (const [number, intent] of Object.entries(menuNumbers)) {
      if (new RegExp(`(^|\\n)${number} `).test(menu)) reachable.add(intent);
    }
    // Each 「word」 routes where it says (copy-promises.test.ts checks that): its keyword's intent.
    for (const [, word] of menu.matchAll(/「([^」]+)」/g)) {
      const intent = matchIntent(word!, { mode: 'strict' });
      if (intent) reachable.add(intent);
    }
    const wanted = allFlows.map((flow) => flow.intent).filter((intent) => intent !== 'rate_service');
    expect(wanted.filter((intent) => !reachable.has(intent))).toEqual([]);
    for (const word of ['我的车', '积分没到账', '人工', '投诉']) expect(menu).toContain(`「${word}」`);
  });
});
