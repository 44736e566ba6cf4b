import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OaApi } from '../../src/channels/wechat-oa/oa-api';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { MassSendBatchRecord } from '../../src/data/models/mass-send-batch-model';
import { massBatchId } from '../../src/delivery/mass-send-plan';
import { createLogger } from '../../src/lib/logger';
import { massBatchJobId } from '../../src/queues/mass-send-jobs';
import { queueNames } from '../../src/queues/queue-names';
import { MassSendService } from '../../src/services/mass-send-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { balanceOf } from '../helpers/give-points';
import { waitFor } from '../helpers/wait-for';
import { eventXml, postXml, signedQuery } from '../helpers/wechat-webhook-client';

/**
 * The mass-send batcher end to end: the real runtime in WeChat mode (embedded MongoDB-wire server,
 * redis-server, BullMQ workers) with its API client pointed at the fake WeChat API, which counts
 * every mass send by clientmsgid and openid. Batches of at most 4 here (the program's
 * `marketing.massSend.batchSize`), no settle wait, 60 calls a minute.
 */
let h: ApiHarness;
let fake: FakeWechatApi;
const TOKEN = 'massToken42';
const MASS = '/cgi-bin/message/mass/send';
const GENERIC = '双十一到店享三倍积分，欢迎到店。';

beforeAll(async () => {
  fake = await startFakeWechatApi();
  h = await startApiHarness({
    now: '2026-11-25T10:00:00+08:00',
    program: parseProgram(
      deepMerge(defaultProgramInput, {
        marketing: { massSend: { batchSize: 4, perMinute: 60, settleSeconds: 0 } },
      }),
    ),
    env: {
      CHANNEL: 'wechat',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_TOKEN: TOKEN,
      WECHAT_API_BASE: fake.url,
      SMS_PROVIDER: 'dev',
    },
  });
});

afterAll(async () => {
  await h?.stop();
  await fake?.close();
});

const services = () => h.runtime.services;
const db = () => h.runtime.services.db;
const batchQueue = () => h.runtime.queues[queueNames.massSendBatches];

/** Members with an openid and marketing consent who never wrote to us: outside the 48-hour window. */
async function members(count: number, tag = `t-${randomBytes(4).toString('hex')}`) {
  const created = [];
  for (let i = 0; i < count; i++) {
    const record = await h.insertMember({
      openid: `o_${randomBytes(10).toString('hex')}`,
      marketingConsent: true,
    });
    await db().members.updateOne({ _id: record._id }, { $set: { tags: [tag] } });
    created.push({ id: record._id, openid: record.openid! });
  }
  return { tag, list: created };
}

async function runCampaign(tag: string, bonusPoints = 0): Promise<string> {
  const created = await h.post(
    '/api/v1/campaigns',
    {
      name: '双十一会员专享',
      audience: { tags: [tag] },
      text: '{name}您好！双十一到店享三倍积分。',
      genericText: GENERIC,
      bonusPoints,
      startAt: h.now().toISOString(),
    },
    'marketing',
  );
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await h.post(`/api/v1/campaigns/${id}/schedule`, {}, 'marketing')).status).toBe(200);
  return id;
}

async function countsWhenSent(id: string, sent: number) {
  return waitFor(
    async () => {
      const res = await h.get(`/api/v1/campaigns/${id}`, 'marketing');
      return res.body.status === 'completed' && res.body.counts.sent === sent ? res.body.counts : undefined;
    },
    20_000,
    `campaign ${id} to send ${sent}`,
  );
}

/** Marketing deliveries under `source` for each member, each settled as `mass_pending`. */
async function waitingDeliveries(source: string, list: { id: string }[], bonusPoints = 0): Promise<string[]> {
  const keys = [];
  for (const m of list) {
    const key = `${source}:${m.id}`;
    const bonus = {
      points: bonusPoints,
      opKey: `bonus:${key}`,
      reason: '活动奖励：会员日',
      reference: source,
    };
    const outcome = await services().delivery.enqueue({
      key,
      memberId: m.id,
      category: 'marketing',
      kind: 'campaign',
      text: '{name}您好，会员日到店双倍积分！',
      genericText: '会员日到店双倍积分！',
      bonus: bonusPoints > 0 ? bonus : null,
    });
    expect(outcome).toMatchObject({ ok: true, status: 'enqueued' });
    keys.push(key);
  }
  for (const key of keys) await settled(key, ['mass_pending']);
  return keys;
}

