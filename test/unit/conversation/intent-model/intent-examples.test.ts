import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelIntents } from '../../../../src/conversation/intents/model/model-intent';
import { normalizeMessage } from '../../../../src/conversation/intents/model/normalize-message';
import {
  HELD_OUT_EXAMPLES_DIR,
  loadHeldOutExamples,
  loadTrainingExamples,
  TRAINING_EXAMPLES_DIR,
} from '../../../helpers/intent-examples';

const train = loadTrainingExamples();
const heldOut = loadHeldOutExamples();

describe('the labelled intent examples', () => {
  it('have a training and a held-out file for every model intent, and nothing else', () => {
    for (const dir of [TRAINING_EXAMPLES_DIR, HELD_OUT_EXAMPLES_DIR]) {
      const files = readdirSync(dir).sort();
      expect(files).toEqual(modelIntents.map((intent) => `${intent}.txt`).sort());
    }
  });

  it('have at least 40 examples per intent, about 30% of them held out', () => {
    for (const intent of modelIntents) {
      const trained = train.filter((example) => example.intent === intent).length;
      const held = heldOut.filter((example) => example.intent === intent).length;
      expect(trained + held, intent).toBeGreaterThanOrEqual(40);
      expect(held, intent).toBeGreaterThanOrEqual(20);
    }
    const share = heldOut.length / (train.length + heldOut.length);
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.4);
  });

  it('hold out no message that is also in training (compared after normalising)', () => {
    const trained = new Map(train.map((example) => [normalizeMessage(example.text), example.intent]));
    const leaked = heldOut.filter((example) => trained.has(normalizeMessage(example.text)));
    expect(leaked).toEqual([]);
  });

  it('never label the same message two ways', () => {
    const labels = new Map<string, Set<string>>();
    for (const example of [...train, ...heldOut]) {
      const normal = normalizeMessage(example.text);
      labels.set(normal, (labels.get(normal) ?? new Set()).add(example.intent));
    }
    expect([...labels].filter(([, intents]) => intents.size > 1)).toEqual([]);
  });

  it('include the messages issue 15 names', () => {
    const all = new Map([...train, ...heldOut].map((example) => [example.text, example.intent]));
    expect(all.get('我想办个会员卡')).toBe('signup');
    expect(all.get('更新里程')).toBe('my_car');
    expect(all.get('换了车牌')).toBe('my_car');
    expect(all.get('别再给我发广告了')).toBe('unsubscribe');
    expect(all.get('恢复活动通知')).toBe('subscribe');
    expect(all.get('我不想当会员了把我的信息删掉')).toBe('erase');
    expect(all.get('上周保养的积分没加上')).toBe('missing_points');
  });
});

describe('loadTrainingExamples', () => {
  const root = mkdtempSync(join(tmpdir(), 'intent-examples-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the source-tree training files, which hold none of the held-out part', () => {
    expect(TRAINING_EXAMPLES_DIR).toMatch(/src[\\/]conversation[\\/]intents[\\/]examples$/);
    const trained = new Set(train.map((example) => example.text));
    expect(heldOut.filter((example) => trained.has(example.text))).toEqual([]);
  });

  it('skips blank and comment lines and rejects a file that is not an intent', () => {
    const other = mkdtempSync(join(root, 'other-'));
    writeFileSync(join(other, 'balance.txt'), '# how members ask\n\n 查积分 \n');
    expect(loadTrainingExamples(other)).toEqual([{ text: '查积分', intent: 'balance' }]);
    writeFileSync(join(other, 'weather.txt'), '今天天气\n');
    expect(() => loadTrainingExamples(other)).toThrow(/not a model intent/);
  });
});
