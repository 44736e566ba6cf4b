import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import type { IntentId } from '../../../src/conversation/intents/intent-id';
import { matchCommand } from '../../../src/conversation/intents/match-command';
import type { Step } from '../../../src/conversation/flow-schema';
import { type RunContext, runStep } from '../../../src/conversation/run-step';
import type { Session } from '../../../src/conversation/session';
import { intentModel } from '../../../src/services/intent-examples';

/**
 * "A promise is a contract": every keyword any copy tells a member to type (「回复「X」」 in the
 * flows' copy, the delivery copy and templates) does what it promises. Outside a flow it starts
 * the same flow as asking for that intent directly; commands are commands; the rest are answers
 * to the question the copy asks, which the flow's own parser takes.
 */
const SOURCES = ['flows/copy', 'src/delivery', 'src/conversation', 'src/config', 'src/bookings'];

const promised: Record<string, IntentId | 'command' | 'answer'> = {
  查积分: 'balance',
  明细: 'history',
  为什么: 'why',
  兑换: 'redeem',
  推荐: 'referral',
  入会: 'signup',
  我的车: 'my_car',
  积分没到账: 'missing_points',
  我的券: 'my_vouchers',
  门店: 'stores',
  权益: 'benefits',
  人工: 'human',
  投诉: 'complaint',
  积分规则: 'program_faq',
  预约: 'booking',
  我的预约: 'my_bookings',
  取消预约: 'my_bookings',
  退订: 'unsubscribe',
  订阅: 'subscribe',
  注销: 'erase',
  菜单: 'help',
  取消: 'command',
  继续: 'command',
  返回: 'command',
  // Answers to the question the same sentence asks (兑换 pages, 人工 call-back, sign-up consent, …).
  下一页: 'answer',
  不了: 'answer',
  不用: 'answer',
  不要: 'answer',
  同意: 'answer',
  回电: 'answer',
  确认: 'answer',
  确认注销: 'answer',
  要: 'answer',
  跳过: 'answer',
  重发: 'answer',
  // 我的预约's question after choosing a booking, and 预约's after a slot was taken meanwhile.
  改期: 'answer',
  换一天: 'answer',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|ya?ml)$/.test(entry.name) ? [path] : [];
  });
}

function promisedKeywords(): Set<string> {
  const found = new Set<string>();
  for (const file of SOURCES.flatMap(filesUnder)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/回复[：:]?((?:「[^」]+」[、，或和与]?)+)/g)) {
      for (const word of match[1]!.matchAll(/「([^」]+)」/g)) found.add(word[1]!);
    }
  }
  return found;
}

function context(member: boolean): RunContext {
  return {
    member: member ? { id: 'm1', name: '王先生' } : null,
    timeZone: 'Asia/Shanghai',
    today: { year: 2026, month: 11, day: 25 },
    stores: [{ id: 'main', name: '本店', phone: '400-800-1234', hours: '每天 8:30–18:00' }],
    messageId: 'msg-1',
    flows: allFlows,
    copy: runtimeCopy,
    classify: (text) => intentModel().classify(text),
  };
}

const T0 = new Date('2026-11-25T02:00:00Z');

describe('every keyword the copy promises', () => {
  const keywords = [...promisedKeywords()].sort();

  it('finds the promises, and each one is decided in this test', () => {
    expect(keywords).toEqual(
      expect.arrayContaining([
        '查积分',
        '我的券',
        '人工',
        '菜单',
        '门店',
        '投诉',
        '积分规则',
        '我的车',
        '积分没到账',
      ]),
    );
    expect(keywords.filter((word) => !(word in promised))).toEqual([]);
  });

  it.each(keywords.filter((word) => promised[word] !== 'answer' && promised[word] !== 'command'))(
    '「%s」 starts the flow it promises',
    (word) => {
      const intent = promised[word] as IntentId;
      const ctx = context(intent !== 'signup');
      const typed = runStep(null, { type: 'text', text: word }, ctx, T0);
      const asked = runStep(null, { type: 'intent', intent }, ctx, T0);
      expect(typed.replies, word).toEqual(asked.replies);
      expect(typed.effects, word).toEqual(asked.effects);
      expect(typed.session.flow?.flowId ?? null, word).toBe(asked.session.flow?.flowId ?? null);
    },
  );

  it.each(keywords.filter((word) => promised[word] === 'command'))('「%s」 is a command anywhere', (word) => {
    expect(matchCommand(word)).not.toBeNull();
  });

  it('「我的券」 no longer opens 我的车 (the birthday greeting promises vouchers)', () => {
    const typed = runStep(null, { type: 'text', text: '我的券' }, context(true), T0);
    expect(typed.effects).toEqual([{ type: 'load_balance' }]);
    expect(typed.session.flow?.flowId).toBe('my_vouchers');
  });
});

