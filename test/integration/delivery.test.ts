import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import { currentCounts } from '../../src/delivery/delivery-counters';
import type { DeliveryRequestInput } from '../../src/delivery/delivery-request';
import { deliveryJobId } from '../../src/queues/delivery-jobs';
import { queueNames } from '../../src/queues/queue-names';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { balanceOf } from '../helpers/give-points';
import { waitFor } from '../helpers/wait-for';

/**
 * Delivery end to end: the real runtime (embedded MongoDB-wire server, redis-server, BullMQ
 * workers) with its OA API client pointed at the fake WeChat API on loopback (WECHAT_API_BASE),
 * and the services' clock moved by hand.
 */
let h: ApiHarness;
let fake: FakeWechatApi;
const TEMPLATE = 'tpl-care-0001';
const CUSTOM = '/cgi-bin/message/custom/send';
const TEMPLATE_SEND = '/cgi-bin/message/template/send';
const NOON = '2026-11-25T12:00:00+08:00';

beforeAll(async () => {
  fake = await startFakeWechatApi();
  fake.addTemplate(TEMPLATE);
  h = await startApiHarness({
    now: NOON,
    env: {
      CHANNEL: 'simulator',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_API_BASE: fake.url,
    },
  });
});

afterAll(async () => {
  await h?.stop();
  await fake?.close();
});

const delivery = () => h.runtime.services.delivery;

/** A member with an openid; `follows` registers them as a follower at the fake. */
async function member(
  options: { consent?: boolean; optOut?: boolean; follows?: boolean; messaged?: boolean } = {},
) {
  const openid = `o_${randomBytes(10).toString('hex')}`;
  const record = await h.insertMember({ openid, marketingConsent: options.consent ?? false });
  if (options.optOut)
    await h.runtime.services.db.members.updateOne({ _id: record._id }, { marketingOptOut: true });
  if (options.follows ?? true) fake.follow(openid);
  if (options.messaged) {
    // The member wrote to us an hour ago: the fake and our state both open the window.
    fake.userMessaged(openid);
    await delivery().noteInbound(record._id, new Date(h.now().getTime() - 3_600_000));
  }
  return { id: record._id, openid, name: record.name };
}

const serviceMessage = (
  memberId: string,
  extra: Partial<DeliveryRequestInput> = {},
): DeliveryRequestInput => ({
  key: `care:birthday:${memberId}:2026`,
  memberId,
  category: 'service',
  kind: 'birthday',
  text: '{name}您好，祝您生日快乐！您当前有 {points}。',
  template: { id: TEMPLATE, fields: { thing1: '{name}', thing2: '生日快乐' } },
  ...extra,
});

const campaign = (
  memberId: string,
  id = 'c1',
  extra: Partial<DeliveryRequestInput> = {},
): DeliveryRequestInput => ({
  key: `campaign:${id}:${memberId}`,
  memberId,
  category: 'marketing',
  kind: 'campaign',
  text: '{name}您好，会员日到店双倍积分！',
  genericText: '会员日到店双倍积分！',
  ...extra,
});

const settled = ['sent', 'skipped', 'deferred', 'held', 'mass_pending', 'failed'];

async function settle(key: string, statuses = settled): Promise<DeliveryRecord> {
  return waitFor(
    async () => {
      const record = await delivery().find(key);
      return record && statuses.includes(record.status) ? record : undefined;
    },
    10_000,
    `delivery ${key} to settle`,
  );
}

const callsFor = (path: string, openid: string) => fake.callsTo(path).filter((c) => c.body.touser === openid);

