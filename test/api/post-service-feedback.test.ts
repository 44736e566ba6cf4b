import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundContent } from '../../src/channels/inbound-message';
import type { CallbackRequestRecord } from '../../src/data/models/callback-request-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { ServiceFeedbackRecord } from '../../src/data/models/service-feedback-model';
import type { TransactionRecord } from '../../src/data/models/transaction-model';
import { postServiceJobId } from '../../src/queues/post-service-jobs';
import type { PointsResult } from '../../src/services/transaction-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { waitFor } from '../helpers/wait-for';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-18T10:00:00+08:00' });
});
afterAll(() => api?.stop());

let seq = 0;
const txnId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}-${++seq}`;
const queue = () => api.runtime.queues['post-service'];
const db = () => api.runtime.services.db;

async function delayedJobsFor(transactionId: string): Promise<Job[]> {
  const delayed = await queue().getDelayed();
  return delayed.filter((job) => job.data.transactionId === transactionId);
}

function inbound(userId: string, content: InboundContent) {
  return {
    id: `msg:${randomBytes(6).toString('hex')}`,
    channel: 'simulator' as const,
    accountId: 'gh_test',
    userId,
    channelMessageId: null,
    sentAt: api.now().toISOString(),
    content,
  };
}

async function say(userId: string, text: string): Promise<string> {
  const replies = await api.runtime.conversations.handle(inbound(userId, { type: 'text', text }));
  return replies.map((reply) => reply.text).join('\n');
}

async function postService(memberId: string, category: string, id = txnId(category)) {
  const body = {
    transactionId: id,
    memberId,
    category,
    amountFen: 88_000,
    occurredAt: '2026-11-18T09:30:00+08:00',
  };
  return { id, body, res: await api.post('/api/v1/transactions', body, 'store') };
}

describe('post-service follow-up: the delayed job', () => {
  const openid = `o_${randomBytes(8).toString('hex')}`;
  let member: MemberRecord;
  let serviceId: string;

  it('schedules one delayed job for a maintenance transaction, none for parts', async () => {
    member = await api.insertMember({ openid });
    const { id, body, res } = await postService(member._id, 'maintenance');
    expect(res.status).toBe(201);
    serviceId = id;
    // Posted again by the DMS: the same result, still one job.
    const again = await api.post('/api/v1/transactions', body, 'store');
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);

    const jobs = await waitFor(
      async () => {
        const found = await delayedJobsFor(id);
        return found.length > 0 && found;
      },
      5_000,
      'the follow-up job',
    );
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.id).toBe(postServiceJobId(id));
    // Three local days after the service, at care.sendAt (09:00 Shanghai).
    const dueAt = new Date('2026-11-21T09:00:00+08:00');
    expect(job.data.dueAt).toBe(dueAt.toISOString());
    expect(job.opts.delay).toBe(dueAt.getTime() - api.now().getTime());

    const parts = await postService(member._id, 'parts');
    expect(parts.res.status).toBe(201);
    expect(await delayedJobsFor(parts.id)).toHaveLength(0);
    expect(await queue().getJob(postServiceJobId(parts.id))).toBeUndefined();
  });

  it('the same transaction posted concurrently schedules one job; a refunded service is not asked', async () => {
    const other = await api.insertMember();
    const id = txnId('concurrent');
    const body = {
      transactionId: id,
      memberId: other._id,
      category: 'repair',
      amountFen: 50_000,
      occurredAt: '2026-11-18T09:30:00+08:00',
    };
    const results = await Promise.all([1, 2, 3].map(() => api.post('/api/v1/transactions', body, 'store')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    await waitFor(async () => (await delayedJobsFor(id)).length > 0, 5_000, 'the follow-up job');
    expect(await delayedJobsFor(id)).toHaveLength(1);

    expect((await api.post(`/api/v1/transactions/${id}/refund`, {}, 'store')).status).toBe(200);
    expect(await api.runtime.services.feedback.ask(id)).toEqual({ status: 'skipped', reason: 'not_applied' });
    expect(await db().followUp.feedback.countDocuments({ _id: id })).toBe(0);
    expect(await db().delivery.deliveries.countDocuments({ _id: `care:post_service:${id}` })).toBe(0);
  });

  it('a re-run of the listener (recovery sweep after a crash) schedules nothing more', async () => {
    const txn = (await db().transactions.findById(serviceId).lean<TransactionRecord>())!;
    const event = { member, transaction: txn, result: txn.result as unknown as PointsResult };
    await api.runtime.services.feedback.onTransactionApplied(event);
    await api.runtime.services.feedback.onTransactionApplied(event);
    expect(await delayedJobsFor(serviceId)).toHaveLength(1);
  });

  it('fires on day 3 at 09:00 local: records the question and enqueues exactly one delivery', async () => {
    const key = `care:post_service:${serviceId}`;
    expect(await db().delivery.deliveries.countDocuments({ _id: key })).toBe(0);
    api.setNow('2026-11-21T09:00:00+08:00');
    const job = (await queue().getJob(postServiceJobId(serviceId)))!;
    expect(await job.getState()).toBe('delayed');
    await job.promote();
    const result = await waitFor(
      async () => {
        const state = await queue().getJobState(job.id!);
        return state === 'completed' ? (await queue().getJob(job.id!))?.returnvalue : undefined;
      },
      10_000,
      'the follow-up job to complete',
    );
    expect(result).toEqual({ status: 'asked', key });

    const deliveries = await db().delivery.deliveries.find({ _id: key }).lean();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ category: 'service', kind: 'post_service', memberId: member._id });
    expect(deliveries[0]!.text).toBe(
      '您 11月18日在本店的保养服务满意吗？回复 1–5 分（5 分最满意），也可以说说您的建议。',
    );
    const feedback = await db().followUp.feedback.findById(serviceId).lean<ServiceFeedbackRecord>();
    expect(feedback).toMatchObject({
      memberId: member._id,
      storeId: 'main',
      category: 'maintenance',
      rating: null,
    });
    expect(feedback!.askedAt.toISOString()).toBe(new Date('2026-11-21T09:00:00+08:00').toISOString());

    // A retry of the job (or a second worker) changes nothing.
    expect(await api.runtime.services.feedback.ask(serviceId)).toEqual({ status: 'duplicate', key });
    expect(await db().delivery.deliveries.countDocuments({ _id: key })).toBe(1);
    expect(await db().followUp.feedback.countDocuments({ _id: serviceId })).toBe(1);
  });

  it('the member answers 2分 with a comment: rating and comment recorded, staff alerted', async () => {
    api.setNow('2026-11-21T09:05:00+08:00');
    const first = await say(openid, '2分');
    expect(first).toContain('很抱歉这次没让您满意');
    expect(first).toContain('可以说说哪里做得好或需要改进吗？回复「跳过」结束');
    expect(await say(openid, '等了太久，师傅也没说明换了什么')).toContain('已记下您的建议');
    const feedback = await db().followUp.feedback.findById(serviceId).lean<ServiceFeedbackRecord>();
    expect(feedback).toMatchObject({ rating: 2, comment: '等了太久，师傅也没说明换了什么' });
    expect(feedback!.alertedAt).not.toBeNull();

    // A second answer updates nothing and says thanks again.
    expect(await say(openid, '五星')).toContain('您已经评过分了');
    const after = await db().followUp.feedback.findById(serviceId).lean<ServiceFeedbackRecord>();
    expect(after!.rating).toBe(2);
  });

  it('lists the alert for staff (store key: masked mobile), marks it handled once', async () => {
    const alerts = await api.get('/api/v1/feedback?alert=true', 'store');
    expect(alerts.status).toBe(200);
    const alert = alerts.body.feedback.find((row: { id: string }) => row.id === serviceId);
    expect(alert).toMatchObject({ rating: 2, storeId: 'main', category: 'maintenance', handledAt: null });
    expect(alert.member.mobile).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(alert.comment).toBe('等了太久，师傅也没说明换了什么');

    expect((await api.get('/api/v1/feedback?alert=true', 'marketing')).status).toBe(403);
    expect((await api.get('/api/v1/feedback?alert=yes', 'store')).status).toBe(400);
    expect((await api.get('/api/v1/feedback?alert=true&storeId=other', 'store')).status).toBe(403);
    expect((await api.post(`/api/v1/feedback/${serviceId}/handled`, { note: 1 }, 'store')).status).toBe(400);
    expect((await api.post(`/api/v1/feedback/${serviceId}/handled`, {}, 'marketing')).status).toBe(403);
    expect((await api.post('/api/v1/feedback/nope-404/handled', {}, 'store')).status).toBe(404);

    const handled = await api.post(`/api/v1/feedback/${serviceId}/handled`, {}, 'store');
    expect(handled.status).toBe(200);
    expect(handled.body).toMatchObject({ id: serviceId, duplicate: false });
    expect(handled.body.handledAt).not.toBeNull();
    const again = await api.post(`/api/v1/feedback/${serviceId}/handled`, {}, 'store');
    expect(again.body.duplicate).toBe(true);
    const open = await api.get('/api/v1/feedback?alert=true&handled=false', 'store');
    expect(open.body.feedback.some((row: { id: string }) => row.id === serviceId)).toBe(false);
  });

  it('a good rating alerts nobody, and the summary averages per store', async () => {
    api.setNow('2026-11-18T10:00:00+08:00');
    const other = await api.insertMember({ openid: `o_${randomBytes(8).toString('hex')}` });
    const { id, res } = await postService(other._id, 'repair');
    expect(res.status).toBe(201);
    api.setNow('2026-11-21T09:00:00+08:00');
    await api.runtime.services.feedback.ask(id);
    api.setNow('2026-11-21T12:00:00+08:00');
    const reply = await say(other.openid!, '5');
    expect(reply).toContain('收到您的评分，谢谢您的支持');
    expect(await say(other.openid!, '跳过')).toContain('感谢您的评价');
    const record = await db().followUp.feedback.findById(id).lean<ServiceFeedbackRecord>();
    expect(record).toMatchObject({ rating: 5, comment: null, alertedAt: null });
    const badHandled = await api.post(`/api/v1/feedback/${id}/handled`, {}, 'store');
    expect(badHandled.status).toBe(409);

    const summary = await api.get('/api/v1/feedback/summary', 'marketing');
    expect(summary.status).toBe(200);
    const main = summary.body.stores.find((row: { storeId: string }) => row.storeId === 'main');
    expect(main).toMatchObject({ answered: 2, averageRating: 3.5, alerts: 1, openAlerts: 0 });
    expect(main.ratingCounts).toEqual([0, 1, 0, 0, 1]);
    expect((await api.get('/api/v1/feedback/summary?storeId=main&x=1', 'admin')).status).toBe(400);
  });

  it('without an open question, a digit is still a menu number', async () => {
    const plain = await api.insertMember({ openid: `o_${randomBytes(8).toString('hex')}` });
    const reply = await say(plain.openid!, '5');
    expect(reply).not.toContain('评分');
    expect(await db().followUp.feedback.countDocuments({ memberId: plain._id })).toBe(0);
  });
});

describe('人工: store phone and hours, callback requests', () => {
  it('shows the phone and hours and records a callback with the recent messages', async () => {
    api.setNow('2026-11-22T15:00:00+08:00');
    const openid = `o_${randomBytes(8).toString('hex')}`;
    const member = await api.insertMember({ openid });
    await say(openid, '我的车保养灯亮了怎么办');
    const first = await say(openid, '人工');
    expect(first).toContain('电话：400-800-1234');
    expect(first).toContain('营业时间：每天 8:30–18:00');
    expect(first).toContain('回复「回电」');
    expect(await say(openid, '回电')).toContain('请用一句话说说想咨询什么');
    expect(await say(openid, '想预约周六上午保养')).toContain('已为您登记回电');

    const stored = await db()
      .followUp.callbacks.findOne({ memberId: member._id })
      .lean<CallbackRequestRecord>();
    expect(stored).toMatchObject({ status: 'open', storeId: 'main', note: '想预约周六上午保养' });
    expect(stored!.recentMessages.map((message) => message.text)).toContain('我的车保养灯亮了怎么办');

    const list = await api.get('/api/v1/callbacks?status=open', 'store');
    expect(list.status).toBe(200);
    const row = list.body.callbacks.find((callback: { id: string }) => callback.id === stored!._id);
    expect(row).toMatchObject({ note: '想预约周六上午保养', status: 'open' });
    expect(row.member).toMatchObject({ id: member._id, mobile: member.mobile });
    expect(row.recentMessages[0].text).toBe('我的车保养灯亮了怎么办');

    expect((await api.get('/api/v1/callbacks?status=open', 'marketing')).status).toBe(403);
    expect((await api.get('/api/v1/callbacks?status=closed', 'store')).status).toBe(400);
    expect((await api.post(`/api/v1/callbacks/${stored!._id}/done`, { by: 'me' }, 'store')).status).toBe(400);
    expect((await api.post('/api/v1/callbacks/not-an-id/done', {}, 'store')).status).toBe(400);
    expect((await api.post(`/api/v1/callbacks/${'0'.repeat(24)}/done`, {}, 'store')).status).toBe(404);

    const done = await api.post(`/api/v1/callbacks/${stored!._id}/done`, {}, 'store');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', duplicate: false });
    expect((await api.post(`/api/v1/callbacks/${stored!._id}/done`, {}, 'store')).body.duplicate).toBe(true);
    const open = await api.get('/api/v1/callbacks', 'store');
    expect(open.body.callbacks.some((callback: { id: string }) => callback.id === stored!._id)).toBe(false);
    const closed = await api.get('/api/v1/callbacks?status=done', 'admin');
    expect(closed.body.callbacks.some((callback: { id: string }) => callback.id === stored!._id)).toBe(true);
  });

  it('注销 erases what the member wrote to staff: callback notes, recent messages, comments', async () => {
    const openid = `o_${randomBytes(8).toString('hex')}`;
    const member = await api.insertMember({ openid });
    await say(openid, '人工');
    await say(openid, '回电');
    await say(openid, '我的手机号换了');
    await db().followUp.feedback.create({
      _id: txnId('erase'),
      memberId: member._id,
      storeId: 'main',
      category: 'maintenance',
      servedAt: api.now(),
      askedAt: api.now(),
      rating: 4,
      comment: '很好',
      answeredAt: api.now(),
      commentedAt: api.now(),
      alertedAt: null,
      handledAt: null,
      handledBy: null,
    });
    expect((await api.post(`/api/v1/members/${member._id}/erase`, {}, 'admin')).status).toBe(200);
    const callback = await db()
      .followUp.callbacks.findOne({ memberId: member._id })
      .lean<CallbackRequestRecord>();
    expect(callback).toMatchObject({ note: null, recentMessages: [] });
    const feedback = await db()
      .followUp.feedback.findOne({ memberId: member._id })
      .lean<ServiceFeedbackRecord>();
    expect(feedback).toMatchObject({ rating: 4, comment: null });
  });

  it('a member who needs no callback, and a guest, get the phone and hours only', async () => {
    const openid = `o_${randomBytes(8).toString('hex')}`;
    const member = await api.insertMember({ openid });
    expect(await say(openid, '转人工')).toContain('400-800-1234');
    expect(await say(openid, '不用')).toContain('有需要随时回复「人工」');
    expect(await db().followUp.callbacks.countDocuments({ memberId: member._id })).toBe(0);

    const guest = await say(`o_${randomBytes(8).toString('hex')}`, '人工客服');
    expect(guest).toContain('电话：400-800-1234');
    expect(guest).toContain('回复「入会」');
  });
});
