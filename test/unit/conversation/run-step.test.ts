import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import type { EffectResult } from '../../../src/conversation/effect';
import { type RunContext, runStep, type StepResult } from '../../../src/conversation/run-step';
import type { Session } from '../../../src/conversation/session';
import { intentModel } from '../../../src/services/intent-examples';

const T0 = new Date('2026-11-25T02:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function context(member: boolean, messageId = 'msg-1'): RunContext {
  return {
    member: member ? { id: 'm1', name: '王先生' } : null,
    timeZone: 'Asia/Shanghai',
    today: { year: 2026, month: 11, day: 25 },
    stores: [
      { id: 'pudong', name: '浦东店' },
      { id: 'minhang', name: '闵行店' },
    ],
    messageId,
    flows: allFlows,
    copy: runtimeCopy,
    classify: (text) => intentModel().classify(text),
  };
}

/** Says each line in turn (a minute apart), returning every step's result. */
function converse(lines: string[], member: boolean, start: Session | null = null): StepResult[] {
  const results: StepResult[] = [];
  let session = start;
  lines.forEach((line, i) => {
    const result = runStep(session, { type: 'text', text: line }, context(member, `msg-${i}`), later(i));
    results.push(result);
    session = result.session;
  });
  return results;
}

const texts = (result: StepResult) => result.replies.map((reply) => reply.text).join('\n');
const last = (results: StepResult[]) => results.at(-1)!;

