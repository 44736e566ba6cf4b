import { beforeAll, describe, expect, it } from 'vitest';
import { decideIntent } from '../../../../src/conversation/intents/model/decide-intent';
import {
  type Classification,
  defaultTrainOptions,
  type IntentModel,
  trainIntentModel,
} from '../../../../src/conversation/intents/model/train-intent-model';
import { loadHeldOutExamples, loadTrainingExamples } from '../../../helpers/intent-examples';

const train = loadTrainingExamples();
let model: IntentModel;
beforeAll(() => {
  model = trainIntentModel(train);
});

describe('trainIntentModel → classify', () => {
  // Sentences in neither example file, so these test what the model learned, not what it stored.
  it.each([
    ['帮我查查积分', 'balance'],
    ['積分還剩多少', 'balance'],
    ['jf cx', 'balance'],
    ['积份有几分', 'balance'],
    ['can you check my points', 'balance'],
    ['兑奂个礼品', 'redeem'],
    ['我想办张会员卡', 'signup'],
    ['我的劵呢', 'my_vouchers'],
    ['退订吧', 'unsubscribe'],
    ['不想再收推送', 'unsubscribe'],
    ['帮我注销', 'erase'],
    // Negations: not what the words alone say.
    ['先别退订', 'subscribe'],
    ['我不想退订了', 'subscribe'],
    ['千万别注销', 'none'],
    ['我可没说注销', 'none'],
    ['取消下周的预约', 'booking'],
    ['你好哇', 'smalltalk'],
    ['？？？', 'help'],
    ['sdkfjhsd', 'none'],
  ])('%j → %s', (text, intent) => {
    expect(train.map((example) => example.text)).not.toContain(text);
    expect(model.classify(text).top.intent).toBe(intent);
  });

  it('is sure of a negation although it shares its characters with the opposite intent', () => {
    expect(model.classify('先别退订').top.score).toBeGreaterThan(0.9);
    expect(model.classify('千万别注销').top.score).toBeGreaterThan(0.9);
  });

  it('ranks every intent once, best first, with probabilities that sum to 1', () => {
    const result = model.classify('上周保养的积分没加上');
    expect(result.ranked.map((entry) => entry.intent).sort()).toEqual([...model.intents].sort());
    const scores = result.ranked.map((entry) => entry.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 9);
    expect(result.top).toEqual(result.ranked[0]);
    expect(result.margin).toBeCloseTo(scores[0]! - scores[1]!, 12);
  });

  it('trains deterministically: two trainings give identical scores', () => {
    const again = trainIntentModel(train);
    for (const example of loadHeldOutExamples().slice(0, 60)) {
      expect(again.classify(example.text)).toEqual(model.classify(example.text));
    }
  });

  it('depends on the examples: a different seed or order changes the weights, not the verdicts', () => {
    const reseeded = trainIntentModel(train, { ...defaultTrainOptions, seed: 7 });
    const text = '我的积分快过期了吗';
    expect(reseeded.classify(text).top.score).not.toBe(model.classify(text).top.score);
    expect(reseeded.classify(text).top.intent).toBe(model.classify(text).top.intent);
  });

  it('refuses to train on nothing', () => {
    expect(() => trainIntentModel([])).toThrow(/no examples/);
  });
});

describe('decideIntent', () => {
  const classification = (scores: [string, number][]): Classification => {
    const ranked = scores.map(([intent, score]) => ({ intent, score })) as Classification['ranked'];
    return { ranked, top: ranked[0]!, margin: ranked[0]!.score - ranked[1]!.score };
  };

  it('acts on a clear intent', () => {
    expect(
      decideIntent(
        classification([
          ['balance', 0.9],
          ['history', 0.05],
          ['none', 0.05],
        ]),
      ),
    ).toEqual({
      kind: 'intent',
      intent: 'balance',
      score: 0.9,
    });
  });

  it('asks between the two likeliest when they are close or the best is unsure', () => {
    expect(
      decideIntent(
        classification([
          ['why', 0.5],
          ['program_faq', 0.4],
          ['none', 0.1],
        ]),
      ),
    ).toEqual({
      kind: 'clarify',
      choices: ['why', 'program_faq'],
    });
    expect(
      decideIntent(
        classification([
          ['why', 0.4],
          ['none', 0.1],
          ['program_faq', 0.1],
        ]),
      ),
    ).toEqual({
      kind: 'clarify',
      choices: ['why', 'program_faq'],
    });
  });

  it('answers "not understood" with the closest two real intents when none wins or all are unlikely', () => {
    expect(
      decideIntent(
        classification([
          ['none', 0.8],
          ['erase', 0.15],
          ['help', 0.05],
        ]),
      ),
    ).toEqual({
      kind: 'not_understood',
      closest: ['erase', 'help'],
    });
    expect(
      decideIntent(
        classification([
          ['help', 0.08],
          ['why', 0.07],
          ['none', 0.05],
          ['erase', 0.04],
        ]),
      ),
    ).toEqual({ kind: 'not_understood', closest: ['help', 'why'] });
  });

  it('acts at once on a bare keyword such as 积分', () => {
    const decision = decideIntent(model.classify('积分'));
    expect(decision).toMatchObject({ kind: 'intent', intent: 'balance' });
  });
});
