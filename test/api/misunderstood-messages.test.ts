import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorPuppet } from '../../src/channels/simulator/simulator-puppet';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { testKeys } from '../helpers/test-config';

/**
 * Issue 15 §7: what members wrote that the assistant did not understand is kept masked, with the
 * store and the closest two intents, for marketing staff to label; kept MISUNDERSTOOD_KEEP_DAYS.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      { id: 'main', name: '本店' },
      { id: 'east', name: '东区店' },
    ],
  }),
);
const eastMarketingKey = 'test-east-marketing-key-0123456789';

let h: ApiHarness;
let sim: SimulatorPuppet;
beforeAll(async () => {
  h = await startApiHarness({
    now: '2026-11-25T10:00:00+08:00',
    program,
    env: {
      MISUNDERSTOOD_KEEP_DAYS: '30',
      STAFF_API_KEYS: `admin:${testKeys.admin},marketing:${testKeys.marketing},store@main:${testKeys.store},marketing@east:${eastMarketingKey}`,
    },
  });
  sim = h.runtime.bot!.simulator!;
});
afterAll(() => h?.stop());

const say = async (key: string, text: string) =>
  (await sim.say(key, text)).map((line) => line.text).join('\n');

async function eastGet(path: string) {
  const res = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${eastMarketingKey}` } });
  return { status: res.status, body: (await res.json()) as { messages: { storeId: string }[] } };
}

describe('GET /api/v1/conversation/misunderstood', () => {
  it('lists what was not understood, masked, newest first, with store and the closest two intents', async () => {
    await h.insertMember({ openid: sim.memberId('mu-main'), homeStoreId: 'main', name: '周先生' });
    await h.insertMember({ openid: sim.memberId('mu-east'), homeStoreId: 'east', name: '吴女士' });
    const first = await say('mu-main', '嗯嗯啊啊 13812345678 粤BD12345');
    expect(first).toContain('抱歉，我没太明白');
    h.setNow('2026-11-25T10:05:00+08:00');
    expect(await say('mu-main', '查积分')).toContain('可用');
    h.setNow('2026-11-25T10:10:00+08:00');
    expect(await say('mu-east', '我叫吴小红 呜呜呜呜呜')).toContain('抱歉，我没太明白');
    // A guest: kept without a store.
    h.setNow('2026-11-25T10:15:00+08:00');
    expect(await say('mu-guest', '啦啦啦啦啦')).toContain('抱歉，我没太明白');

    const res = await h.get('/api/v1/conversation/misunderstood', 'marketing');
    expect(res.status).toBe(200);
    const texts = res.body.messages.map((m: { text: string }) => m.text);
    expect(texts).toEqual(['啦啦啦啦啦', '我叫吴** 呜呜呜呜呜', '嗯嗯啊啊 138****5678 粤B·*****']);
    const [guest, east, main] = res.body.messages;
    expect(main).toMatchObject({ kind: 'not_understood', storeId: 'main', at: '2026-11-25T02:00:00.000Z' });
    expect(east.storeId).toBe('east');
    expect(guest.storeId).toBeNull();
    expect(main.closest).toHaveLength(2);
    for (const entry of main.closest) {
      expect(typeof entry.intent).toBe('string');
      expect(entry.intent).not.toBe('none');
      expect(entry.score).toBeGreaterThan(0);
    }
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
    expect(JSON.stringify(res.body)).not.toContain('D12345');
  });

  it('narrows by store and since; a store-scoped marketing key sees its store only', async () => {
    const east = await h.get('/api/v1/conversation/misunderstood?storeId=east', 'admin');
    expect(east.body.messages.map((m: { storeId: string }) => m.storeId)).toEqual(['east']);
    const since = await h.get(
      `/api/v1/conversation/misunderstood?since=${encodeURIComponent('2026-11-25T10:10:00+08:00')}&limit=1`,
      'admin',
    );
    expect(since.body.messages.map((m: { text: string }) => m.text)).toEqual(['啦啦啦啦啦']);
    const scoped = await eastGet('/api/v1/conversation/misunderstood');
    expect(scoped.status).toBe(200);
    expect(scoped.body.messages.map((m: { storeId: string }) => m.storeId)).toEqual(['east']);
    expect((await eastGet('/api/v1/conversation/misunderstood?storeId=main')).status).toBe(403);
  });

  it('is for marketing and admin only, with strict queries', async () => {
    expect((await h.get('/api/v1/conversation/misunderstood', 'store')).status).toBe(403);
    const bad = await h.get('/api/v1/conversation/misunderstood?limit=0', 'admin');
    expect(bad.status).toBe(400);
    expect((await h.get('/api/v1/conversation/misunderstood?since=yesterday', 'admin')).status).toBe(400);
    expect((await h.get('/api/v1/conversation/misunderstood?extra=1', 'admin')).status).toBe(400);
    const anonymous = await fetch(`${h.url}/api/v1/conversation/misunderstood`);
    expect(anonymous.status).toBe(401);
  });

  it('exports a text file in the examples format: one message a line, grouped by closest intent', async () => {
    const res = await fetch(`${h.url}/api/v1/conversation/misunderstood?format=txt`, {
      headers: { authorization: `Bearer ${testKeys.marketing}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="misunderstood-2026-11-25.txt"',
    );
    const lines = (await res.text()).split('\n');
    expect(lines[0]).toBe('# 未理解的消息 2026-11-25 导出，3 条');
    const messages = lines.filter((line) => line && !line.startsWith('#'));
    expect(messages.sort()).toEqual(
      ['啦啦啦啦啦', '嗯嗯啊啊 138****5678 粤B·*****', '我叫吴** 呜呜呜呜呜'].sort(),
    );
    expect(lines.some((line) => /^# 最接近：[a-z_]+\.txt$/.test(line))).toBe(true);
  });

  it('a clarification the member leaves unanswered is kept; one answered with a number is not', async () => {
    await h.insertMember({ openid: sim.memberId('mu-clarify'), homeStoreId: 'main' });
    h.setNow('2026-11-25T11:00:00+08:00');
    expect(await say('mu-clarify', '保养积分')).toContain('回复数字即可');
    expect(await say('mu-clarify', '2')).toContain('可用');
    h.setNow('2026-11-25T11:01:00+08:00');
    expect(await say('mu-clarify', '保养积分')).toContain('回复数字即可');
    expect(await say('mu-clarify', '明细')).toContain('积分');
    const res = await h.get(
      `/api/v1/conversation/misunderstood?since=${encodeURIComponent('2026-11-25T11:00:00+08:00')}`,
      'admin',
    );
    expect(res.body.messages).toEqual([
      expect.objectContaining({ text: '保养积分', kind: 'unresolved_clarification', storeId: 'main' }),
    ]);
  });

  it('is kept MISUNDERSTOOD_KEEP_DAYS (30 here): later it is neither listed nor stored', async () => {
    h.setNow('2026-12-24T09:00:00+08:00');
    expect((await h.get('/api/v1/conversation/misunderstood', 'admin')).body.messages).toHaveLength(4);
    h.setNow('2026-12-26T10:00:00+08:00');
    expect((await h.get('/api/v1/conversation/misunderstood', 'admin')).body.messages).toEqual([]);
    // The next one kept purges the expired ones (the embedded server has no TTL monitor).
    expect(await say('mu-guest', '啦啦啦啦啦啦')).toContain('抱歉');
    expect(await h.runtime.services.db.misunderstood.countDocuments({})).toBe(1);
  });
});
