import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignRecord } from '../../src/data/models/campaign-model';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import { CampaignService } from '../../src/services/campaign-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { waitFor } from '../helpers/wait-for';

/**
 * Holiday templates with their proposed dates, the editor's checks, `{bonusPoints}` in the sent
 * message, and editing a draft until it is scheduled, on the real runtime (embedded MongoDB-wire
 * server, redis-server, BullMQ workers, the simulator channel), in December.
 */
let h: ApiHarness;
const NOW = '2026-12-07T15:20:00+08:00';

beforeAll(async () => {
  h = await startApiHarness({ now: NOW });
});

afterAll(async () => {
  await h?.stop();
});

const db = () => h.runtime.services.db;
const uniqueTag = () => `d-${randomBytes(4).toString('hex')}`;

const body = (tag: string, extra: Record<string, unknown> = {}) => ({
  name: '春节问候',
  audience: { tags: [tag] },
  text: '{name}您好！新春将至，特赠您 {bonusPoints}。',
  genericText: '新春将至，特赠您 {bonusPoints}。',
  bonusPoints: 188,
  startAt: '2027-01-31T10:00:00+08:00',
  ...extra,
});

describe('holiday templates', () => {
  it('propose the next occurrence of their holiday: in December, 春节 next February', async () => {
    const res = await h.get('/api/v1/campaigns/templates', 'marketing');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.templates.map((t: { id: string }) => [t.id, t]));
    expect(byId['spring-festival'].proposal).toEqual({
      holiday: {
        id: 'spring-festival',
        name: '春节',
        day: '2027-02-06',
        first: '2027-02-05',
        last: '2027-02-11',
      },
      startAt: '2027-01-31T02:00:00.000Z',
      window: { startsAt: '2027-02-04T16:00:00.000Z', endsAt: '2027-02-11T16:00:00.000Z', multiplier: 2 },
    });
    expect(byId['mid-autumn'].proposal).toMatchObject({ holiday: { day: '2027-09-15' }, window: null });
    expect(byId['spring-festival'].text).toContain('{bonusPoints}');
    // 会员日 has no date of its own: the next full hour.
    expect(byId['member-day'].proposal).toEqual({
      holiday: null,
      startAt: '2026-12-07T08:00:00.000Z',
      window: null,
    });
  });

  it('checks a campaign: a window that misses the holiday it names, a bonus the text does not mention', async () => {
    const tag = uniqueTag();
    const check = await h.post(
      '/api/v1/campaigns/check',
      body(tag, {
        text: '新春将至，春节期间到店消费享双倍积分。',
        genericText: null,
        window: { startsAt: '2026-12-07T16:00:00+08:00', endsAt: '2026-12-14T16:00:00+08:00', multiplier: 2 },
      }),
      'marketing',
    );
    expect(check.status).toBe(200);
    expect(check.body.warnings).toEqual([
      '每人赠送 188 积分，但消息没有提到：请加入 {bonusPoints}（发送时显示为「188 积分」）。',
      '消息提到春节（2027年2月5日至2027年2月11日），但积分加倍时段是 2026年12月7日 16:00 至 2026年12月14日 16:00，没有覆盖春节。',
    ]);
    const fine = await h.post(
      '/api/v1/campaigns/check',
      body(tag, {
        window: { startsAt: '2027-02-05T00:00:00+08:00', endsAt: '2027-02-12T00:00:00+08:00', multiplier: 2 },
      }),
      'marketing',
    );
    expect(fine.body).toEqual({ warnings: [] });
    expect((await h.post('/api/v1/campaigns/check', { name: '' }, 'marketing')).status).toBe(400);
    expect((await h.post('/api/v1/campaigns/check', body(tag), 'store')).status).toBe(403);
  });

  it('fills {bonusPoints} in the preview and in the message the member receives', async () => {
    const tag = uniqueTag();
    const member = await h.insertMember({
      openid: `o_${randomBytes(8).toString('hex')}`,
      marketingConsent: true,
    });
    await db().members.updateOne({ _id: member._id }, { $set: { tags: [tag], name: '张伟' } });
    await h.runtime.services.delivery.noteInbound(member._id, new Date(h.now().getTime() - 3_600_000));

    const preview = await h.post('/api/v1/campaigns/preview', body(tag), 'marketing');
    expect(preview.body.samples).toEqual([
      { memberId: member._id, text: '张伟您好！新春将至，特赠您 188 积分。' },
    ]);

    const id = (await h.post('/api/v1/campaigns', body(tag, { startAt: NOW }), 'marketing')).body
      .id as string;
    await db().campaigns.updateOne({ _id: id }, { $set: { status: 'running', startedAt: h.now() } });
    const { db: database, program, clock, logger, delivery } = h.runtime.services;
    const service = new CampaignService({ db: database, program, clock, logger }, delivery);
    // Handed over; the campaign completes once its message is settled.
    expect(await service.fanOut(id)).toEqual({ status: 'running', pages: 1 });
    const sent = await waitFor(
      async () => {
        const record = await db()
          .delivery.deliveries.findById(`campaign:${id}:${member._id}`)
          .lean<DeliveryRecord>();
        return record?.status === 'sent' ? record : undefined;
      },
      15_000,
      'the campaign message to be sent',
    );
    expect(sent.sentText).toBe('张伟您好！新春将至，特赠您 188 积分。');
  });
});

