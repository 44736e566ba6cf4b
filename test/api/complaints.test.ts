import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { ComplaintRecord } from '../../src/data/models/complaint-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/**
 * 投诉 for staff: the alert list (open / handled, newest first), handling once, store keys scoped
 * to their own store, and a complaint recorded once however often its message is handled.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      { id: 'main', name: '本店', phone: '400-800-1234' },
      { id: 'north', name: '北区店', phone: '021-58881234' },
    ],
  }),
);

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00', program });
});
afterAll(() => api?.stop());

const db = () => api.runtime.services.db;

async function complaint(storeId: string, text: string) {
  const member = await api.insertMember({ homeStoreId: storeId, name: '吴女士' });
  const opened = await api.runtime.services.complaints.open({
    requestKey: `test:${randomBytes(6).toString('hex')}`,
    memberId: member._id,
    storeId,
    text,
    recentMessages: [{ text, at: api.now() }],
  });
  return { member, id: opened.id };
}

const ids = (body: { complaints: { id: string }[] }) => body.complaints.map((c) => c.id);

describe('GET /complaints and POST /complaints/:id/handled', () => {
  it('lists open complaints newest first, handles one once, and moves it to the handled list', async () => {
    const older = await complaint('main', '洗车没洗干净');
    api.setNow(new Date(api.now().getTime() + 60_000));
    const newer = await complaint('main', '等了三个小时');
    const open = await api.get('/api/v1/complaints?handled=false');
    expect(open.status).toBe(200);
    const listed = ids(open.body);
    expect(listed.indexOf(newer.id)).toBeLessThan(listed.indexOf(older.id));
    expect(open.body.complaints.find((c: { id: string }) => c.id === newer.id)).toMatchObject({
      storeId: 'main',
      text: '等了三个小时',
      member: { id: newer.member._id, name: '吴女士', mobile: newer.member.mobile },
      handledAt: null,
    });

    const first = await api.post(`/api/v1/complaints/${newer.id}/handled`, {}, 'store');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: newer.id, duplicate: false, handledAt: api.now().toISOString() });
    expect(first.body.member.mobile).toContain('****');
    const again = await api.post(`/api/v1/complaints/${newer.id}/handled`, {}, 'store');
    expect(again.body).toMatchObject({ duplicate: true, handledAt: first.body.handledAt });
    expect(ids((await api.get('/api/v1/complaints?handled=false')).body)).not.toContain(newer.id);
    expect(ids((await api.get('/api/v1/complaints?handled=true')).body)).toContain(newer.id);
    const stored = await db().followUp.complaints.findById(newer.id).lean<ComplaintRecord>();
    expect(stored?.handledBy).toEqual({ role: 'store', storeId: 'main' });
  });

  it('a store key sees and handles its own store only; admins see every store', async () => {
    const north = await complaint('north', '北区店销售态度差');
    const main = await complaint('main', '本店前台没人');
    const storeList = ids((await api.get('/api/v1/complaints', 'store')).body);
    expect(storeList).toContain(main.id);
    expect(storeList).not.toContain(north.id);
    expect((await api.get('/api/v1/complaints?storeId=north', 'store')).status).toBe(403);
    const forbidden = await api.post(`/api/v1/complaints/${north.id}/handled`, {}, 'store');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden_store');
    expect((await db().followUp.complaints.findById(north.id).lean<ComplaintRecord>())?.handledAt).toBeNull();
    const adminNorth = ids((await api.get('/api/v1/complaints?storeId=north')).body);
    expect(adminNorth).toEqual([north.id]);
    expect((await api.post(`/api/v1/complaints/${north.id}/handled`, {})).status).toBe(200);
  });

  it('refuses marketing keys, bad ids, unknown complaints and bodies', async () => {
    expect((await api.get('/api/v1/complaints', 'marketing')).status).toBe(403);
    expect((await api.get('/api/v1/complaints?handled=maybe')).status).toBe(400);
    expect((await api.post('/api/v1/complaints/not-an-id/handled', {})).status).toBe(400);
    expect((await api.post(`/api/v1/complaints/${'a'.repeat(24)}/handled`, {})).status).toBe(404);
    const { id } = await complaint('main', '有问题');
    expect((await api.post(`/api/v1/complaints/${id}/handled`, { force: true })).status).toBe(400);
  });

  it('two colleagues handling at once: one handles it, the other is told it was done', async () => {
    const { id } = await complaint('main', '同时处理');
    const results = await Promise.all([
      api.post(`/api/v1/complaints/${id}/handled`, {}, 'store'),
      api.post(`/api/v1/complaints/${id}/handled`, {}),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.map((r) => r.body.duplicate).sort()).toEqual([false, true]);
  });
});

describe('recorded once', () => {
  it('the same chat message handled twice at once records one complaint', async () => {
    const member = await api.insertMember({ openid: `o_${randomBytes(6).toString('hex')}` });
    const message = {
      id: `msg:${randomBytes(6).toString('hex')}`,
      channel: 'simulator' as const,
      accountId: 'gh_test',
      userId: member.openid!,
      channelMessageId: null,
      sentAt: api.now().toISOString(),
      content: { type: 'text' as const, text: '你们店服务太差了，等了三个小时' },
    };
    const replies = await Promise.all([
      api.runtime.conversations.handle(message),
      api.runtime.conversations.handle(message),
    ]);
    expect(replies[0]).toEqual(replies[1]);
    expect(replies[0]!.map((r) => r.text).join('\n')).toContain('已记下您的投诉');
    const stored = await db().followUp.complaints.find({ memberId: member._id }).lean<ComplaintRecord[]>();
    expect(stored).toHaveLength(1);
  });

  it('the service records one complaint for one request key, even when asked concurrently', async () => {
    const member = await api.insertMember();
    const input = {
      requestKey: `chat:${randomBytes(6).toString('hex')}`,
      memberId: member._id,
      storeId: 'main',
      text: '重复提交',
      recentMessages: [],
    };
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => api.runtime.services.complaints.open(input)),
    );
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    expect(await db().followUp.complaints.countDocuments({ requestKey: input.requestKey })).toBe(1);
  });
});

describe('注销', () => {
  it('erases what the member wrote in a complaint; the alert stays for the store', async () => {
    const { member, id } = await complaint('main', '电话 13912345678 打不通');
    expect((await api.post(`/api/v1/members/${member._id}/erase`, {}, 'admin')).status).toBe(200);
    const stored = await db().followUp.complaints.findById(id).lean<ComplaintRecord>();
    expect(stored).toMatchObject({ storeId: 'main', text: '', recentMessages: [] });
  });
});
