import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import type { IntentId } from '../../../src/conversation/intents/intent-id';
import { matchCommand } from '../../../src/conversation/intents/match-command';
import { type RunContext, runStep } from '../../../src/conversation/run-step';
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
