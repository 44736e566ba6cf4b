import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import type { EffectResult } from '../../../src/conversation/effect';
import {
  type RunContext,
  runStep,
  type StepInput,
  type StepResult,
} from '../../../src/conversation/run-step';
import type { Session } from '../../../src/conversation/session';
import { intentModel } from '../../../src/services/intent-examples';

/**
 * Issue 15 §5–6, the graceful edges, on the pure step: the 继续 hint said once, the flow's own
 * words restarting it (a valid answer still an answer), voice without text, photos outside a
 * question, and the misunderstood messages kept for staff.
 */
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

const texts = (result: StepResult) => result.replies.map((reply) => reply.text).join('\n');

/** Each input in turn, a minute apart, effects answered from `answers` by type. */
function converse(
  inputs: (string | StepInput)[],
  member = true,
  answers: Partial<Record<EffectResult['type'], EffectResult>> = {},
  start: Session | null = null,
): StepResult[] {
  let session = start;
  return inputs.map((input, i) => {
    const ctx = context(member, `msg-${i}`);
    const typed: StepInput = typeof input === 'string' ? { type: 'text', text: input } : input;
    let step = runStep(session, typed, ctx, later(i));
    const replies = [...step.replies];
    const misread = [...(step.misread ?? [])];
    while (step.effects.length > 0) {
      const result = answers[step.effects[0]!.type];
      if (!result) break;
      step = runStep(step.session, { type: 'effect_result', result }, ctx, later(i));
      replies.push(...step.replies);
    }
    session = step.session;
    return { ...step, replies, ...(misread.length ? { misread } : {}) };
  });
}

const balance: EffectResult = {
  type: 'load_balance',
  value: {
    available: 1234,
    pending: 0,
    expiringIn30Days: 0,
    tierName: '银卡',
    next: null,
    freeMaintenance: { allowance: 0, used: 0, left: 0 },
    vouchers: [],
  },
};
const history: EffectResult = { type: 'load_history', value: { entries: [] } };
const catalogue: EffectResult = {
  type: 'load_catalogue',
  value: {
    available: 9000,
    tierName: '银卡',
    rewards: [1, 2, 3, 4, 5].map((n) => ({ id: `r${n}`, name: `礼品${n}`, cost: 100 * n, hold: null })),
  },
};
const car: EffectResult = {
  type: 'load_car',
  value: { car: { plate: null, model: null, mileageKm: null, insuranceEndsOn: null, inspectionDueOn: null } },
};
const HINT = '回复「继续」接着办';

describe('a flow left half-way is mentioned once', () => {
  it('hints on the reply that left it, not on later replies; 继续 still resumes it', () => {
    const results = converse(['积分没到账', '昨天', '查积分', '明细', '查积分', '继续'], true, {
      load_balance: balance,
      load_history: history,
    });
    const [, , left, next, again, resumed] = results;
    expect(texts(left!)).toContain('刚才的「积分没到账」还没完成，回复「继续」接着办。');
    expect(left!.session.resumeHinted).toBe(true);
    expect(texts(next!)).not.toContain(HINT);
    expect(texts(again!)).not.toContain(HINT);
    expect(again!.session.suspended?.flowId).toBe('missing_points');
    expect(texts(resumed!)).toContain('消费金额是多少元？');
    expect(resumed!.session.resumeHinted).toBeUndefined();
  });

  it('a newly left flow gets its own hint once', () => {
    const results = converse(['积分没到账', '昨天', '帮助', '入会', '我的车', '菜单', '菜单'], true, {
      load_car: car,
    });
    // 入会 is not for a member: the hint was already given for 积分没到账.
    expect(texts(results[2]!)).toContain(HINT);
    expect(texts(results[3]!)).not.toContain(HINT);
    // Leaving 我的车 (waiting for a choice) for the menu suspends it instead: hinted once.
    expect(texts(results[5]!)).toContain('刚才的「我的车」还没完成');
    expect(texts(results[6]!)).not.toContain(HINT);
  });

  it('after the idle timeout nothing is left to hint or resume', () => {
    const [, , left] = converse(['积分没到账', '昨天', '帮助']);
    const late = runStep(left!.session, { type: 'text', text: '继续' }, context(true), later(30));
    expect(texts(late)).toBe(runtimeCopy.nothingToContinue);
    expect(late.session.resumeHinted).toBeUndefined();
  });
});

