import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { CampaignRecord } from '../../src/data/models/campaign-model';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import { campaignJobId } from '../../src/queues/campaign-jobs';
import { bullDeliveryJobs } from '../../src/queues/delivery-jobs';
import { queueNames } from '../../src/queues/queue-names';
import { CampaignService } from '../../src/services/campaign-service';
import type { DeliveryService } from '../../src/services/delivery-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, givePoints } from '../helpers/give-points';
import { waitFor } from '../helpers/wait-for';

/**
 * Campaigns end to end on the real runtime (embedded MongoDB-wire server, redis-server, BullMQ
 * workers, the simulator channel's logging sender) with the services' clock moved by hand.
 */
let h: ApiHarness;
const NOW = '2026-11-25T10:00:00+08:00';

beforeAll(async () => {
  // Mass sends assembled as soon as a fan-out ends (no settle wait), so campaigns finish in a test.
  h = await startApiHarness({
    now: NOW,
    program: parseProgram(deepMerge(defaultProgramInput, { marketing: { massSend: { settleSeconds: 0 } } })),
  });
});

afterAll(async () => {
  await h?.stop();
});

const db = () => h.runtime.services.db;

/** A member tagged `tag` with an openid; consent and opt-out as given. */
async function member(tag: string, options: { consent?: boolean; optOut?: boolean; points?: number } = {}) {
  const record = await h.insertMember({
    openid: `o_${randomBytes(10).toString('hex')}`,
    marketingConsent: options.consent ?? true,
  });
  await db().members.updateOne(
    { _id: record._id },
    { $set: { tags: [tag], marketingOptOut: options.optOut ?? false } },
  );
  if (options.points)
    await givePoints(db(), h.runtime.services.program.current(), record._id, options.points, h.now());
  return record;
}

const uniqueTag = () => `t-${randomBytes(4).toString('hex')}`;

const body = (tag: string, extra: Record<string, unknown> = {}) => ({
  name: '双十一会员专享',
  audience: { tags: [tag] },
  text: '{name}您好！双十一到店享三倍积分，您当前有 {points}。',
  genericText: '双十一到店享三倍积分，欢迎到店。',
  bonusPoints: 500,
  startAt: '2026-11-25T11:00:00+08:00',
  ...extra,
});

async function deliveriesOf(campaignId: string): Promise<DeliveryRecord[]> {
  return db()
    .delivery.deliveries.find({ _id: { $gte: `campaign:${campaignId}:`, $lt: `campaign:${campaignId};` } })
    .lean<DeliveryRecord[]>();
}

/** A service over the same stores with 2-member pages, driven by the test instead of a job. */
function smallPages(): CampaignService {
  const { db: database, program, clock, logger, delivery } = h.runtime.services;
  return new CampaignService({ db: database, program, clock, logger }, delivery, 2);
}

async function startRunning(campaignId: string) {
  await db().campaigns.updateOne({ _id: campaignId }, { $set: { status: 'running', startedAt: h.now() } });
}