async function settled(key: string, statuses: string[]): Promise<DeliveryRecord> {
  return waitFor(
    async () => {
      const record = await services().delivery.find(key);
      return record && statuses.includes(record.status) ? record : undefined;
    },
    15_000,
    `delivery ${key} to be ${statuses.join('/')}`,
  );
}

async function batchDone(batchId: string, statuses = ['done']): Promise<MassSendBatchRecord> {
  return waitFor(
    async () => {
      const batch = await services().massSend.find(batchId);
      return batch && statuses.includes(batch.status) ? batch : undefined;
    },
    20_000,
    `batch ${batchId} to be ${statuses.join('/')}`,
  );
}

const sendsTo = (openids: string[]) =>
  fake.massSends.filter((s) => s.touser.some((o) => openids.includes(o)));
const callsWith = (clientmsgid: string) =>
  fake.callsTo(MASS).filter((c) => c.body.clientmsgid === clientmsgid);
const source = (name: string) => `campaign:${name}${randomBytes(4).toString('hex')}`;

describe('mass-send batcher', () => {
  it('sweeps on a schedule every 10 minutes in the program’s time zone', async () => {
    const schedulers = await h.runtime.queues[queueNames.massSend].getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: 'mass-send-sweep', pattern: '*/10 * * * *', tz: 'Asia/Shanghai' }),
    ]);
  });

  it('sends a campaign to members outside the window in one mass send, and moves its counts to sent', async () => {
    const { tag, list } = await members(4);
    const openids = list.map((m) => m.openid);
    const id = await runCampaign(tag, 200);
    const counts = await countsWhenSent(id, 4);
    // Completed once the mass send went out, each member's bonus with it.
    expect(counts).toEqual({
      targeted: 4,
      queued: 4,
      inProgress: 0,
      deferred: 0,
      deferredUntil: null,
      held: 0,
      sent: 4,
      massPending: 0,
      skipped: {},
      failed: 0,
      bonusCredited: 4,
      bonusWithheld: 0,
      bonusPending: 0,
    });
    for (const m of list) expect(await balanceOf(db(), m.id, h.now())).toBe(200);
    const sends = sendsTo(openids);
    expect(sends).toHaveLength(1);
    expect([...sends[0]!.touser].sort()).toEqual([...openids].sort());
    expect(sends[0]!.text).toBe(GENERIC);

    const [batch, ...more] = await services().massSend.batchesOf(`campaign:${id}`);
    expect(more).toHaveLength(0);
    expect(batch).toMatchObject({
      status: 'done',
      clientMsgId: sends[0]!.clientmsgid,
      msgId: sends[0]!.msgId,
    });
    expect(batch!.clientMsgId).toBe(batch!._id);
    for (const m of list) {
      expect(await services().delivery.find(`campaign:${id}:${m.id}`)).toMatchObject({
        status: 'sent',
        channel: 'mass_send',
        sentText: GENERIC,
        msgId: sends[0]!.msgId,
        batchId: batch!._id,
      });
      // The platform's monthly mass send stays counted for the member.
      expect(await db().delivery.states.findById(m.id).lean()).toMatchObject({ massMonth: 1 });
    }
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/deliveries_total\{channel="mass_send",outcome="sent"\} [4-9]/);

    // WeChat's MASSSENDJOBFINISH (through the webhook) closes the loop on the batch.
    const report = eventXml('mphelper', 'MASSSENDJOBFINISH', {
      MsgID: BigInt(batch!.msgId!),
      Status: 'send success',
      TotalCount: 4,
      FilterCount: 4,
      SentCount: 4,
      ErrorCount: 0,
    });
    expect((await postXml(h.url, signedQuery({ token: TOKEN }), report)).body).toBe('success');
    const reported = await waitFor(
      async () => (await services().massSend.find(batch!._id))?.report ?? undefined,
      10_000,
      'the MASSSENDJOBFINISH report',
    );
    expect(reported).toMatchObject({ status: 'send success', totalCount: 4, sentCount: 4, errorCount: 0 });
    expect(await services().delivery.find(`campaign:${id}:${list[0]!.id}`)).toMatchObject({ status: 'sent' });
  });

  it('splits a group at the configured limit into even batches, none with a single openid', async () => {
    const { tag, list } = await members(9);
    const openids = list.map((m) => m.openid);
    const id = await runCampaign(tag);
    await countsWhenSent(id, 9);
    const sends = sendsTo(openids);
    expect(sends.map((s) => s.touser.length)).toEqual([3, 3, 3]);
    expect(new Set(sends.map((s) => s.clientmsgid)).size).toBe(3);
    for (const openid of openids) expect(fake.massReceived(openid)).toBe(1);
    const batches = await services().massSend.batchesOf(`campaign:${id}`);
    expect(batches.map((b) => b.status)).toEqual(['done', 'done', 'done']);
    expect(batches.flatMap((b) => b.deliveryKeys).sort()).toEqual(
      list.map((m) => `campaign:${id}:${m.id}`).sort(),
    );

    // A report that reached nobody fails the batch's deliveries; the counts follow.
    const failedBatch = batches[0]!;
    const report = eventXml('mphelper', 'MASSSENDJOBFINISH', {
      MsgID: BigInt(failedBatch.msgId!),
      Status: 'err(10001)',
      TotalCount: 3,
      SentCount: 0,
      ErrorCount: 3,
    });
    await postXml(h.url, signedQuery({ token: TOKEN }), report);
    const counts = await waitFor(
      async () => {
        const res = await h.get(`/api/v1/campaigns/${id}`, 'marketing');
        return res.body.counts.failed === 3 ? res.body.counts : undefined;
      },
      10_000,
      'the failed report to fail 3 deliveries',
    );
    expect(counts).toMatchObject({ sent: 6, failed: 3 });
    expect(await services().delivery.find(failedBatch.deliveryKeys[0]!)).toMatchObject({
      status: 'failed',
      reason: 'mass_send_failed',
      errmsg: 'err(10001)',
    });
  });

  it('sends a batch once with two assemblers, two senders and a worker that died after its call', async () => {
    const src = source('crash');
    await batchQueue().pause();
    try {
      const { list } = await members(4);
      const keys = await waitingDeliveries(src, list);
      // Two assemblies and the sweep at once build one batch: each delivery is claimed once.
      await Promise.all([
        services().massSend.assembleSource(src),
        services().massSend.assembleSource(src),
        services().massSend.sweep(),
      ]);
      const batches = await services().massSend.batchesOf(src);
      expect(batches).toHaveLength(1);
      const batch = batches[0]!;
      expect(batch.status).toBe('ready');
      expect([...batch.deliveryKeys].sort()).toEqual([...keys].sort());

      // A worker claims it, WeChat takes the call, and the worker dies before recording anything.
      const oa = new OaApi({
        apiBase: fake.url,
        credentials: { appId: fake.appId, appSecret: fake.appSecret },
        redis: h.runtime.redis,
        logger: createLogger('silent'),
      });
      const { db: database, program, clock, logger } = services();
      const dying = new MassSendService({ db: database, program, clock, logger });
      dying.connect({
        jobs: { assemble: async () => {}, send: async () => {}, sendQueued: async () => false },
        sender: {
          async massSendText(message) {
            await oa.massSendText(message);
            throw new Error('worker died after its call');
          },
        },
      });
      await expect(dying.sendBatch(batch._id)).rejects.toThrow('worker died');
      expect(await services().massSend.find(batch._id)).toMatchObject({ status: 'sending', attempts: 1 });
      // Meanwhile other workers find it claimed: nothing is sent.
      const others = await Promise.all([
        services().massSend.sendBatch(batch._id),
        services().massSend.sendBatch(batch._id),
      ]);
      expect(others).toEqual([
        { status: 'retry', reason: 'in_progress', errcode: null },
        { status: 'retry', reason: 'in_progress', errcode: null },
      ]);
      expect(callsWith(batch.clientMsgId)).toHaveLength(1);

      // Two minutes later the recovery re-adds its job; the retry repeats the clientmsgid.
      h.setNow(new Date(h.now().getTime() + 2 * 60_000));
      expect(await services().massSend.recoverStuck()).toBeGreaterThanOrEqual(1);
      await batchQueue().resume();
      const done = await batchDone(batch._id);
      const first = fake.massSends.find((s) => s.clientmsgid === batch.clientMsgId)!;
      expect(done).toMatchObject({ msgId: first.msgId, attempts: 2, callStartedAt: null });
      expect(callsWith(batch.clientMsgId).map((c) => c.errcode)).toEqual([0, 45065]);
      expect(fake.massSends.filter((s) => s.clientmsgid === batch.clientMsgId)).toHaveLength(1);
      for (const m of list) expect(fake.massReceived(m.openid)).toBe(1);
      for (const key of keys) {
        expect(await services().delivery.find(key)).toMatchObject({ status: 'sent', msgId: first.msgId });
      }
      // The sweep finds nothing left to do, and a late job for the batch does nothing.
      expect(await services().massSend.sendBatch(batch._id)).toEqual({ status: 'noop', current: 'done' });
      expect(callsWith(batch.clientMsgId)).toHaveLength(2);
    } finally {
      await batchQueue().resume();
    }
  });

  it('recovers a batch whose send job was lost and one a crash left assembling', async () => {
    await batchQueue().pause();
    try {
      const lost = source('lost');
      const first = await members(3);
      await waitingDeliveries(lost, first.list);
      await services().massSend.assembleSource(lost);
      const [batch] = await services().massSend.batchesOf(lost);
      await (await batchQueue().getJob(massBatchJobId(batch!._id, 0)))?.remove();

      // A crash right after a batch was created and its deliveries claimed, before it was frozen.
      const stuck = source('stuck');
      const second = await members(2);
      const keys = await waitingDeliveries(stuck, second.list);
      const group = (await services().delivery.find(keys[0]!))!.massGroup!;
      const stuckId = massBatchId(group, keys);
      await db().delivery.massSendBatches.create({
        _id: stuckId,
        group,
        source: stuck,
        text: '会员日到店双倍积分！',
        clientMsgId: stuckId,
        candidates: keys,
        status: 'assembling',
        createdAt: h.now(),
        updatedAt: h.now(),
      });
      await db().delivery.deliveries.updateMany({ _id: { $in: keys } }, { $set: { batchId: stuckId } });

      // Nothing is taken for lost while it is fresh; 31 minutes later both are picked up.
      expect(await services().massSend.recoverStuck()).toBe(0);
      h.setNow(new Date(h.now().getTime() + 31 * 60_000));
      expect(await services().massSend.recoverStuck()).toBe(2);
      expect(await batchQueue().getJob(massBatchJobId(batch!._id, 1))).toBeDefined();
      expect(await services().massSend.find(stuckId)).toMatchObject({ status: 'ready' });
      await batchQueue().resume();
      await batchDone(batch!._id);
      await batchDone(stuckId);
      for (const m of [...first.list, ...second.list]) expect(fake.massReceived(m.openid)).toBe(1);
    } finally {
      await batchQueue().resume();
    }
  });

  it('retries a busy or over-quota WeChat (45009) with backoff, then sends once', async () => {
    const src = source('quota');
    const { list } = await members(3);
    await batchQueue().pause();
    const keys = await waitingDeliveries(src, list);
    fake.failNext(MASS, 45009);
    await services().massSend.assembleSource(src);
    const [batch] = await services().massSend.batchesOf(src);
    const started = Date.now();
    await batchQueue().resume();
    const done = await batchDone(batch!._id);
    // BullMQ's jittered backoff (2 s ± 25 %) between the two calls, not a tight loop.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(done.attempts).toBe(2);
    expect(callsWith(batch!.clientMsgId).map((c) => c.errcode)).toEqual([45009, 0]);
    const job = await batchQueue().getJob(massBatchJobId(batch!._id, 0));
    // One failed attempt with backoff, then the successful one: the same job.
    expect(job?.attemptsMade).toBe(2);
    expect(await job?.getState()).toBe('completed');
    for (const key of keys) expect(await services().delivery.find(key)).toMatchObject({ status: 'sent' });
  });

  it('fails a batch when WeChat has no mass-send quota (45028) and gives the members’ slots back', async () => {
    const src = source('noquota');
    const { list } = await members(2);
    await batchQueue().pause();
    const keys = await waitingDeliveries(src, list, 100);
    fake.failNext(MASS, 45028);
    await services().massSend.assembleSource(src);
    const [batch] = await services().massSend.batchesOf(src);
    await batchQueue().resume();
    expect(await batchDone(batch!._id, ['failed'])).toMatchObject({
      reason: 'no_mass_quota',
      errcode: 45028,
    });
    // The batch is marked first, then its deliveries.
    for (const key of keys) {
      expect(await settled(key, ['failed'])).toMatchObject({
        status: 'failed',
        reason: 'no_mass_quota',
        errcode: 45028,
      });
    }
    for (const m of list) {
      // Each slot is given back right after its delivery is marked.
      const state = await waitFor(
        async () => {
          const found = await db().delivery.states.findById(m.id).lean<{ marketingMonth: number }>();
          return found?.marketingMonth === 0 ? found : undefined;
        },
        10_000,
        'the slot given back',
      );
      expect(state).toMatchObject({ marketingMonth: 0, massMonth: 0 });
    }
    expect(callsWith(batch!.clientMsgId)).toHaveLength(1);
    // Nobody got the message, so nobody gets its points: the bonus sweep records them withheld.
    await services().delivery.bonus.settleDue();
    for (const key of keys)
      expect(await services().delivery.find(key)).toMatchObject({ bonusState: 'withheld' });
    for (const m of list) expect(await balanceOf(db(), m.id, h.now())).toBe(0);
  });

  it('skips members who opted out meanwhile, holds a batch through quiet hours, and gives up on a lone member', async () => {
    const src = source('quiet');
    const { list } = await members(4);
    h.setNow('2026-11-25T20:30:00+08:00');
    const keys = await waitingDeliveries(src, list);
    // 退订 after the policy decided: the batch leaves them out.
    await db().members.updateOne({ _id: list[3]!.id }, { $set: { marketingOptOut: true } });
    h.setNow('2026-11-25T22:00:00+08:00');
    await services().massSend.assembleSource(src);
    expect(await services().delivery.find(keys[3]!)).toMatchObject({
      status: 'skipped',
      reason: 'opted_out',
    });
    expect(await db().delivery.states.findById(list[3]!.id).lean()).toMatchObject({ marketingMonth: 0 });
    const [batch] = await services().massSend.batchesOf(src);
    expect(batch!.deliveryKeys).toHaveLength(3);
    const putOff = await waitFor(
      () => batchQueue().getJob(massBatchJobId(batch!._id, 1)),
      10_000,
      'the send to be put off to 09:00',
    );
    expect(putOff.opts.delay).toBe(11 * 3_600_000);
    expect(callsWith(batch!.clientMsgId)).toHaveLength(0);
    h.setNow('2026-11-26T09:00:00+08:00');
    await putOff.promote();
    await batchDone(batch!._id);
    expect(callsWith(batch!.clientMsgId).map((c) => c.errcode)).toEqual([0]);

    // A member alone in a group waits for a companion, and after a day is skipped.
    const lone = source('lone');
    const single = await members(1);
    const [key] = await waitingDeliveries(lone, single.list);
    expect((await services().massSend.sweep()).batches).toBe(0);
    expect(await services().delivery.find(key!)).toMatchObject({ status: 'mass_pending' });
    h.setNow('2026-11-27T09:30:00+08:00');
    expect((await services().massSend.sweep()).tooFew).toBeGreaterThanOrEqual(1);
    expect(await services().delivery.find(key!)).toMatchObject({ status: 'skipped', reason: 'mass_too_few' });
    expect(fake.massReceived(single.list[0]!.openid)).toBe(0);
  });
});