describe('runStep', () => {
  it('answers unknown input with the two closest intents and 人工 as numbers, never a dead end', () => {
    const result = runStep(null, { type: 'text', text: '今天天气不错' }, context(true), T0);
    expect(texts(result)).toMatch(/^抱歉，我没太明白。您是想：\n1 \S+\n2 \S+\n3 人工服务\n回复数字即可/);
    expect(result.session.choices).toHaveLength(3);
    expect(result.session.choices?.[2]).toBe('human');
    expect(result.session.flow).toBeNull();
    expect(result.effects).toEqual([]);
  });

  it('shows the menu for 帮助 and for a guest invites to sign up', () => {
    expect(texts(runStep(null, { type: 'text', text: '帮助' }, context(false), T0))).toContain(
      '回复「入会」',
    );
    expect(texts(runStep(null, { type: 'text', text: '菜单' }, context(true), T0))).toContain('1 查积分');
  });

  it('declares the balance effect and renders its result with numbers for people', () => {
    const asked = runStep(null, { type: 'text', text: '我有多少分' }, context(true), T0);
    expect(asked.effects).toEqual([{ type: 'load_balance' }]);
    const result: EffectResult = {
      type: 'load_balance',
      value: {
        available: 1234,
        pending: 500,
        expiringIn30Days: 200,
        tierName: '银卡',
        next: { name: '金卡', pointsToGo: 3000 },
        freeMaintenance: { allowance: 2, used: 1, left: 1 },
        vouchers: [{ name: '免费基础保养券', code: 'ABCD2345', expiresAt: '2029-03-31T04:00:00.000Z' }],
      },
    };
    const shown = runStep(asked.session, { type: 'effect_result', result }, context(true), T0);
    expect(texts(shown)).toContain('您现在有 1,234 积分可用');
    expect(texts(shown)).toContain('200 积分将在 30 天内到期');
    expect(texts(shown)).toContain('再获得 3,000 积分可升级为金卡');
    expect(texts(shown)).toContain('2029年3月31日到期');
    expect(shown.session.flow).toBeNull();
  });

  it('keeps member-only flows from guests and sign-up from members', () => {
    expect(texts(runStep(null, { type: 'text', text: '查积分' }, context(false), T0))).toBe(
      runtimeCopy.membersOnly,
    );
    expect(texts(runStep(null, { type: 'text', text: '入会' }, context(true), T0))).toBe(
      runtimeCopy.alreadyMember,
    );
  });

  it('re-asks a bad answer with the reason', () => {
    const results = converse(['入会', '王先生', '12345'], false);
    expect(texts(last(results))).toContain('手机号应为 11 位中国大陆手机号');
    expect(texts(last(results))).toContain('请输入您的手机号');
    expect(last(results).session.flow?.step).toBe('mobile');
  });

  it('goes back a step with 返回 and says so at the first step', () => {
    const results = converse(['入会', '王先生', '返回'], false);
    expect(texts(last(results))).toContain('怎么称呼您');
    expect(last(results).session.flow?.step).toBe('name');
    const again = converse(['返回'], false, last(results).session);
    expect(texts(last(again))).toContain(runtimeCopy.firstStep);
  });

  it.each(['取消', '算了', '退出'])('cancels anywhere with %s', (word) => {
    const results = converse(['入会', '王先生', word], false);
    expect(texts(last(results))).toBe(runtimeCopy.cancelled);
    expect(last(results).session.flow).toBeNull();
    expect(texts(last(converse([word], false)))).toBe(runtimeCopy.nothingToCancel);
  });

  it('times out politely after 10 minutes and handles the message afresh', () => {
    const [started] = converse(['入会'], false);
    const result = runStep(started!.session, { type: 'text', text: '王先生' }, context(false), later(11));
    expect(result.replies[0]?.text).toBe(runtimeCopy.timedOut);
    expect(result.session.flow).toBeNull();
    // Within 10 minutes the answer is taken.
    const inTime = runStep(started!.session, { type: 'text', text: '王先生' }, context(false), later(9));
    expect(inTime.session.flow?.step).toBe('mobile');
  });

  it('lets another intent interrupt and resumes with 继续', () => {
    const results = converse(['入会', '王先生', '帮助'], false);
    expect(texts(last(results))).toContain('1 查积分');
    expect(texts(last(results))).toContain('刚才的「入会」还没完成，回复「继续」接着办');
    const resumed = converse(['继续'], false, last(results).session);
    expect(texts(last(resumed))).toContain('请输入您的手机号');
    expect(last(resumed).session.flow?.data).toEqual({ name: '王先生' });
  });

  it('keeps the interrupted flow when the interrupting intent is not for this person', () => {
    const results = converse(['入会', '王先生', '查积分'], false);
    expect(texts(last(results))).toContain(runtimeCopy.membersOnly);
    expect(texts(last(results))).toContain('回复「继续」接着办');
    expect(last(results).session.suspended?.step).toBe('mobile');
  });

  it('sends the SMS code effect after a valid mobile, then asks for the code', () => {
    const results = converse(['入会', '王先生', '138 1234 5678'], false);
    expect(last(results).effects).toEqual([{ type: 'send_sms_code', mobile: '13812345678' }]);
    const sent = runStep(
      last(results).session,
      { type: 'effect_result', result: { type: 'send_sms_code', value: { ok: true } } },
      context(false),
      later(3),
    );
    expect(texts(sent)).toContain('验证码已发送到 138****5678');
    const wrong = runStep(sent.session, { type: 'text', text: '123456' }, context(false), later(4));
    expect(wrong.effects).toEqual([{ type: 'verify_sms_code', mobile: '13812345678', code: '123456' }]);
    const told = runStep(
      wrong.session,
      {
        type: 'effect_result',
        result: { type: 'verify_sms_code', value: { ok: false, reason: 'wrong', attemptsLeft: 4 } },
      },
      context(false),
      later(4),
    );
    expect(texts(told)).toContain('验证码不对，还可以再试 4 次');
    expect(told.session.flow?.step).toBe('code');
  });

  it('needs an explicit 确认注销 before erasing', () => {
    const results = converse(['注销', '是'], true);
    expect(texts(last(results))).toContain('需要回复「确认注销」四个字才能注销');
    expect(last(results).effects).toEqual([]);
    const confirmed = converse(['确认注销'], true, last(results).session);
    expect(last(confirmed).effects).toEqual([{ type: 'erase' }]);
  });

  it('redeems: says how many points are missing, takes numbers as answers, keys the request', () => {
    const asked = runStep(null, { type: 'text', text: '兑换' }, context(true), T0);
    expect(asked.effects).toEqual([{ type: 'load_catalogue' }]);
    const catalogue: EffectResult = {
      type: 'load_catalogue',
      value: {
        available: 800,
        tierName: '铜卡',
        rewards: [
          { id: 'wash', name: '洗车券', cost: 500, hold: null },
          { id: 'oil', name: '机油保养', cost: 3000, hold: { kind: 'points', missing: 2200 } },
        ],
      },
    };
    const listed = runStep(asked.session, { type: 'effect_result', result: catalogue }, context(true), T0);
    expect(texts(listed)).toContain('1. 洗车券 — 500 积分');
    expect(texts(listed)).toContain('· 机油保养 — 3,000 积分（还差 2,200 积分）');
    expect(texts(converse(['2'], true, listed.session)[0]!)).toContain('请回复礼品前面的序号');
    const tooDear = converse(['机油保养'], true, listed.session);
    expect(texts(last(tooDear))).toContain('您还差 2,200 积分');
    const chosen = converse(['1', '确认'], true, last(tooDear).session);
    expect(last(chosen).effects).toEqual([{ type: 'redeem', rewardId: 'wash', requestId: 'chat:msg-1' }]);
  });

  it('drops an effect result nobody waits for', () => {
    const result = runStep(
      null,
      { type: 'effect_result', result: { type: 'erase', value: { ok: true } } },
      context(true),
      T0,
    );
    expect(result.replies).toEqual([]);
    expect(result.session.flow).toBeNull();
  });

  it('drops a member flow when the person is no longer a member (erased or unlinked meanwhile)', () => {
    const [asked] = converse(['注销'], true);
    const result = runStep(asked!.session, { type: 'text', text: '确认注销' }, context(false), later(1));
    expect(result.effects).toEqual([]);
    expect(result.session.flow).toBeNull();
    // Read afresh, 「确认注销」 asks for 注销, which needs a member.
    expect(texts(result)).toBe(runtimeCopy.membersOnly);
  });

  it('tells an account whose membership moved to another WeChat why, with the date, instead of "join first"', () => {
    const moved = { ...context(false), movedAwayAt: '2026-11-20T17:00:00Z' };
    for (const words of ['查积分', '兑换', '注销']) {
      const result = runStep(null, { type: 'text', text: words }, moved, T0);
      expect(texts(result), words).toBe(
        '您的会员已于2026年11月21日绑定到另一个微信，这个微信暂时不能使用会员服务。如果不是您本人操作，请回复「人工」联系门店找回；也可以回复「入会」用其他手机号加入。',
      );
    }
    // Joining with another mobile is still open to it.
    expect(texts(runStep(null, { type: 'text', text: '入会' }, moved, T0))).toContain('先告诉我怎么称呼您');
  });

  it('starts a flow from a menu CLICK intent', () => {
    const result = runStep(null, { type: 'intent', intent: 'referral' }, context(true), T0);
    expect(result.effects).toEqual([{ type: 'load_referral' }]);
  });

  it('reports missing points: relative dates, yuan to fen, the store by number, a photo or 跳过', () => {
    const results = converse(['积分没到账', '明天', '昨天', '12.345', '¥1,280.5', '3', '2'], true);
    expect(texts(results[1]!)).toContain('日期应为今天或以前的真实日期');
    expect(texts(results[3]!)).toContain('金额应为大于 0 的数字');
    expect(texts(results[4]!)).toContain('1. 浦东店');
    expect(texts(results[5]!)).toContain('请回复门店前面的序号');
    expect(texts(results[6]!)).toContain('有发票或小票的照片吗');
    const photo = runStep(
      last(results).session,
      { type: 'image', mediaId: 'media-1', imageUrl: 'https://img.test/1.jpg' },
      context(true),
      later(8),
    );
    expect(photo.effects).toEqual([
      {
        type: 'open_missing_report',
        date: '2026-11-24',
        amountFen: 128050,
        storeId: 'minhang',
        invoice: { mediaId: 'media-1', imageUrl: 'https://img.test/1.jpg' },
      },
    ]);
    const skipped = converse(['跳过'], true, last(results).session);
    expect(last(skipped).effects[0]).toMatchObject({ type: 'open_missing_report', invoice: null });
  });

  it('asks for words when a photo answers a written question', () => {
    const [started] = converse(['积分没到账'], true);
    const result = runStep(
      started!.session,
      { type: 'image', mediaId: 'm', imageUrl: 'https://img.test/x.jpg' },
      context(true),
      later(1),
    );
    expect(texts(result)).toContain('这一步需要您打字回答');
    expect(result.session.flow?.step).toBe('date');
  });

  it('forgets the offered choices after the idle timeout, so a late 「1」 is the menu number again', () => {
    const asked = runStep(null, { type: 'text', text: '保养积分' }, context(true), T0);
    expect(asked.session.choices).toEqual(['missing_points', 'balance']);
    const soon = runStep(asked.session, { type: 'text', text: '2' }, context(true), later(1));
    expect(soon.effects).toEqual([{ type: 'load_balance' }]);
    expect(soon.session.choices).toBeUndefined();
    const late = runStep(asked.session, { type: 'text', text: '2' }, context(true), later(11));
    expect(late.effects).toEqual([{ type: 'load_history', limit: expect.any(Number) }]);
  });

  it('counts misses only in a row: an understood message in between starts the count again', () => {
    const [first, , third] = converse(['啊啊啊啊', '查积分', '呜呜呜呜呜'], true);
    expect(first!.session.misses).toBe(1);
    expect(texts(third!)).toContain('抱歉，我没太明白');
    expect(texts(third!)).not.toContain('还是没弄明白');
  });

  it('inside a flow keeps a valid answer, and leaves for 「算了，<request>」', () => {
    const [, answered] = converse(['积分没到账', '昨天'], true);
    expect(answered!.session.flow?.step).toBe('amount');
    const [, , left] = converse(['积分没到账', '昨天', '算了，我要兑换礼品'], true);
    expect(left!.session.flow?.flowId).toBe('redeem');
    expect(left!.session.suspended?.flowId).toBe('missing_points');
  });
});
