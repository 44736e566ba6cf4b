import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { DeliveryStateRecord } from '../../src/data/models/delivery-state-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { DeliveryRequestInput } from '../../src/delivery/delivery-request';
import { creditPoints } from '../../src/rules/credit-points';
import { lotExpiresAt } from '../../src/rules/lot-expiry';
import { applyAccountChanges } from '../../src/services/apply-account-change';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { balanceOf, givePoints } from '../helpers/give-points';
import { waitFor } from '../helpers/wait-for';

/**
 * The bulk paths of a campaign page (`DeliveryService.enqueueMany`, `MemberStore.applyMany`) and
 * what the next attempt of a delivery does with what a dead worker left behind: its claim taken
 * over by the same job at once, a customer-service send in doubt recorded `interrupted` instead of
 * sent twice, its own mass-send slot not counted twice. Real runtime, fake WeChat API.
 */
let h: ApiHarness;
let fake: FakeWechatApi;
const CUSTOM = '/cgi-bin/message/custom/send';
const NOON = '2026-11-25T12:00:00+08:00';

beforeAll(async () => {
  fake = await startFakeWechatApi();
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
const db = () => h.runtime.services.db;

async function member(options: { messaged?: boolean } = {}) {
  const openid = `o_${randomBytes(10).toString('hex')}`;
  const record = await h.insertMember({ openid, marketingConsent: true });
  fake.follow(openid);
  if (options.messaged) {
    fake.userMessaged(openid);
    await delivery().noteInbound(record._id, new Date(h.now().getTime() - 3_600_000));
  }
  return { id: record._id, openid };
}

const campaignMessage = (memberId: string, campaign = 'c1'): DeliveryRequestInput => ({
  key: `campaign:${campaign}:${memberId}`,
  memberId,
  category: 'marketing',
  kind: 'campaign',
  text: '{name}您好，会员日到店双倍积分！',
  genericText: '会员日到店双倍积分！',
});

const sentTo = (openid: string) =>
  fake.callsTo(CUSTOM).filter((c) => c.body.touser === openid && c.errcode === 0).length;

async function settle(key: string): Promise<DeliveryRecord> {
  return waitFor(
    async () => {
      const record = await delivery().find(key);
      return record && !['queued', 'sending'].includes(record.status) ? record : undefined;
    },
    10_000,
    `delivery ${key} to settle`,
  );
}

/** A record as a worker leaves it when it dies after claiming it (not stale yet). */
async function claimedBy(
  request: DeliveryRequestInput,
  jobId: string,
  options: { began?: boolean } = {},
): Promise<void> {
  const now = h.now();
  await db().delivery.deliveries.create({
    ...request,
    _id: request.key,
    values: { expiringPoints: null, date: null },
    status: 'sending',
    sendingSince: now,
    sendingJob: jobId,
    sendStartedAt: options.began ? now : null,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
  });
}

async function stateOf(memberId: string): Promise<DeliveryStateRecord | null> {
  return db().delivery.states.findById(memberId).lean<DeliveryStateRecord>();
}

describe('bulk enqueue', () => {
  it('records a page in one go: new keys queued, duplicates left as they are, a queued one without its job re-added, a bad request refused alone', async () => {
    const [a, b, done, orphan] = [
      await member({ messaged: true }),
      await member({ messaged: true }),
      await member({ messaged: true }),
      await member({ messaged: true }),
    ];
    await delivery().enqueue(campaignMessage(done.id));
    expect(await settle(`campaign:c1:${done.id}`)).toMatchObject({ status: 'sent' });
    // As if a crash came between the page's insert and its jobs.
    await db().delivery.deliveries.create({
      ...campaignMessage(orphan.id),
      _id: `campaign:c1:${orphan.id}`,
      values: { expiringPoints: null, date: null },
      status: 'queued',
      createdAt: h.now(),
      updatedAt: h.now(),
    });

    const outcomes = await delivery().enqueueMany([
      campaignMessage(a.id),
      { ...campaignMessage(b.id), text: '{nickname}您好' },
      campaignMessage(done.id),
      campaignMessage(orphan.id),
      campaignMessage(b.id),
    ]);
    expect(outcomes).toEqual([
      { ok: true, status: 'enqueued', key: `campaign:c1:${a.id}` },
      { ok: false, reason: 'invalid_request', issues: [expect.stringContaining('nickname')] },
      { ok: true, status: 'duplicate', key: `campaign:c1:${done.id}`, current: 'sent' },
      { ok: true, status: 'duplicate', key: `campaign:c1:${orphan.id}`, current: 'queued' },
      { ok: true, status: 'enqueued', key: `campaign:c1:${b.id}` },
    ]);
    for (const m of [a, b, orphan]) {
      expect(await settle(`campaign:c1:${m.id}`)).toMatchObject({ status: 'sent', attempts: 1 });
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const m of [a, b, done, orphan]) expect(sentTo(m.openid)).toBe(1);
  });
});

describe('the next attempt after a worker died', () => {
  it('takes over the claim of the same job at once (another job waits for it to go stale)', async () => {
    const m = await member({ messaged: true });
    const request = campaignMessage(m.id, 'c2');
    await claimedBy(request, 'dl_job_a');
    expect(await delivery().deliver(request.key, { jobId: 'dl_job_b' })).toMatchObject({
      status: 'retry',
      reason: 'in_progress',
    });
    expect(await delivery().deliver(request.key, { jobId: 'dl_job_a' })).toEqual({
      status: 'sent',
      channel: 'customer_service',
    });
    expect(sentTo(m.openid)).toBe(1);
    expect(await stateOf(m.id)).toMatchObject({ marketingDay: 1, marketingMonth: 1, csSentSinceInbound: 1 });
  });

  it('records a customer-service send it cannot know about as interrupted, never sending it twice', async () => {
    const m = await member({ messaged: true });
    const request = campaignMessage(m.id, 'c3');
    await claimedBy(request, 'dl_job_c', { began: true });
    // The dead attempt had taken its slot and begun sending (perhaps sent) when it died.
    await db().delivery.states.updateOne(
      { _id: m.id },
      {
        $set: {
          marketingDayKey: '2026-11-25',
          marketingDay: 1,
          marketingMonthKey: '2026-11',
          marketingMonth: 1,
          reservations: [{ key: request.key, mass: false, day: '2026-11-25', month: '2026-11' }],
        },
      },
    );
    expect(await delivery().deliver(request.key, { jobId: 'dl_job_c' })).toMatchObject({ status: 'failed' });
    expect(await delivery().find(request.key)).toMatchObject({ status: 'failed', reason: 'interrupted' });
    expect(sentTo(m.openid)).toBe(0);
    // The slot stays taken: the member may have the message.
    expect(await stateOf(m.id)).toMatchObject({ marketingDay: 1, marketingMonth: 1 });
  });

  it('sends, once, a customer-service message whose attempt died after taking its slot but before sending', async () => {
    const m = await member({ messaged: true });
    const request = campaignMessage(m.id, 'c5');
    await claimedBy(request, 'dl_job_e');
    await db().delivery.states.updateOne(
      { _id: m.id },
      {
        $set: {
          marketingDayKey: '2026-11-25',
          marketingDay: 1,
          marketingMonthKey: '2026-11',
          marketingMonth: 1,
          reservations: [{ key: request.key, mass: false, day: '2026-11-25', month: '2026-11' }],
        },
      },
    );
    expect(await delivery().deliver(request.key, { jobId: 'dl_job_e' })).toMatchObject({ status: 'sent' });
    expect(sentTo(m.openid)).toBe(1);
    // Its own slot was reused, not a second one taken.
    expect(await stateOf(m.id)).toMatchObject({ marketingDay: 1, marketingMonth: 1 });
  });

  it('keeps its own mass-send slot rather than counting the member twice', async () => {
    const m = await member();
    const request = campaignMessage(m.id, 'c4');
    await claimedBy(request, 'dl_job_d');
    await db().delivery.states.create({
      _id: m.id,
      marketingDayKey: '2026-11-25',
      marketingDay: 1,
      marketingMonthKey: '2026-11',
      marketingMonth: 1,
      massMonth: 1,
      reservations: [{ key: request.key, mass: true, day: '2026-11-25', month: '2026-11' }],
      updatedAt: h.now(),
    });
    expect(await delivery().deliver(request.key, { jobId: 'dl_job_d' })).toEqual({
      status: 'mass_pending',
      channel: 'mass_send',
    });
    expect(await stateOf(m.id)).toMatchObject({ marketingDay: 1, marketingMonth: 1, massMonth: 1 });
  });
});

describe('bulk account changes', () => {
  it('credits each member once by its key, also a member whose document changed after it was read', async () => {
    const [a, b] = [await member(), await member()];
    const read = await db()
      .members.find({ _id: { $in: [a.id, b.id] } })
      .lean<MemberRecord[]>();
    // b changes between the read and the bulk write: its guarded update misses, then `apply` retries.
    await givePoints(db(), h.runtime.services.program.current(), b.id, 50, h.now());
    const ctx = h.runtime.services;
    const credit = () =>
      applyAccountChanges(
        { db: ctx.db, program: ctx.program, clock: ctx.clock, logger: ctx.logger },
        read.map((m) => ({ member: m, opKey: `campaign-bonus:c5:${m._id}` })),
        null,
        (account, now, program, opKey) =>
          creditPoints(account, {
            entryId: opKey,
            type: 'bonus',
            now,
            points: 300,
            earnedAt: now,
            expiresAt: lotExpiresAt(now, program),
            reason: '活动奖励',
          }),
      );
    expect((await credit()).map((o) => o.status)).toEqual(['applied', 'applied']);
    // Again from the same stale documents: nothing twice.
    expect((await credit()).map((o) => o.status)).toEqual(['already_applied', 'already_applied']);
    expect(await balanceOf(db(), a.id, h.now())).toBe(300);
    expect(await balanceOf(db(), b.id, h.now())).toBe(350);
    await db().memberStore.drain();
    for (const m of [a, b]) {
      expect(await db().ledger.countDocuments({ opKey: `campaign-bonus:c5:${m.id}` })).toBe(1);
    }
  });
});