describe('editing a draft', () => {
  it('replaces the draft while it is a draft, and refuses once it is scheduled', async () => {
    const tag = uniqueTag();
    const id = (await h.post('/api/v1/campaigns', body(tag), 'marketing')).body.id as string;

    const edited = await h.patch(
      `/api/v1/campaigns/${id}`,
      body(tag, {
        name: '春节问候（改）',
        bonusPoints: 288,
        startAt: '2027-02-01T10:00:00+08:00',
        window: {
          startsAt: '2027-02-05T00:00:00+08:00',
          endsAt: '2027-02-12T00:00:00+08:00',
          multiplier: 1.5,
        },
      }),
      'marketing',
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      id,
      status: 'draft',
      name: '春节问候（改）',
      bonusPoints: 288,
      startAt: '2027-02-01T02:00:00.000Z',
      window: { multiplier: 1.5, multiplierMilli: 1500, startsAt: '2027-02-04T16:00:00.000Z' },
    });
    expect((await h.get(`/api/v1/campaigns/${id}`, 'marketing')).body).toMatchObject({
      name: '春节问候（改）',
      bonusPoints: 288,
    });
    // A personal text without a generic one, as on create, defaults apply: the window can go.
    const noWindow = await h.patch(`/api/v1/campaigns/${id}`, body(tag, { window: null }), 'marketing');
    expect(noWindow.body).toMatchObject({ name: '春节问候', bonusPoints: 188, window: null });

    expect((await h.post(`/api/v1/campaigns/${id}/schedule`, {}, 'marketing')).status).toBe(200);
    const late = await h.patch(`/api/v1/campaigns/${id}`, body(tag, { name: '太晚了' }), 'marketing');
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'invalid_state', message: '活动已安排，不能修改' });
    const stored = await db().campaigns.findById(id).lean<CampaignRecord>();
    expect(stored).toMatchObject({ name: '春节问候', status: 'scheduled' });
    await h.post(`/api/v1/campaigns/${id}/cancel`, {}, 'marketing');
  });

  it('changes nothing on a bad body, an unknown tier, an unknown campaign or the wrong role', async () => {
    const tag = uniqueTag();
    const id = (await h.post('/api/v1/campaigns', body(tag), 'marketing')).body.id as string;
    const before = await db().campaigns.findById(id).lean<CampaignRecord>();

    const typo = await h.patch(`/api/v1/campaigns/${id}`, body(tag, { text: '{nmae}您好' }), 'marketing');
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body.error.issues)).toContain('{nmae}');
    const partial = await h.patch(`/api/v1/campaigns/${id}`, { name: '只改名字' }, 'marketing');
    expect(partial.status).toBe(400);
    const extra = await h.patch(`/api/v1/campaigns/${id}`, body(tag, { status: 'completed' }), 'marketing');
    expect(extra.status).toBe(400);
    const tier = await h.patch(
      `/api/v1/campaigns/${id}`,
      body(tag, { name: '改', audience: { tiers: ['platinum-x'] } }),
      'marketing',
    );
    expect(tier.status).toBe(400);
    expect(tier.body.error.code).toBe('unknown_tier');
    expect((await h.patch(`/api/v1/campaigns/${id}`, body(tag, { name: '改' }), 'store')).status).toBe(403);
    expect(await db().campaigns.findById(id).lean<CampaignRecord>()).toEqual(before);

    const missing = await h.patch('/api/v1/campaigns/0123456789abcdef01234567', body(tag), 'marketing');
    expect(missing.status).toBe(404);
    expect((await h.patch('/api/v1/campaigns/nope', body(tag), 'marketing')).status).toBe(400);
  });
});