describe('asking for the same flow again restarts it', () => {
  it('「兑换」 while choosing a reward shows the list from the start, not 「请回复序号」', () => {
    const [, , restarted] = converse(['兑换', '下一页', '兑换'], true, { load_catalogue: catalogue });
    expect(restarted!.effects).toEqual([]);
    expect(texts(restarted!)).toContain('1. 礼品1');
    expect(texts(restarted!)).not.toContain('请回复礼品前面的序号');
    expect(restarted!.session.flow).toMatchObject({ flowId: 'redeem', step: 'choose', data: { page: 0 } });
  });

  it('「积分没到账」 at the amount question asks for the date again, answers forgotten', () => {
    const [, , restarted] = converse(['积分没到账', '昨天', '积分没到账']);
    expect(texts(restarted!)).toBe('哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）');
    expect(restarted!.session.flow).toMatchObject({ step: 'date', data: {}, history: [] });
  });

  it('other words for the same flow are an answer to check, not a restart', () => {
    const [, , retried] = converse(['积分没到账', '昨天', '我上周的积分没到账']);
    expect(retried!.session.flow).toMatchObject({ flowId: 'missing_points', step: 'amount' });
    expect(texts(retried!)).toContain('请再试一次');
  });

  it('an earlier suspended flow stays suspended across the restart', () => {
    const results = converse(['我的车', '积分没到账', '昨天', '积分没到账'], true, { load_car: car });
    expect(results[3]!.session.suspended).toMatchObject({ flowId: 'my_car', step: 'field' });
    expect(results[3]!.session.flow).toMatchObject({ flowId: 'missing_points', step: 'date', data: {} });
  });

  it('a valid answer is never taken for an intent: a number, a store number, a name, a plate', () => {
    // 「4」 is 积分兑换 on the menu: here it picks the fourth reward.
    const [, picked] = converse(['兑换', '4'], true, { load_catalogue: catalogue });
    expect(picked!.session.flow).toMatchObject({ step: 'confirm', data: { reward: { id: 'r4' } } });
    // 「1」 is 查积分 on the menu: here it is the first store.
    const [, , , store] = converse(['积分没到账', '昨天', '1280', '1']);
    expect(store!.session.flow).toMatchObject({ step: 'invoice', data: { storeId: 'pudong' } });
    const [, named] = converse(['入会', '王兑换'], false);
    expect(named!.session.flow).toMatchObject({ step: 'mobile', data: { name: '王兑换' } });
    const [, , plate] = converse(['我的车', '1', '沪A12345'], true, { load_car: car });
    expect(plate!.effects).toEqual([{ type: 'update_car', field: 'plate', value: '沪A12345' }]);
  });
});

describe('voice without text and photos', () => {
  it('voice outside a flow: a polite ask to type with the menu keyword', () => {
    const member = runStep(null, { type: 'voice' }, context(true), T0);
    expect(texts(member)).toBe(runtimeCopy.voiceNotHeard(true));
    expect(texts(member)).toContain('「菜单」');
    expect(texts(runStep(null, { type: 'voice' }, context(false), T0))).toContain('「入会」');
  });

  it('voice while a question waits: the apology and the same question again', () => {
    const [, , voice] = converse(['积分没到账', '昨天', { type: 'voice' }]);
    expect(texts(voice!)).toBe(
      '抱歉，我还听不懂语音，请打字回答：\n消费金额是多少元？（例如 1280 或 1280.50）',
    );
    expect(voice!.session.flow?.step).toBe('amount');
  });

  it('a photo outside a flow points to 积分没到账; a photo at a written question asks for words', () => {
    const image: StepInput = { type: 'image', mediaId: 'm', imageUrl: 'http://x/p.jpg' };
    expect(texts(runStep(null, image, context(true), T0))).toContain(
      '收到图片啦。如需补登积分，回复「积分没到账」',
    );
    const [, photo] = converse(['积分没到账', image]);
    expect(texts(photo!)).toMatch(/^这一步需要您打字回答，不用发图片。请再试一次：\n哪天的消费没拿到积分？/);
    const [, , , , invoice] = converse(['积分没到账', '昨天', '1280', '1', image]);
    expect(invoice!.effects[0]).toMatchObject({ type: 'open_missing_report', invoice: { mediaId: 'm' } });
  });
});

describe('misunderstood messages are noted for staff', () => {
  it('not understood: the text and the closest two intents with scores', () => {
    const result = runStep(null, { type: 'text', text: '今天天气不错' }, context(true), T0);
    expect(result.misread).toHaveLength(1);
    const [note] = result.misread!;
    expect(note).toMatchObject({ text: '今天天气不错', kind: 'not_understood' });
    expect(note!.closest).toHaveLength(2);
    expect(note!.closest[0]!.score).toBeGreaterThanOrEqual(note!.closest[1]!.score);
    expect(note!.closest.map((entry) => entry.intent)).not.toContain('none');
  });

  it('the second miss (人工 offered) is noted too; understood messages are not', () => {
    const [, second] = converse(['啊啊啊啊', '呜呜呜呜呜']);
    expect(second!.misread?.map((note) => note.text)).toEqual(['呜呜呜呜呜']);
    expect(runStep(null, { type: 'text', text: '查积分' }, context(true), T0).misread).toBeUndefined();
  });

  it('a clarification answered with a number is resolved; one left unanswered is noted', () => {
    const [asked, picked] = converse(['保养积分', '2'], true, { load_balance: balance });
    expect(asked!.misread).toBeUndefined();
    expect(asked!.session.clarifying).toBe('保养积分');
    expect(picked!.misread).toBeUndefined();
    expect(picked!.session.clarifying).toBeUndefined();
    const [, rephrased] = converse(['保养积分', '查积分'], true, { load_balance: balance });
    expect(rephrased!.misread).toEqual([
      expect.objectContaining({ text: '保养积分', kind: 'unresolved_clarification' }),
    ]);
  });
});