/** Data a flow may hold by the time it asks (enough for every ask step's answer schema to build). */
const SAMPLE_DATA = {
  catalogue: {
    available: 900,
    tierName: '银卡',
    rewards: [{ id: 'wash', name: '洗车券', cost: 500, hold: null }],
  },
  page: 0,
  reward: { id: 'wash', name: '洗车券', cost: 500 },
  field: 'plate',
  mobile: '13812345678',
  name: '王先生',
};

function takes(step: Step, word: string): boolean {
  if (step.type !== 'ask') return false;
  try {
    return step.answer(SAMPLE_DATA, context(true)).safeParse(word).success;
  } catch {
    return false;
  }
}

/**
 * Every ask step of every flow that takes only some words: free-text questions (a name, a note)
 * take anything, so they would vouch for any promise.
 */
const askSteps = allFlows.flatMap((flow) =>
  flow.steps
    .flatMap((step) => (takes(step, '随便写点什么xyz') ? [] : [{ flow, step }]))
    .filter(({ step }) => step.type === 'ask'),
);

describe('every keyword the copy promises, further', () => {
  const keywords = [...promisedKeywords()].sort();
  const intentWords = keywords.filter((word) => promised[word] !== 'answer' && promised[word] !== 'command');
  // A member halfway through 积分没到账 (the amount question takes free text).
  const waiting = converseFrom(null, ['积分没到账', '昨天']);

  it.each(intentWords)('「%s」 works inside a flow waiting for an answer too', (word) => {
    const intent = promised[word] as IntentId;
    const member = intent !== 'signup';
    const start = member ? waiting : converseFrom(null, ['入会'], false);
    const typed = runStep(start, { type: 'text', text: word }, context(member), T0);
    const asked = runStep(null, { type: 'intent', intent }, context(member), T0);
    // The same replies as asking for it directly, except the 继续 hint for the flow left behind.
    const withoutHint = typed.replies.filter((reply) => !reply.text.includes('回复「继续」'));
    expect(withoutHint, word).toEqual(asked.replies);
    expect(typed.effects, word).toEqual(asked.effects);
    expect(typed.session.flow?.flowId ?? null, word).toBe(asked.session.flow?.flowId ?? null);
  });

  it('「取消」 ends the waiting flow and 「继续」 resumes a left one, inside any flow', () => {
    expect(runStep(waiting, { type: 'text', text: '取消' }, context(true), T0).session.flow).toBeNull();
    const left = runStep(waiting, { type: 'text', text: '菜单' }, context(true), T0);
    const resumed = runStep(left.session, { type: 'text', text: '继续' }, context(true), T0);
    expect(resumed.session.flow).toMatchObject({ flowId: 'missing_points', step: 'amount' });
  });

  it('the check of answers can fail: a word no question takes finds no taker', () => {
    expect(askSteps.length).toBeGreaterThan(5);
    expect(askSteps.filter(({ step }) => takes(step, '胡说八道'))).toEqual([]);
  });

  it.each(keywords.filter((word) => promised[word] === 'answer'))(
    '「%s」 is an answer some question of a flow takes',
    (word) => {
      const takers = askSteps.filter(({ step }) => takes(step, word));
      expect(
        takers.map(({ flow, step }) => `${flow.id}.${step.id}`),
        word,
      ).not.toEqual([]);
    },
  );
});

/** The session after typing `lines` one after another (effects left unanswered). */
function converseFrom(start: Session | null, lines: string[], member = true): Session {
  let session = start;
  for (const line of lines)
    session = runStep(session, { type: 'text', text: line }, context(member), T0).session;
  return session!;
}
