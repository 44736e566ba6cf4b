import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../../flows';
import { runtimeCopy } from '../../../../flows/copy/zh-CN';
import type { EffectResult } from '../../../../src/conversation/effect';
import { defineFlow, type Flow } from '../../../../src/conversation/flow-schema';
import { type RunContext, runStep, type StepResult } from '../../../../src/conversation/run-step';
import type { Session } from '../../../../src/conversation/session';
import { intentModel } from '../../../../src/services/intent-examples';

/** Wednesday 25 November 2026, 10:00 in Shanghai. */
const T0 = new Date('2026-11-25T02:00:00Z');

function context(flows: readonly Flow[] = allFlows): RunContext {
  return {
    member: { id: 'm1', name: '王先生' },
    timeZone: 'Asia/Shanghai',
    today: { year: 2026, month: 11, day: 25 },
    stores: [
      { id: 'pudong', name: '浦东店' },
      { id: 'minhang', name: '闵行店' },
    ],
    messageId: 'msg-1',
    flows,
    copy: runtimeCopy,
    classify: (text) => intentModel().classify(text),
  };
}

const texts = (result: StepResult) => result.replies.map((reply) => reply.text).join('\n');

function say(session: Session | null, text: string, flows?: readonly Flow[]): StepResult {
  return runStep(session, { type: 'text', text }, context(flows), T0);
}

const carLoaded: EffectResult = {
  type: 'load_car',
  value: {
    car: {
      plate: '沪B54321',
      model: '途观L',
      mileageKm: 28_000,
      insuranceEndsOn: null,
      inspectionDueOn: null,
    },
  },
};

describe('积分没到账 from the member’s own words', () => {
  it('「上周保养的积分没加上」 asks only which day of last week, then goes on as usual', () => {
    const opened = say(null, '上周保养的积分没加上');
    expect(texts(opened)).toBe(
      '上周（11月16日–11月22日）哪天的消费没拿到积分？回复星期几（例如 周六）或日期（例如 11-20）。',
    );
    expect(opened.session.flow?.data).toMatchObject({ service: 'maintenance' });
    const day = say(opened.session, '周六');
    expect(texts(day)).toBe('消费金额是多少元？（例如 1280 或 1280.50）');
    expect(day.session.flow?.data.date).toBe('2026-11-21');
    // A day after today is refused, with the usual reason.
    expect(texts(say(opened.session, '明天'))).toContain('日期应为今天或以前的真实日期');
  });

  it('「昨天在店里消费了1200没积分」 fills the date and the amount and asks for the store', () => {
    const opened = say(null, '昨天在店里消费了1200没积分');
    expect(texts(opened)).toBe('在哪家门店消费的？回复序号：\n1. 浦东店\n2. 闵行店');
    expect(opened.session.flow?.data).toMatchObject({ date: '2026-11-24', amountFen: 120_000 });
    // 返回 reaches the prefilled questions, which are then asked (nothing is prefilled twice).
    const back = say(opened.session, '返回');
    expect(texts(back)).toBe('消费金额是多少元？（例如 1280 或 1280.50）');
    expect(back.session.flow?.prefill).toBeUndefined();
  });

  it('the menu words and a menu click start with nothing filled', () => {
    expect(texts(say(null, '积分没到账'))).toBe(
      '哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）',
    );
    const clicked = runStep(null, { type: 'intent', intent: 'missing_points' }, context(), T0);
    expect(clicked.session.flow?.data).toEqual({});
  });
});

describe('我的车 from the member’s own words', () => {
  it('「里程更新一下 3万2公里」 shows the car and asks to confirm that change only', () => {
    const opened = say(null, '里程更新一下 3万2公里');
    expect(opened.effects).toEqual([{ type: 'load_car' }]);
    const loaded = runStep(opened.session, { type: 'effect_result', result: carLoaded }, context(), T0);
    expect(texts(loaded)).toContain('里程：28,000 公里');
    expect(texts(loaded)).toContain('把里程改为 32,000 公里？回复「确认」保存，不改了回复「不了」。');
    expect(texts(loaded)).not.toContain('要更新哪一项');
    const saved = say(loaded.session, '确认');
    expect(saved.effects).toEqual([{ type: 'update_car', field: 'mileageKm', value: 32_000 }]);
  });

  it('「车牌换成沪A·12345」 confirms the canonical plate; 不了 changes nothing', () => {
    const opened = say(null, '车牌换成沪A·12345');
    const loaded = runStep(opened.session, { type: 'effect_result', result: carLoaded }, context(), T0);
    expect(texts(loaded)).toContain('把车牌改为 沪A12345？');
    const declined = say(loaded.session, '不了');
    expect(declined.effects).toEqual([]);
    expect(texts(declined)).toBe('好的，没有改动。还要改别的，回复「我的车」。');
    expect(declined.session.flow).toBeNull();
  });

  it('a value typed after 我的车 is saved at once, as before', () => {
    const opened = say(null, '我的车');
    const loaded = runStep(opened.session, { type: 'effect_result', result: carLoaded }, context(), T0);
    const field = say(loaded.session, '3');
    expect(texts(field)).toContain('请输入现在的里程数');
    expect(say(field.session, '3万2').effects).toEqual([
      { type: 'update_car', field: 'mileageKm', value: 32_000 },
    ]);
  });
});

describe('a prefilled value the question refuses', () => {
  // A flow whose amount question takes at most ¥500: the slot reads ¥1,200, the question refuses it.
  const capped = defineFlow({
    id: 'capped_report',
    version: 1,
    intent: 'missing_points',
    title: '积分没到账',
    audience: 'member',
    start: 'amount',
    prefill: {
      fill: (slots) => (slots.amountFen ? { answers: { amount: String(slots.amountFen / 100) } } : {}),
    },
    steps: [
      {
        type: 'ask',
        id: 'amount',
        prompt: () => [{ text: '金额是多少元？' }],
        answer: () => z.string().transform(Number).pipe(z.number().max(500, '金额最多 500 元')),
        save: 'amount',
        next: 'store',
      },
      {
        type: 'ask',
        id: 'store',
        prompt: () => [{ text: '哪家门店？' }],
        answer: () => z.string(),
        save: 'store',
        next: null,
      },
    ],
  });

  it('is dropped and the question asked as usual, without a complaint', () => {
    const opened = say(null, '积分没到账，消费了1200元', [capped]);
    expect(texts(opened)).toBe('金额是多少元？');
    expect(opened.session.flow).toMatchObject({ step: 'amount', data: {} });
    expect(opened.session.flow?.prefill).toBeUndefined();
    expect(texts(say(opened.session, '300', [capped]))).toBe('哪家门店？');
  });

  it('is taken when the question accepts it', () => {
    const opened = say(null, '积分没到账，消费了300元', [capped]);
    expect(texts(opened)).toBe('哪家门店？');
    expect(opened.session.flow?.data).toEqual({ amount: 300 });
  });
});