describe('delivery', () => {
  it('sends a service message inside the 48-hour window as a personalised customer-service message', async () => {
    const m = await member({ messaged: true });
    expect(await delivery().enqueue(serviceMessage(m.id))).toEqual({
      ok: true,
      status: 'enqueued',
      key: `care:birthday:${m.id}:2026`,
    });
    const record = await settle(`care:birthday:${m.id}:2026`);
    expect(record).toMatchObject({ status: 'sent', channel: 'customer_service', attempts: 1 });
    const calls = callsFor(CUSTOM, m.openid).filter((c) => c.errcode === 0);
    expect(calls.map((c) => (c.body.text as { content: string }).content)).toEqual([
      `${m.name}您好，祝您生日快乐！您当前有 0 积分。`,
    ]);
    expect(callsFor(TEMPLATE_SEND, m.openid)).toHaveLength(0);
  });

  it('sends a service message outside the window as a template with client_msg_id = the delivery key', async () => {
    const m = await member();
    const key = `care:birthday:${m.id}:2026`;
    await delivery().enqueue(serviceMessage(m.id));
    const record = await settle(key);
    expect(record).toMatchObject({ status: 'sent', channel: 'template' });
    const [call] = callsFor(TEMPLATE_SEND, m.openid);
    expect(call?.body).toMatchObject({
      template_id: TEMPLATE,
      client_msg_id: key,
      data: { thing1: { value: m.name }, thing2: { value: '生日快乐' } },
    });
    expect(record.msgId).toMatch(/^\d{16,}$/);
    expect(callsFor(CUSTOM, m.openid)).toHaveLength(0);

    // TEMPLATESENDJOBFINISH closes the loop: the member blocked templates, so it did not arrive.
    expect(await delivery().noteTemplateFinished(record.msgId!, 'failed:user block')).toBe(true);
    expect(await delivery().find(key)).toMatchObject({ status: 'failed', reason: 'user_block' });
    expect(await delivery().noteTemplateFinished('1234', 'failed:user block')).toBe(false);
  });

  it('defers marketing in quiet hours to 09:00 local and sends it then', async () => {
    h.setNow('2026-11-25T22:00:00+08:00');
    try {
      const m = await member({ consent: true, messaged: true });
      const key = `campaign:c1:${m.id}`;
      await delivery().enqueue(campaign(m.id));
      const deferred = await settle(key);
      expect(deferred.status).toBe('deferred');
      expect(deferred.deferredUntil?.toISOString()).toBe(new Date('2026-11-26T09:00:00+08:00').toISOString());
      const job = await h.runtime.queues[queueNames.delivery].getJob(deliveryJobId(key, 1));
      expect(job?.opts.delay).toBe(11 * 3_600_000);
      expect(callsFor(CUSTOM, m.openid).filter((c) => c.errcode === 0)).toHaveLength(0);

      // 09:00 comes: the delayed job runs (promoted rather than waited for) and sends it.
      h.setNow('2026-11-26T09:00:00+08:00');
      await job?.promote();
      const sent = await settle(key, ['sent']);
      expect(sent).toMatchObject({
        channel: 'customer_service',
        sentText: `${m.name}您好，会员日到店双倍积分！`,
      });
    } finally {
      h.setNow(NOON);
    }
  });

  it('keeps marketing within 1 a day (next one deferred to 09:00 tomorrow) and 4 a month (skipped)', async () => {
    const m = await member({ consent: true, messaged: true });
    await delivery().enqueue(campaign(m.id, 'day1'));
    expect(await settle(`campaign:day1:${m.id}`)).toMatchObject({ status: 'sent' });
    await delivery().enqueue(campaign(m.id, 'day2'));
    const second = await settle(`campaign:day2:${m.id}`);
    expect(second.status).toBe('deferred');
    expect(second.deferredUntil?.toISOString()).toBe(new Date('2026-11-26T09:00:00+08:00').toISOString());

    const full = await member({ consent: true, messaged: true });
    await h.runtime.services.db.delivery.states.updateOne(
      { _id: full.id },
      { $set: { marketingMonthKey: '2026-11', marketingMonth: 4 } },
    );
    await delivery().enqueue(campaign(full.id, 'month'));
    expect(await settle(`campaign:month:${full.id}`)).toMatchObject({
      status: 'skipped',
      reason: 'cap_reached',
    });
    expect(callsFor(CUSTOM, full.openid).filter((c) => c.errcode === 0)).toHaveLength(0);
  });

  it('skips marketing without consent or after opt-out, with the reason; service messages still go', async () => {
    const noConsent = await member({ messaged: true });
    const optedOut = await member({ consent: true, optOut: true, messaged: true });
    await delivery().enqueue(campaign(noConsent.id));
    await delivery().enqueue(campaign(optedOut.id));
    await delivery().enqueue(serviceMessage(optedOut.id));
    expect(await settle(`campaign:c1:${noConsent.id}`)).toMatchObject({
      status: 'skipped',
      reason: 'no_consent',
    });
    expect(await settle(`campaign:c1:${optedOut.id}`)).toMatchObject({
      status: 'skipped',
      reason: 'opted_out',
    });
    expect(await settle(`care:birthday:${optedOut.id}:2026`)).toMatchObject({ status: 'sent' });
    expect(callsFor(CUSTOM, noConsent.openid)).toHaveLength(0);
    expect(callsFor(CUSTOM, optedOut.openid)).toHaveLength(1);
  });

  it('sends a key enqueued 3× (sequentially and concurrently) and delivered concurrently exactly once', async () => {
    const m = await member({ messaged: true });
    const key = `care:birthday:${m.id}:2026`;
    const outcomes = await Promise.all([1, 2, 3].map(() => delivery().enqueue(serviceMessage(m.id))));
    expect(outcomes.map((o) => o.ok && o.status).sort()).toEqual(['duplicate', 'duplicate', 'enqueued']);
    // Concurrent attempts on the same record, besides the queued job: only one can claim it.
    await Promise.all([1, 2, 3].map(() => delivery().deliver(key)));
    await settle(key, ['sent']);
    for (let i = 0; i < 3; i++) {
      expect(await delivery().enqueue(serviceMessage(m.id))).toMatchObject({
        status: 'duplicate',
        current: 'sent',
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(callsFor(CUSTOM, m.openid).filter((c) => c.errcode === 0)).toHaveLength(1);
    expect((await delivery().find(key))?.attempts).toBe(1);
  });

  it('marks a member who unfollowed (43004) and sends them nothing more', async () => {
    const m = await member({ follows: false });
    await delivery().enqueue(serviceMessage(m.id));
    expect(await settle(`care:birthday:${m.id}:2026`)).toMatchObject({
      status: 'skipped',
      reason: 'unfollowed',
      errcode: 43004,
    });
    const state = await h.runtime.services.db.delivery.states.findById(m.id).lean();
    expect(state?.unfollowedAt).toBeInstanceOf(Date);
    await delivery().enqueue(
      serviceMessage(m.id, { key: `care:maintenance:${m.id}:2026-12-01`, kind: 'maintenance' }),
    );
    expect(await settle(`care:maintenance:${m.id}:2026-12-01`)).toMatchObject({
      status: 'skipped',
      reason: 'unfollowed',
    });
    expect(callsFor(TEMPLATE_SEND, m.openid)).toHaveLength(1);
  });

  it('falls back to a template on 45015 for service messages and skips marketing with window_closed', async () => {
    // Our state thinks the window is open, WeChat knows it is not.
    const m = await member({ consent: true });
    await delivery().noteInbound(m.id, new Date(h.now().getTime() - 3_600_000));
    await delivery().enqueue(serviceMessage(m.id));
    expect(await settle(`care:birthday:${m.id}:2026`)).toMatchObject({ status: 'sent', channel: 'template' });
    expect(callsFor(CUSTOM, m.openid).map((c) => c.errcode)).toEqual([45015]);

    const other = await member({ consent: true });
    await delivery().noteInbound(other.id, new Date(h.now().getTime() - 3_600_000));
    await delivery().enqueue(campaign(other.id));
    expect(await settle(`campaign:c1:${other.id}`)).toMatchObject({
      status: 'skipped',
      reason: 'window_closed',
      errcode: 45015,
    });
    // The slot it had reserved is given back.
    const state = await h.runtime.services.db.delivery.states.findById(other.id).lean();
    expect(state?.marketingDay).toBe(0);
  });

  it('holds a message on 45047 until the member writes again, then sends it', async () => {
    const m = await member({ messaged: true });
    const key = `care:birthday:${m.id}:2026`;
    fake.failNext(CUSTOM, 45047);
    await delivery().enqueue(serviceMessage(m.id));
    expect(await settle(key)).toMatchObject({ status: 'held', reason: 'window_exhausted', errcode: 45047 });
    fake.userMessaged(m.openid);
    expect(await delivery().noteInbound(m.id, h.now())).toBe(1);
    expect(await settle(key, ['sent'])).toMatchObject({ channel: 'customer_service', round: 1 });
    // A late report of an older message neither reopens nor resets the window.
    await delivery().noteInbound(m.id, new Date(h.now().getTime() - 7_200_000));
    const state = await h.runtime.services.db.delivery.states.findById(m.id).lean();
    expect(state).toMatchObject({ lastInboundAt: h.now(), csSentSinceInbound: 1 });
  });

  it('counts holds on the delivery state, so an inbound message without held ones skips the held query', async () => {
    const m = await member({ messaged: true });
    const key = `care:birthday:${m.id}:2026`;
    const state = () => h.runtime.services.db.delivery.states.findById(m.id).lean();
    const later = (ms: number) => new Date(h.now().getTime() + ms);
    expect(await state()).toMatchObject({ heldTracked: true });
    fake.failNext(CUSTOM, 45047);
    await delivery().enqueue(serviceMessage(m.id));
    expect(await settle(key)).toMatchObject({ status: 'held' });
    expect((await state())?.heldCount).toBe(1);
    fake.userMessaged(m.openid);
    expect(await delivery().noteInbound(m.id, later(1_000))).toBe(1);
    expect((await state())?.heldCount).toBe(0);
    const sent = await settle(key, ['sent']);
    // A held record the counter never saw is not looked for once the state is counted...
    const deliveries = h.runtime.services.db.delivery.deliveries;
    await deliveries.updateOne({ _id: key }, { $set: { status: 'held' } });
    expect(await delivery().noteInbound(m.id, later(2_000))).toBe(0);
    // ...but a state from before the counter (no `heldTracked`) has its held records looked up,
    // once a newer inbound comes: one no newer than the recorded one (two messages in the same
    // second, a re-delivery) opens nothing and looks for nothing.
    await h.runtime.services.db.delivery.states.updateOne({ _id: m.id }, { $unset: { heldTracked: 1 } });
    expect(await delivery().noteInbound(m.id, later(2_000))).toBe(0);
    expect(await delivery().noteInbound(m.id, later(1_500))).toBe(0);
    expect(await delivery().noteInbound(m.id, later(3_000))).toBe(1);
    expect(await settle(key, ['sent'])).toMatchObject({ round: sent.round + 1 });
    expect(await state()).toMatchObject({ heldTracked: true, heldCount: 0 });
  });

  it('retries a transient WeChat error (-1) with backoff, then sends once', async () => {
    const m = await member();
    const key = `care:birthday:${m.id}:2026`;
    fake.failNext(TEMPLATE_SEND, -1);
    await delivery().enqueue(serviceMessage(m.id));
    const record = await settle(key, ['sent']);
    expect(record).toMatchObject({ channel: 'template', attempts: 2 });
    expect(callsFor(TEMPLATE_SEND, m.openid).map((c) => c.errcode)).toEqual([-1, 0]);
    const job = await h.runtime.queues[queueNames.delivery].getJob(deliveryJobId(key, 0));
    // One failed attempt with backoff, then the successful one: the same job, no second job.
    expect(job?.attemptsMade).toBe(2);
    expect(await job?.getState()).toBe('completed');
  });

  it('fails a permanent WeChat error (40003, bad openid) at once, without retrying', async () => {
    const m = await member();
    const key = `care:birthday:${m.id}:2026`;
    fake.failNext(TEMPLATE_SEND, 40003);
    await delivery().enqueue(serviceMessage(m.id));
    expect(await settle(key)).toMatchObject({ status: 'failed', errcode: 40003, attempts: 1 });
    const job = await h.runtime.queues[queueNames.delivery].getJob(deliveryJobId(key, 0));
    await waitFor(async () => (await job?.getState()) === 'failed', 5_000, 'the job to fail');
    expect(job?.attemptsMade).toBe(1);
    expect(callsFor(TEMPLATE_SEND, m.openid)).toHaveLength(1);
  });

  it('hands marketing outside the window to the mass-send batcher with the generic text', async () => {
    const m = await member({ consent: true });
    await delivery().enqueue(campaign(m.id));
    expect(await settle(`campaign:c1:${m.id}`)).toMatchObject({
      status: 'mass_pending',
      channel: 'mass_send',
      sentText: '会员日到店双倍积分！',
    });
    const state = await h.runtime.services.db.delivery.states.findById(m.id).lean();
    expect(state).toMatchObject({ marketingDay: 1, marketingMonth: 1, massMonth: 1 });
  });

  it('rejects unknown placeholders and personal placeholders in the generic text at enqueue', async () => {
    const m = await member();
    const outcome = await delivery().enqueue(
      campaign(m.id, 'bad', { text: '{nmae}您好', genericText: '{name}您好' }),
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'invalid_request' });
    expect(outcome.ok ? [] : outcome.issues).toEqual([
      'text: 未知的占位符 {nmae}；可用的占位符：{name}、{tier}、{points}、{expiringPoints}、{date}',
      'genericText: 群发内容对所有会员相同，不能使用个人占位符 {name}',
    ]);
    expect(await delivery().find(`campaign:bad:${m.id}`)).toBeNull();
  });

  it('re-adds the job of a record a crash left without one (recovery sweep), and sends it once', async () => {
    const m = await member({ messaged: true });
    const key = `care:birthday:${m.id}:2026`;
    // As if the process died between inserting the record and adding its job.
    const longAgo = new Date(h.now().getTime() - 15 * 60_000);
    await h.runtime.services.db.delivery.deliveries.create({
      ...serviceMessage(m.id),
      _id: key,
      values: { expiringPoints: null, date: null },
      status: 'queued',
      createdAt: longAgo,
      updatedAt: longAgo,
    });
    const counts = await h.runtime.services.recovery.sweep();
    expect(counts.deliveries).toBe(1);
    expect(await settle(key, ['sent'])).toMatchObject({ channel: 'customer_service', attempts: 1 });
    expect((await h.runtime.services.recovery.sweep()).deliveries).toBe(0);
    expect(callsFor(CUSTOM, m.openid).filter((c) => c.errcode === 0)).toHaveLength(1);
  });

  it('sends a campaign test in quiet hours now, reports each real outcome, and takes no marketing slot', async () => {
    h.setNow('2026-11-26T08:30:00+08:00');
    try {
      const staff = await member({ consent: true, messaged: true });
      const lonely = await member({ consent: true }); // never wrote to the account
      const created = await h.post(
        '/api/v1/campaigns',
        {
          name: '会员日',
          audience: { tags: [`none-${randomBytes(4).toString('hex')}`] },
          text: '{name}您好，会员日到店双倍积分！',
          genericText: '会员日到店双倍积分！',
          bonusPoints: 300,
          startAt: '2026-11-26T10:00:00+08:00',
        },
        'marketing',
      );
      const id = created.body.id as string;
      const test = await h.post(
        `/api/v1/campaigns/${id}/test`,
        { memberIds: [staff.id, lonely.id] },
        'marketing',
      );
      expect(test.status).toBe(200);
      const byMember = (memberId: string) =>
        test.body.results.find((r: { memberId: string }) => r.memberId === memberId);
      // 08:30 is inside quiet hours: a test goes anyway, at once.
      expect(byMember(staff.id)).toEqual({
        memberId: staff.id,
        name: staff.name,
        key: `campaign-test:${id}:${staff.id}:1`,
        status: 'sent',
        reason: null,
        message: '已发到该会员的微信',
        deferredUntil: null,
      });
      expect(byMember(lonely.id)).toMatchObject({ status: 'not_sent', reason: 'no_service_window' });
      const sent = callsFor(CUSTOM, staff.openid).filter((c) => c.errcode === 0);
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0]!.body)).toContain(`${staff.name}您好，会员日到店双倍积分！`);
      expect(callsFor(CUSTOM, lonely.openid)).toHaveLength(0);
      // No marketing counter moved and no bonus: a test is not the campaign.
      const state = await h.runtime.services.db.delivery.states.findById(staff.id).lean();
      expect(currentCounts(state as never, h.now(), 'Asia/Shanghai')).toEqual({
        marketingSentToday: 0,
        marketingSentThisMonth: 0,
        massSendsThisMonth: 0,
      });
      expect(await balanceOf(h.runtime.services.db, staff.id, h.now())).toBe(0);

      // WeChat refusing the send is reported as such, once (a test is not retried in the background).
      fake.failNext(CUSTOM, -1);
      const refused = await h.post(`/api/v1/campaigns/${id}/test`, { memberIds: [staff.id] }, 'marketing');
      expect(refused.body.results[0]).toMatchObject({ status: 'failed', reason: 'errcode -1' });
      expect(refused.body.results[0].message).toMatch(/^发送失败：微信返回错误 -1/);
      expect(await delivery().find(`campaign-test:${id}:${staff.id}:2`)).toMatchObject({
        status: 'failed',
        attempts: 1,
      });

      // The campaign itself later the same day reaches the member at once: the test used no cap.
      h.setNow('2026-11-26T10:00:00+08:00');
      await delivery().enqueue(campaign(staff.id, id));
      expect(await settle(`campaign:${id}:${staff.id}`)).toMatchObject({
        status: 'sent',
        channel: 'customer_service',
      });
    } finally {
      h.setNow(NOON);
    }
  });

  it('credits a bonus with its message once (through a retry and concurrent settling), none when it is not sent', async () => {
    const db = h.runtime.services.db;
    const m = await member({ consent: true, messaged: true });
    const key = `campaign:bonus1:${m.id}`;
    const bonus = {
      points: 300,
      opKey: `campaign-bonus:bonus1:${m.id}`,
      reason: '活动奖励：会员日',
      reference: 'campaign:bonus1',
    };
    fake.failNext(CUSTOM, -1);
    await delivery().enqueue(campaign(m.id, 'bonus1', { bonus }));
    // The first attempt was refused: no message, so no points yet.
    await waitFor(async () => (await delivery().find(key))?.errcode === -1, 10_000, 'the refused attempt');
    expect(await balanceOf(db, m.id, h.now())).toBe(0);
    const sent = await settle(key, ['sent']);
    expect(sent.attempts).toBe(2);
    await waitFor(async () => (await delivery().find(key))?.bonusState === 'credited', 10_000, 'the bonus');
    expect(await balanceOf(db, m.id, h.now())).toBe(300);
    // Every other path that may credit it, at once: nothing more.
    await Promise.all([
      delivery().bonus.creditSent([key]),
      delivery().bonus.creditSent([key]),
      delivery().bonus.settleDue(),
      delivery().deliver(key),
    ]);
    expect(await db.ledger.countDocuments({ opKey: bonus.opKey })).toBe(1);
    expect(await balanceOf(db, m.id, h.now())).toBe(300);

    // A member the message cannot reach gets no points, and the record says why.
    const gone = await member({ consent: true, messaged: true });
    await delivery().noteUnfollowed(gone.id, h.now());
    await delivery().enqueue(
      campaign(gone.id, 'bonus1', { bonus: { ...bonus, opKey: `campaign-bonus:bonus1:${gone.id}` } }),
    );
    expect(await settle(`campaign:bonus1:${gone.id}`)).toMatchObject({
      status: 'skipped',
      reason: 'unfollowed',
      bonusState: 'withheld',
    });
    await delivery().bonus.settleDue();
    expect(await balanceOf(db, gone.id, h.now())).toBe(0);
  });

  it('counts deliveries by channel and outcome in Prometheus', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/deliveries_total\{channel="customer_service",outcome="sent"\} [1-9]/);
    expect(text).toMatch(/deliveries_total\{channel="template",outcome="sent"\} [1-9]/);
    expect(text).toMatch(/deliveries_total\{channel="none",outcome="skipped"\} [1-9]/);
    expect(text).toMatch(/deliveries_total\{channel="none",outcome="retry"\} [1-9]/);
  });

  it('sends a notice for another WeChat account (recipientOpenid) there; a refusal there leaves the member alone', async () => {
    const m = await member({ messaged: true });
    const stateBefore = await h.runtime.services.db.delivery.states.findById(m.id).lean();
    const oldAccount = `o_${randomBytes(10).toString('hex')}`;
    fake.follow(oldAccount);
    fake.userMessaged(oldAccount);
    const notice = (key: string, recipientOpenid: string): DeliveryRequestInput => ({
      key,
      memberId: m.id,
      category: 'service',
      kind: 'rebind_notice',
      text: '您的会员账号已绑定到另一个微信。',
      recipientOpenid,
    });
    await delivery().enqueue(notice(`rebind:${m.id}:a`, oldAccount));
    expect(await settle(`rebind:${m.id}:a`)).toMatchObject({
      status: 'sent',
      channel: 'customer_service',
      recipientOpenid: oldAccount,
    });
    expect(callsFor(CUSTOM, oldAccount).map((c) => c.errcode)).toEqual([0]);
    expect(callsFor(CUSTOM, m.openid)).toHaveLength(0);

    // An account outside its own window (45015), or gone (43004): skipped, and the member's own
    // window and follow state — another account's — are not touched.
    const silent = `o_${randomBytes(10).toString('hex')}`;
    fake.follow(silent);
    await delivery().enqueue(notice(`rebind:${m.id}:b`, silent));
    expect(await settle(`rebind:${m.id}:b`)).toMatchObject({ status: 'skipped', reason: 'window_closed' });
    const gone = `o_${randomBytes(10).toString('hex')}`;
    await delivery().enqueue(notice(`rebind:${m.id}:c`, gone));
    expect(await settle(`rebind:${m.id}:c`)).toMatchObject({ status: 'skipped', reason: 'unfollowed' });
    const stateAfter = await h.runtime.services.db.delivery.states.findById(m.id).lean();
    expect(stateAfter?.lastInboundAt).toEqual(stateBefore?.lastInboundAt);
    expect(stateAfter?.csSentSinceInbound).toBe(stateBefore?.csSentSinceInbound);
    expect(stateAfter?.unfollowedAt ?? null).toBeNull();
  });
});
