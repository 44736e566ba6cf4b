import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { givePoints } from '../helpers/give-points';
import { testKeys } from '../helpers/test-config';
import { waitFor } from '../helpers/wait-for';

/**
 * The staff reports through the real API (embedded MongoDB-wire server, redis-server, workers),
 * over four weeks of activity seeded through the same API and services the dealership uses, with
 * the services' clock moved by hand. Weeks are ISO weeks in Shanghai: W46 = 9–15 Nov 2026,
 * W47 = 16–22 Nov, W48 = 23–29 Nov, W49 = 30 Nov–6 Dec; the reports are read on 1 Dec (W49).
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-15T23:59:00+08:00' });
  await seed();
}, 90_000);
afterAll(() => h?.stop());

const services = () => h.runtime.services;
const db = () => services().db;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}-${++seq}`;
const freshMobile = () => `137${String(30_000_000 + ++seq * 7_919).padStart(8, '0')}`;
const CAMPAIGN_NAME = '=HYPERLINK("http://evil.example"),双十一';

async function enrol(extra: Record<string, unknown> = {}) {
  const res = await h.post(
    '/api/v1/members',
    { name: '会员', mobile: freshMobile(), privacyConsent: true, ...extra },
    'store',
  );
  expect(res.status).toBe(201);
  return res.body.member as { id: string; referralCode: string };
}

async function transaction(memberId: string, category: string, amountFen: number) {
  const transactionId = unique(category);
  const occurredAt = new Date(h.now().getTime() - 3_600_000).toISOString();
  const res = await h.post(
    '/api/v1/transactions',
    { transactionId, memberId, category, amountFen, occurredAt },
    'store',
  );
  expect(res.status).toBe(201);
  return { transactionId, points: res.body.points as number };
}

async function rate(memberId: string, at: string, rating: number) {
  h.setNow(at);
  expect(await services().feedback.recordRating(memberId, rating)).toMatchObject({ ok: true });
}

function delivery(kind: string, status: DeliveryRecord['status'], reason: string | null, createdAt: string) {
  const at = new Date(createdAt);
  return {
    _id: `care:${kind}:${unique('seed')}`,
    memberId: 'seeded',
    category: 'service' as const,
    kind,
    text: '{name}，您好',
    status,
    reason,
    createdAt: at,
    updatedAt: at,
  };
}

async function settled(keyPrefix: string, count: number) {
  await waitFor(
    async () => {
      const records = await db()
        .delivery.deliveries.find({ _id: { $gte: keyPrefix, $lt: `${keyPrefix}\uffff` } })
        .lean<DeliveryRecord[]>();
      return records.length === count && records.every((r) => !['queued', 'sending'].includes(r.status));
    },
    15_000,
    `${count} deliveries under ${keyPrefix} to settle`,
  );
}

let campaignId = '';

/** Four weeks of a small dealership; every figure asserted below follows from these steps. */
async function seed() {
  // W46, Sunday 23:59: A joins at the counter (+1,000 welcome).
  const a = await enrol();
  // W47, Monday 00:01 — the same UTC day (15 Nov 16:01Z) — B joins with A's code:
  // B +1,000 welcome +500 newcomer, A +500 referrer.
  h.setNow('2026-11-16T00:01:00+08:00');
  await enrol({ referralCode: a.referralCode });

  // W47, Saturday: four members have a maintenance (+330 each: ¥300 + 10 % first-time bonus) and
  // are asked for a rating (the post-service job's work); they follow no account, so every
  // question is skipped as `unfollowed`.
  h.setNow('2026-11-21T10:00:00+08:00');
  const raters = [];
  for (let i = 0; i < 4; i++) {
    const m = await h.insertMember();
    const { transactionId, points } = await transaction(m._id, 'maintenance', 30_000);
    expect(points).toBe(330);
    expect(await services().feedback.ask(transactionId)).toMatchObject({ status: 'asked' });
    raters.push(m._id);
  }
  await settled('care:post_service:', 4);
  // Ratings either side of Sunday/Monday midnight in Shanghai (one UTC day): 5 in W47; 2, 4, 4 in W48.
  await rate(raters[0]!, '2026-11-22T23:59:00+08:00', 5);
  await rate(raters[1]!, '2026-11-23T00:01:00+08:00', 2);
  await rate(raters[2]!, '2026-11-23T10:00:00+08:00', 4);
  await rate(raters[3]!, '2026-11-24T10:00:00+08:00', 4);

  // W48: A's maintenance (+330) and a car wash redeemed (−1,500).
  expect((await transaction(a.id, 'maintenance', 30_000)).points).toBe(330);
  const redeemed = await h.post(
    `/api/v1/members/${a.id}/redemptions`,
    { rewardId: 'car-wash', requestId: unique('wash') },
    'store',
  );
  expect(redeemed.status).toBe(201);
  // C is imported with 800 points earned in Nov 2023: they expire at the end of Nov 2026.
  const imported = await fetch(`${h.url}/api/v1/members/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testKeys.admin}`, 'content-type': 'text/csv; charset=utf-8' },
    body: `name,mobile,openingBalance,openingBalanceEarnedAt\n导入会员,${freshMobile()},800,2023-11-05\n`,
  });
  expect(await imported.json()).toMatchObject({ accepted: 1, openingBalances: { credited: 1, points: 800 } });
  // D buys a car: 11,000 points pending for 14 days.
  const d = await h.insertMember();
  expect(await transaction(d._id, 'vehicle', 10_000_000)).toMatchObject({ points: 11_000 });
  // E is a silver member with 2,500 points.
  const e = await h.insertMember();
  await givePoints(db(), services().program.current(), e._id, 2_500, h.now());
  await db().members.updateOne({ _id: e._id }, { $set: { 'tier.tierCode': 'silver' } });

  // W48, Wednesday: a campaign to three tagged members, two of whom may receive marketing (+200 each).
  h.setNow('2026-11-25T10:00:00+08:00');
  const tag = unique('report');
  const audience = [];
  for (const consent of [true, true, false]) {
    const m = await h.insertMember({
      openid: `o_${randomBytes(8).toString('hex')}`,
      marketingConsent: consent,
    });
    await db().members.updateOne({ _id: m._id }, { $set: { tags: [tag] } });
    // They chatted this morning: the campaign reaches them as a customer-service message at once,
    // and its bonus comes with it.
    await services().delivery.noteInbound(m._id, new Date(h.now().getTime() - 3_600_000));
    audience.push(m._id);
  }
  const campaign = {
    name: CAMPAIGN_NAME,
    audience: { tags: [tag] },
    text: '{name}您好！双十一到店享双倍积分。',
    genericText: '双十一到店享双倍积分。',
    bonusPoints: 200,
    startAt: '2026-11-25T11:00:00+08:00',
  };
  const created = await h.post('/api/v1/campaigns', campaign, 'marketing');
  expect(created.status).toBe(201);
  campaignId = created.body.id;
  expect((await h.post('/api/v1/campaigns', { ...campaign, name: '草稿活动' }, 'marketing')).status).toBe(
    201,
  );
  expect((await h.post(`/api/v1/campaigns/${campaignId}/schedule`, {}, 'marketing')).status).toBe(200);
  h.setNow('2026-11-25T11:00:00+08:00');
  expect(await services().campaigns.fanOut(campaignId)).toMatchObject({ pages: 1 });
  await settled(`campaign:${campaignId}:`, 3);
  await waitFor(
    async () => (await h.get(`/api/v1/campaigns/${campaignId}`, 'marketing')).body.status === 'completed',
    15_000,
    'the campaign to complete with its bonuses',
  );
  // The member without consent leaves (注销): no longer in the tiers, still a W48 sign-up.
  expect((await h.post(`/api/v1/members/${audience[2]}/erase`, {}, 'admin')).status).toBe(200);

  // Care deliveries as the delivery worker records them; one before the 4 weeks, one a campaign's.
  await db().delivery.deliveries.insertMany([
    delivery('birthday', 'sent', null, '2026-11-20T09:00:00+08:00'),
    delivery('birthday', 'sent', null, '2026-11-27T09:00:00+08:00'),
    delivery('birthday', 'skipped', 'opted_out', '2026-11-20T09:00:00+08:00'),
    delivery('birthday', 'skipped', 'unfollowed', '2026-11-20T09:00:00+08:00'),
    delivery('birthday', 'held', 'window_closed', '2026-11-20T09:00:00+08:00'),
    delivery('birthday', 'sent', null, '2026-11-08T23:59:00+08:00'),
    delivery('insurance_renewal', 'failed', null, '2026-11-10T09:00:00+08:00'),
    delivery('insurance_renewal', 'skipped', 'cap_reached', '2026-11-10T09:00:00+08:00'),
  ]);

  // W49, the nightly run after 30 Nov: C's 800 points expire.
  h.setNow('2026-12-01T00:30:00+08:00');
  expect(await services().nightly.run(h.now())).toMatchObject({ expired: 1 });
  h.setNow('2026-12-01T10:00:00+08:00');
  await db().memberStore.drain();
}