describe('campaigns', () => {
  it('creates, previews, schedules at the start time and fans out once to every member of the audience', async () => {
    const tag = uniqueTag();
    const rich = await member(tag, { points: 2_000 });
    const consenting = [rich, await member(tag), await member(tag)];
    const noConsent = await member(tag, { consent: false });
    const optedOut = await member(tag, { optOut: true });
    await member(uniqueTag()); // outside the audience

    const preview = await h.post('/api/v1/campaigns/preview', body(tag), 'marketing');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ audienceSize: 5, recipients: 3 });
    // 3 recipients × 500 points ÷ 100 points per yuan = ¥15.
    expect(preview.body.liability).toMatchObject({ bonusPoints: 1_500, bonusFen: 1_500, totalFen: 1_500 });
    expect(preview.body.samples).toHaveLength(3);
    expect(preview.body.samples).toContainEqual({
      memberId: rich._id,
      text: `${rich.name}您好！双十一到店享三倍积分，您当前有 2,000 积分。`,
    });

    const created = await h.post('/api/v1/campaigns', body(tag), 'marketing');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', bonusPoints: 500 });
    const id = created.body.id as string;

    const scheduled = await h.post(`/api/v1/campaigns/${id}/schedule`, {}, 'marketing');
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.status).toBe('scheduled');
    expect((await h.post(`/api/v1/campaigns/${id}/schedule`, {}, 'marketing')).status).toBe(409);
    const job = await h.runtime.queues[queueNames.campaigns].getJob(campaignJobId(id, 0));
    expect(job?.opts.delay).toBe(3_600_000);
    expect(await deliveriesOf(id)).toHaveLength(0);

    // Run early (promoted before 11:00): it sends nothing and waits again in the next round.
    await job?.promote();
    const queue = h.runtime.queues[queueNames.campaigns];
    const early = await waitFor(
      async () => ((await job?.isCompleted()) ? queue.getJob(campaignJobId(id, 0)) : undefined),
      10_000,
      'the early run',
    );
    expect(early?.returnvalue).toEqual({ status: 'not_due', startAt: '2026-11-25T03:00:00.000Z' });
    const next = await queue.getJob(campaignJobId(id, 1));
    expect(next?.opts.delay).toBe(3_600_000);
    expect(await deliveriesOf(id)).toHaveLength(0);

    // 11:00 comes: the delayed job runs (promoted rather than waited for).
    h.setNow('2026-11-25T11:00:00+08:00');
    try {
      await next?.promote();
      const done = await waitFor(
        async () => {
          const res = await h.get(`/api/v1/campaigns/${id}`, 'marketing');
          return res.body.status === 'completed' ? res.body : undefined;
        },
        20_000,
        'the campaign to complete',
      );
      // Completed once every message is settled: the three recipients' mass send went out.
      expect(done.counts).toEqual({
        targeted: 5,
        queued: 5,
        inProgress: 0,
        deferred: 0,
        deferredUntil: null,
        held: 0,
        sent: 3,
        massPending: 0,
        skipped: { no_consent: 1, opted_out: 1 },
        failed: 0,
        bonusCredited: 3,
        bonusWithheld: 0,
        bonusPending: 0,
      });
      expect(done.fannedOutAt).not.toBeNull();
      expect(done.completedAt).not.toBeNull();
      const records = await deliveriesOf(id);
      expect(records.map((r) => r.memberId).sort()).toEqual(
        [...consenting, noConsent, optedOut].map((m) => m._id).sort(),
      );
      expect(records.find((r) => r.memberId === noConsent._id)).toMatchObject({
        status: 'skipped',
        reason: 'no_consent',
      });
      // The bonus went to recipients only, once, with their message.
      expect(await balanceOf(db(), rich._id, h.now())).toBe(2_500);
      expect(await balanceOf(db(), consenting[1]!._id, h.now())).toBe(500);
      expect(await balanceOf(db(), noConsent._id, h.now())).toBe(0);
      const listed = await h.get('/api/v1/campaigns?status=completed', 'marketing');
      expect(listed.body.campaigns.map((c: { id: string }) => c.id)).toContain(id);
    } finally {
      h.setNow(NOW);
    }
  });

  it('resumes a fan-out interrupted after its first page without anyone twice; the bonus is credited once', async () => {
    const tag = uniqueTag();
    const members = [];
    for (let i = 0; i < 5; i++) members.push(await member(tag));
    const id = (await h.post('/api/v1/campaigns', body(tag, { bonusPoints: 300 }), 'marketing')).body
      .id as string;
    await startRunning(id);

    const service = smallPages();
    let crash = true;
    service.onPage(() => {
      if (crash) throw new Error('worker died after page 1');
    });
    await expect(service.fanOut(id)).rejects.toThrow('worker died');
    const afterCrash = await db().campaigns.findById(id).lean<CampaignRecord>();
    const firstTwo = members
      .map((m) => m._id)
      .sort()
      .slice(0, 2);
    expect(afterCrash?.cursor).toBe(firstTwo[1]);
    expect((await deliveriesOf(id)).map((r) => r.memberId).sort()).toEqual(firstTwo);

    crash = false;
    // Handed over, not finished: its messages wait for the mass send (this service has no batcher).
    expect(await service.fanOut(id)).toEqual({ status: 'running', pages: 2 });
    const records = await deliveriesOf(id);
    expect(records.map((r) => r.memberId).sort()).toEqual(members.map((m) => m._id).sort());
    const stored = await db().campaigns.findById(id).lean<CampaignRecord>();
    expect(stored?.counters).toEqual({ targeted: 5, queued: 5, bonusOffered: 5 });
    expect(stored?.fannedOutAt).toEqual(h.now());
    // No points before the message: every bonus rides on its delivery, still due.
    for (const m of members) expect(await balanceOf(db(), m._id, h.now())).toBe(0);
    expect(records.map((r) => r.bonusState)).toEqual(['due', 'due', 'due', 'due', 'due']);

    // The whole fan-out again from the start (a lost position): nothing new is sent or credited.
    await db().campaigns.updateOne({ _id: id }, { $set: { status: 'running', cursor: null } });
    // Still running, or already completed when the runtime's own batcher sent the mass send meanwhile.
    const again = await service.fanOut(id);
    expect(again.status === 'running' || again.status === 'completed').toBe(true);
    expect(again).toMatchObject({ pages: 3 });
    expect(await deliveriesOf(id)).toHaveLength(5);
    // The mass send goes out (the runtime's batcher, as its sweep would): each bonus comes with it, once.
    await h.runtime.services.massSend.assembleSource(`campaign:${id}`);
    for (const m of members) {
      const bonusKey = `campaign-bonus:${id}:${m._id}`;
      await waitFor(() => db().ledger.exists({ _id: bonusKey }), 15_000, 'the bonus in the ledger');
      expect(await db().ledger.countDocuments({ opKey: bonusKey })).toBe(1);
      expect(await balanceOf(db(), m._id, h.now())).toBe(300);
    }
    const done = await waitFor(
      async () => {
        const res = await h.get(`/api/v1/campaigns/${id}`, 'marketing');
        return res.body.status === 'completed' ? res.body : undefined;
      },
      15_000,
      'the campaign to complete',
    );
    expect(done.counts).toMatchObject({ sent: 5, bonusCredited: 5, bonusWithheld: 0 });
  });

  it('the recovery sweep restarts a fan-out whose job was lost', async () => {
    const tag = uniqueTag();
    const members = [await member(tag), await member(tag)];
    const id = (await h.post('/api/v1/campaigns', body(tag, { bonusPoints: 0 }), 'marketing')).body
      .id as string;
    await startRunning(id);
    const recent = h.runtime.services.campaigns;
    expect(await recent.recoverStuck()).toBe(0); // idle, but not for 10 minutes yet
    await db().campaigns.updateOne(
      { _id: id },
      { $set: { updatedAt: new Date(h.now().getTime() - 11 * 60_000) } },
    );
    expect(await recent.recoverStuck()).toBe(1);
    await waitFor(
      async () => (await h.get(`/api/v1/campaigns/${id}`, 'marketing')).body.status === 'completed',
      20_000,
      'the recovered campaign to complete',
    );
    expect((await deliveriesOf(id)).map((r) => r.memberId).sort()).toEqual(members.map((m) => m._id).sort());
  });

  it('pause stops the fan-out before its next page; resume continues from there', async () => {
    const tag = uniqueTag();
    const members = [];
    for (let i = 0; i < 5; i++) members.push(await member(tag));
    const id = (await h.post('/api/v1/campaigns', body(tag, { bonusPoints: 0 }), 'marketing')).body
      .id as string;
    await startRunning(id);

    const service = smallPages();
    service.onPage(async (page) => {
      if (page.number === 1)
        expect((await h.post(`/api/v1/campaigns/${id}/pause`, {}, 'marketing')).status).toBe(200);
    });
    expect(await service.fanOut(id)).toEqual({ status: 'paused', pages: 1 });
    expect(await deliveriesOf(id)).toHaveLength(2);
    expect((await h.get(`/api/v1/campaigns/${id}`, 'marketing')).body.status).toBe('paused');
    expect((await h.post(`/api/v1/campaigns/${id}/pause`, {}, 'marketing')).status).toBe(409);

    // Resume adds the next round's job, which the workers run at once.
    const resumed = await h.post(`/api/v1/campaigns/${id}/resume`, {}, 'marketing');
    expect(resumed.body.status).toBe('running');
    await waitFor(
      async () => (await h.get(`/api/v1/campaigns/${id}`, 'marketing')).body.status === 'completed',
      20_000,
      'the resumed campaign to complete',
    );
    expect((await deliveriesOf(id)).map((r) => r.memberId).sort()).toEqual(members.map((m) => m._id).sort());
    const stored = await db().campaigns.findById(id).lean<CampaignRecord>();
    expect(stored?.counters.targeted).toBe(5);
  });

  it('stays 发送中 while a message is deferred (how many, until when) and completes when it goes out with its bonus', async () => {
    const tag = uniqueTag();
    const capped = await member(tag);
    const fresh = await member(tag);
    for (const m of [capped, fresh]) {
      await h.runtime.services.delivery.noteInbound(m._id, new Date(h.now().getTime() - 3_600_000));
    }
    // `capped` had today's marketing message already (1 a day): theirs waits for 09:00 tomorrow.
    await db().delivery.states.updateOne(
      { _id: capped._id },
      {
        $set: {
          marketingDayKey: '2026-11-25',
          marketingDay: 1,
          marketingMonthKey: '2026-11',
          marketingMonth: 1,
          massMonth: 0,
        },
      },
    );
    const id = (await h.post('/api/v1/campaigns', body(tag), 'marketing')).body.id as string;
    await startRunning(id);
    expect(await h.runtime.services.campaigns.fanOut(id)).toMatchObject({ status: 'running', pages: 1 });
    const key = (m: { _id: string }) => `campaign:${id}:${m._id}`;
    await waitFor(
      async () => {
        const [a, b] = [
          await h.runtime.services.delivery.find(key(capped)),
          await h.runtime.services.delivery.find(key(fresh)),
        ];
        return a?.status === 'deferred' && b?.status === 'sent' && b.bonusState === 'credited';
      },
      15_000,
      'one message sent, one deferred',
    );
    const waiting = await h.get(`/api/v1/campaigns/${id}`, 'marketing');
    expect(waiting.body).toMatchObject({ status: 'running', completedAt: null });
    expect(waiting.body.counts).toMatchObject({
      targeted: 2,
      inProgress: 1,
      deferred: 1,
      deferredUntil: '2026-11-26T01:00:00.000Z',
      sent: 1,
      bonusCredited: 1,
    });
    // The bonus came with the message that was sent; the deferred member has none yet.
    expect(await balanceOf(db(), fresh._id, h.now())).toBe(500);
    expect(await balanceOf(db(), capped._id, h.now())).toBe(0);
    // The sweep does not complete it either.
    await h.runtime.services.campaigns.recoverStuck();
    expect((await db().campaigns.findById(id).lean<CampaignRecord>())?.status).toBe('running');

    // 09:00 the next day: the deferred message goes (its job, run here), and its bonus with it.
    h.setNow('2026-11-26T09:00:00+08:00');
    try {
      expect(await h.runtime.services.delivery.deliver(key(capped))).toMatchObject({ status: 'sent' });
      const done = await h.get(`/api/v1/campaigns/${id}`, 'marketing');
      expect(done.body).toMatchObject({ status: 'completed', completedAt: '2026-11-26T01:00:00.000Z' });
      expect(done.body.counts).toMatchObject({
        inProgress: 0,
        deferred: 0,
        deferredUntil: null,
        sent: 2,
        bonusCredited: 2,
      });
      expect(await balanceOf(db(), capped._id, h.now())).toBe(500);
      expect(await db().ledger.countDocuments({ opKey: `campaign-bonus:${id}:${capped._id}` })).toBe(1);
      const listed = await h.get('/api/v1/campaigns?status=completed', 'marketing');
      expect(listed.body.campaigns.map((c: { id: string }) => c.id)).toContain(id);
    } finally {
      h.setNow(NOW);
    }
  });

  it('paces pages to delivery: waits while the backlog is over the limit, at most maxWaitMs a page', async () => {
    const tag = uniqueTag();
    for (let i = 0; i < 5; i++) await member(tag);
    const create = async () => {
      const id = (await h.post('/api/v1/campaigns', body(tag, { bonusPoints: 0 }), 'marketing')).body
        .id as string;
      await startRunning(id);
      return id;
    };
    const { db: database, program, clock, logger, delivery } = h.runtime.services;
    let backlog = 0;
    const polls: number[] = [];
    let onPoll: () => Promise<void> = async () => {};
    const watched = Object.create(delivery) as DeliveryService;
    watched.backlog = async () => {
      polls.push(backlog);
      await onPoll();
      return backlog;
    };
    const pacing = { backlog: 3, maxWaitMs: 150, pollMs: 10 };
    const service = new CampaignService({ db: database, program, clock, logger }, watched, 2, pacing);

    // Delivery keeping up: one look before each later page (pages 2, 3 and the empty end), no wait.
    const quick = await create();
    expect(await service.fanOut(quick)).toEqual({ status: 'running', pages: 3 });
    expect(polls).toEqual([0, 0, 0]);

    // Delivery stuck behind: each later page waits its 150 ms, and the fan-out still ends.
    backlog = 10;
    polls.length = 0;
    const started = Date.now();
    const slow = await create();
    expect(await service.fanOut(slow)).toEqual({ status: 'running', pages: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 150);
    expect(polls.length).toBeGreaterThan(3 * 5);
    expect(await deliveriesOf(slow)).toHaveLength(5);

    // A pause while waiting stops the fan-out before its next page.
    const paused = await create();
    onPoll = async () => {
      if (polls.length === 1) {
        expect((await h.post(`/api/v1/campaigns/${paused}/pause`, {}, 'marketing')).status).toBe(200);
      }
    };
    polls.length = 0;
    // A wait long enough for the pause request itself (a loaded machine may take over 150 ms).
    const patient = new CampaignService({ db: database, program, clock, logger }, watched, 2, {
      ...pacing,
      maxWaitMs: 2_000,
    });
    expect(await patient.fanOut(paused)).toEqual({ status: 'paused', pages: 1 });
    expect(await deliveriesOf(paused)).toHaveLength(2);

    // The process stopping while a fan-out waits: the attempt ends with an error (the job is
    // retried from the recorded position), having written nothing more.
    const stopped = await create();
    const stopping = new CampaignService({ db: database, program, clock, logger }, watched, 2, pacing);
    onPoll = async () => {
      if (polls.length === 1) stopping.stop();
    };
    polls.length = 0;
    await expect(stopping.fanOut(stopped)).rejects.toThrow('stopping');
    expect(await deliveriesOf(stopped)).toHaveLength(2);
    expect((await db().campaigns.findById(stopped).lean<CampaignRecord>())?.status).toBe('running');
  });

  it('the pacing signal counts delivery jobs waiting now, not delayed ones (real BullMQ queue)', async () => {
    const { connection } = h.runtime.queues[queueNames.delivery].opts;
    const queue = new Queue(`pacing-${randomBytes(4).toString('hex')}`, { connection });
    try {
      const jobs = bullDeliveryJobs(queue);
      expect(await jobs.waiting()).toBe(0);
      await jobs.addMany([
        { key: 'campaign:x:m1', round: 0, delayMs: 0 },
        { key: 'campaign:x:m2', round: 0, delayMs: 0 },
        { key: 'campaign:x:m3', round: 0, delayMs: 3_600_000 },
      ]);
      await jobs.add('care:birthday:m4:2026', 0, 0);
      expect(await jobs.waiting()).toBe(3);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('earns at the highest active campaign window inside it, and not after a cancel', async () => {
    const none = uniqueTag();
    const window = (multiplier: number) => ({
      startsAt: '2026-11-25T00:00:00+08:00',
      endsAt: '2026-11-26T00:00:00+08:00',
      multiplier,
    });
    const create = async (name: string, multiplier: number, schedule: boolean) => {
      const res = await h.post(
        '/api/v1/campaigns',
        body(none, { name, window: window(multiplier), startAt: '2026-11-25T20:00:00+08:00' }),
        'marketing',
      );
      expect(res.status).toBe(201);
      expect(res.body.window).toMatchObject({ multiplierMilli: multiplier * 1000, multiplier });
      if (schedule)
        expect((await h.post(`/api/v1/campaigns/${res.body.id}/schedule`, {}, 'marketing')).status).toBe(200);
      return res.body.id as string;
    };
    await create('一点五倍', 1.5, true);
    const triple = await create('三倍积分周', 3, true);
    await create('未发布的五倍', 5, false); // a draft promotes nothing

    const earn = async (occurredAt: string) => {
      const m = await h.insertMember();
      const res = await h.post(
        '/api/v1/transactions',
        {
          transactionId: `T-${randomBytes(6).toString('hex')}`,
          memberId: m._id,
          category: 'maintenance',
          amountFen: 100_000,
          occurredAt,
        },
        'store',
      );
      expect(res.status).toBe(201);
      return res.body;
    };
    // ¥1,000 → 1,000 base × 3 = 3,000, + 10% first-transaction bonus.
    const inside = await earn('2026-11-25T09:30:00+08:00');
    expect(inside.points).toBe(3_300);
    expect(inside.breakdown.promotion).toMatchObject({
      kind: 'campaign',
      campaignId: triple,
      name: '三倍积分周',
    });
    // Before the windows: no promotion (the 24th is no member day).
    expect((await earn('2026-11-24T09:30:00+08:00')).points).toBe(1_100);

    expect((await h.post(`/api/v1/campaigns/${triple}/cancel`, {}, 'marketing')).status).toBe(200);
    expect((await earn('2026-11-25T09:40:00+08:00')).points).toBe(1_650);

    // Preview estimates the window's extra from what was earned over the last 30 days.
    await waitFor(
      async () => (await db().ledger.countDocuments({ type: 'earn' })) >= 3,
      5_000,
      'the earn entries',
    );
    const earned = (await db().ledger.find({ type: 'earn' }).lean<{ points: number }[]>()).reduce(
      (sum, e) => sum + e.points,
      0,
    );
    const preview = await h.post(
      '/api/v1/campaigns/preview',
      body(none, { window: window(1.5) }),
      'marketing',
    );
    // One day of the 30 days' earnings, ×0.5 extra.
    expect(preview.body.liability).toMatchObject({
      windowExtraPoints: Math.floor(earned / 30 / 2),
      referenceDays: 30,
    });
    expect(preview.body.liability.windowExtraPoints).toBeGreaterThan(0);
  });

  it('sends tests under their own keys, lists the templates, and guards roles and input', async () => {
    const tag = uniqueTag();
    const staffMember = await member(tag);
    const id = (await h.post('/api/v1/campaigns', body(tag), 'marketing')).body.id as string;
    const test = await h.post(
      `/api/v1/campaigns/${id}/test`,
      { openids: [staffMember.openid, 'o_nobody'] },
      'marketing',
    );
    expect(test.status).toBe(200);
    // The staff member never wrote to the account: WeChat allows no message to them, and the
    // answer says so (and what to do) instead of claiming it was delivered.
    expect(test.body).toEqual({
      results: [
        {
          memberId: staffMember._id,
          name: staffMember.name,
          key: `campaign-test:${id}:${staffMember._id}:1`,
          status: 'not_sent',
          reason: 'no_service_window',
          message:
            '未发送：这个微信 48 小时内没有给公众号发过消息，公众号不能主动发给它。请先用这个微信给公众号发一条消息（如「积分」），再发送测试',
          deferredUntil: null,
        },
      ],
      notFound: ['o_nobody'],
    });
    const again = await h.post(`/api/v1/campaigns/${id}/test`, { memberIds: [staffMember._id] }, 'marketing');
    expect(again.body.results[0].key).toBe(`campaign-test:${id}:${staffMember._id}:2`);
    // Tests are not the campaign: its own count stays empty.
    expect((await h.get(`/api/v1/campaigns/${id}`, 'marketing')).body.counts.queued).toBe(0);

    const templates = await h.get('/api/v1/campaigns/templates', 'marketing');
    expect(templates.body.templates.map((t: { occasion: string }) => t.occasion)).toEqual([
      '春节',
      '中秋节',
      '国庆节',
      '双十一',
      '会员日',
    ]);

    expect((await h.post('/api/v1/campaigns', body(tag), 'store')).status).toBe(403);
    expect((await h.get('/api/v1/campaigns', 'store')).status).toBe(403);
    expect((await h.post(`/api/v1/campaigns/${id}/schedule`, {}, 'store')).status).toBe(403);
    expect((await h.post('/api/v1/campaigns', body(tag, { extra: 1 }))).status).toBe(400);
    const typo = await h.post('/api/v1/campaigns', body(tag, { text: '{nmae}您好' }), 'marketing');
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body.error.issues)).toContain('{nmae}');
    const personalMass = await h.post(
      '/api/v1/campaigns',
      body(tag, { genericText: '{name}您好' }),
      'marketing',
    );
    expect(personalMass.status).toBe(400);
    expect(
      (
        await h.post(
          '/api/v1/campaigns/preview',
          body(tag, { audience: { tiers: ['platinum-x'] } }),
          'marketing',
        )
      ).status,
    ).toBe(400);
    const injection = await h.post(
      '/api/v1/campaigns',
      body(tag, { audience: { tags: { $ne: null } } }),
      'marketing',
    );
    expect(injection.status).toBe(400);
    expect((await h.get('/api/v1/campaigns/0123456789abcdef01234567', 'marketing')).status).toBe(404);
    expect((await h.post(`/api/v1/campaigns/${id}/cancel`, {}, 'admin')).body.status).toBe('cancelled');
    expect((await h.post(`/api/v1/campaigns/${id}/resume`, {}, 'admin')).status).toBe(409);
  });
});