async function report(id: string, query = 'weeks=4', role: 'admin' | 'marketing' | 'store' = 'marketing') {
  const res = await h.get(`/api/v1/reports/${id}?${query}`, role);
  expect(res.status).toBe(200);
  return res.body;
}

async function csv(id: string, query = 'weeks=4') {
  const res = await fetch(`${h.url}/api/v1/reports/${id}?${query}&format=csv`, {
    headers: { authorization: `Bearer ${testKeys.marketing}` },
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('GET /api/v1/reports', () => {
  it('lists the seven reports with Chinese titles, for marketing and admin', async () => {
    const res = await h.get('/api/v1/reports', 'marketing');
    expect(res.status).toBe(200);
    expect(res.body.reports.map((r: { id: string }) => r.id)).toEqual([
      'tiers',
      'new-members',
      'points',
      'liability',
      'campaign-funnel',
      'care-outcomes',
      'ratings',
    ]);
    expect(res.body.reports[0]).toEqual({
      id: 'tiers',
      title: '会员等级分布',
      description: '当前有效会员按等级统计（不含已注销）',
    });
    expect((await h.get('/api/v1/reports', 'admin')).status).toBe(200);
  });

  it('refuses a store key (403), no key (401), an unknown report (404) and a bad query (400)', async () => {
    for (const path of ['/api/v1/reports', '/api/v1/reports/tiers', '/api/v1/reports/points?format=csv']) {
      const refused = await h.get(path, 'store');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect((await fetch(`${h.url}/api/v1/reports/tiers`)).status).toBe(401);
    const missing = await h.get('/api/v1/reports/members-by-mood', 'marketing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('report_not_found');
    expect((await h.get('/api/v1/reports/nope?format=csv', 'marketing')).status).toBe(404);
    for (const query of [
      'weeks=0',
      'weeks=105',
      'weeks=abc',
      'weeks=1.5',
      'weeks=',
      'format=xlsx',
      'store=main',
    ]) {
      const bad = await h.get(`/api/v1/reports/points?${query}`, 'marketing');
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
    }
    expect((await h.get('/api/v1/reports?weeks=4', 'marketing')).status).toBe(400);
    expect((await h.get('/api/v1/reports/points?weeks=4&weeks=5', 'marketing')).status).toBe(400);
  });
});

describe('GET /api/v1/reports/{id}', () => {
  it('tiers: active members in program order, erased ones left out', async () => {
    const body = await report('tiers', '');
    expect(body).toEqual({
      id: 'tiers',
      title: '会员等级分布',
      generatedAt: '2026-12-01T02:00:00.000Z',
      columns: [
        { key: 'tier', label: '等级', kind: 'text' },
        { key: 'members', label: '会员数', kind: 'int' },
      ],
      rows: [
        { tier: '铜卡', members: 10 },
        { tier: '银卡', members: 1 },
        { tier: '金卡', members: 0 },
        { tier: '钻石卡', members: 0 },
      ],
      chart: { type: 'doughnut', x: 'tier', series: ['members'] },
    });
  });

  it('new-members: per ISO week across the Sunday/Monday midnight, referral / organic / imported', async () => {
    const body = await report('new-members');
    expect(body.chart).toEqual({
      type: 'stackedBar',
      x: 'week',
      series: ['referral', 'organic', 'imported'],
    });
    expect(body.rows).toEqual([
      { week: '2026-W46', referral: 0, organic: 1, imported: 0, total: 1 },
      { week: '2026-W47', referral: 1, organic: 4, imported: 0, total: 5 },
      { week: '2026-W48', referral: 0, organic: 5, imported: 1, total: 6 },
      { week: '2026-W49', referral: 0, organic: 0, imported: 0, total: 0 },
    ]);
    // The default is 12 weeks, oldest first, ending with the current one.
    const twelve = await report('new-members', '');
    expect(twelve.rows).toHaveLength(12);
    expect(twelve.rows[0].week).toBe('2026-W38');
    expect(twelve.rows[11]).toEqual(body.rows[3]);
  });

  it('points: issued, redeemed and expired per week from the ledger', async () => {
    const body = await report('points');
    expect(body.columns.map((c: { key: string }) => c.key)).toEqual([
      'week',
      'issued',
      'redeemed',
      'expired',
      'returned',
      'clawedBack',
    ]);
    expect(body.rows).toEqual([
      // A's welcome.
      { week: '2026-W46', issued: 1_000, redeemed: 0, expired: 0, returned: 0, clawedBack: 0 },
      // B's welcome and newcomer points, A's referrer points, four maintenances.
      { week: '2026-W47', issued: 3_320, redeemed: 0, expired: 0, returned: 0, clawedBack: 0 },
      // A 330, C's imported 800, D's pending 11,000, E's 2,500, two campaign bonuses of 200.
      { week: '2026-W48', issued: 15_030, redeemed: 1_500, expired: 0, returned: 0, clawedBack: 0 },
      { week: '2026-W49', issued: 0, redeemed: 0, expired: 800, returned: 0, clawedBack: 0 },
    ]);
  });

  it('liability: available and pending points per tier, valued at 100 points = ¥1', async () => {
    const body = await report('liability', '');
    expect(body.columns).toContainEqual({ key: 'valueFen', label: '折合金额（元）', kind: 'fen' });
    expect(body.rows).toEqual([
      // A 330, B 1,500, four raters 4 × 330, two campaign recipients 2 × 200; D's 11,000 pending; C expired.
      { tier: '铜卡', members: 10, available: 3_550, pending: 11_000, points: 14_550, valueFen: 14_550 },
      { tier: '银卡', members: 1, available: 2_500, pending: 0, points: 2_500, valueFen: 2_500 },
      { tier: '金卡', members: 0, available: 0, pending: 0, points: 0, valueFen: 0 },
      { tier: '钻石卡', members: 0, available: 0, pending: 0, points: 0, valueFen: 0 },
    ]);
  });

  it('campaign-funnel: the counts CampaignService computes, drafts left out', async () => {
    const body = await report('campaign-funnel');
    expect(body.rows).toEqual([
      {
        campaign: CAMPAIGN_NAME,
        startAt: '2026-11-25',
        status: '已完成',
        targeted: 3,
        sent: 2,
        massPending: 0,
        inProgress: 0,
        skipped: 1,
        failed: 0,
        bonusCredited: 2,
      },
    ]);
    const live = await h.get(`/api/v1/campaigns/${campaignId}`, 'marketing');
    expect(live.body.counts).toMatchObject({ targeted: 3, sent: 2, skipped: { no_consent: 1 } });
    // Only the current week: the campaign started before it.
    expect((await report('campaign-funnel', 'weeks=1')).rows).toEqual([]);
  });

  it('care-outcomes: per care kind from the delivery records of the period', async () => {
    const body = await report('care-outcomes');
    const zero = {
      total: 0,
      sent: 0,
      skipped: 0,
      skippedUnfollowed: 0,
      skippedNoConsent: 0,
      skippedCap: 0,
      skippedOther: 0,
      failed: 0,
      waiting: 0,
    };
    expect(body.rows).toEqual([
      {
        ...zero,
        kind: '生日祝福',
        total: 5,
        sent: 2,
        skipped: 2,
        skippedUnfollowed: 1,
        skippedNoConsent: 1,
        waiting: 1,
      },
      { ...zero, kind: '保养提醒' },
      { ...zero, kind: '续保提醒', total: 2, skipped: 1, skippedCap: 1, failed: 1 },
      { ...zero, kind: '年检提醒' },
      { ...zero, kind: '积分到期提醒' },
      { ...zero, kind: '券到期提醒' },
      { ...zero, kind: '服务回访', total: 4, skipped: 4, skippedUnfollowed: 4 },
      { ...zero, kind: '老客唤回' },
    ]);
  });

  it('ratings: answers and the average per week, split at Monday 00:00 Shanghai', async () => {
    const body = await report('ratings');
    expect(body.columns).toContainEqual({ key: 'averageRating', label: '平均分', kind: 'decimal' });
    expect(body.chart).toEqual({ type: 'line', x: 'week', series: ['averageRating'] });
    expect(body.rows).toEqual([
      { week: '2026-W46', answered: 0, averageRating: 0, alerts: 0 },
      { week: '2026-W47', answered: 1, averageRating: 5, alerts: 0 },
      { week: '2026-W48', answered: 3, averageRating: 3.33, alerts: 1 },
      { week: '2026-W49', answered: 0, averageRating: 0, alerts: 0 },
    ]);
  });
});

describe('?format=csv', () => {
  it('campaign-funnel: BOM, Chinese header, quoting and the formula guard, as an attachment', async () => {
    const { res, bytes } = await csv('campaign-funnel');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="campaign-funnel-2026-12-01.csv"',
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      '活动,开始日期,状态,目标人数,已发送,待群发,发送中,已跳过,失败,已赠积分人数\r\n' +
        `"'=HYPERLINK(""http://evil.example""),双十一",2026-11-25,已完成,3,2,0,0,1,0,2\r\n`,
    );
  });

  it('liability in yuan with two decimals; ratings with two decimals', async () => {
    const liability = (await csv('liability', 'weeks=1')).bytes.toString('utf8');
    expect(liability).toBe(
      '\uFEFF等级,会员数,可用积分,待生效积分,积分合计,折合金额（元）\r\n' +
        '铜卡,10,3550,11000,14550,145.50\r\n' +
        '银卡,1,2500,0,2500,25.00\r\n' +
        '金卡,0,0,0,0,0.00\r\n' +
        '钻石卡,0,0,0,0,0.00\r\n',
    );
    const ratings = (await csv('ratings', 'weeks=2')).bytes.toString('utf8');
    expect(ratings).toBe('\uFEFF周,评价数,平均分,低分提醒\r\n2026-W48,3,3.33,1\r\n2026-W49,0,0.00,0\r\n');
  });
});
