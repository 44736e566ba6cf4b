import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import { vehicleKey } from '../../src/rules/maintenance-reminders';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { waitFor } from '../helpers/wait-for';

/**
 * Maintenance-due reminders end to end: DMS transactions naming a vehicle record its services,
 * the member's mileage in 我的车 moves the estimate, and the care step of the nightly run hands
 * the reminder to delivery, which sends it to the fake WeChat API on loopback — once.
 */
let api: ApiHarness;
let fake: FakeWechatApi;
const CUSTOM = '/cgi-bin/message/custom/send';

beforeAll(async () => {
  fake = await startFakeWechatApi();
  api = await startApiHarness({
    now: '2026-03-10T12:00:00+08:00',
    env: {
      CHANNEL: 'simulator',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_API_BASE: fake.url,
    },
  });
});
afterAll(async () => {
  await api?.stop();
  await fake?.close();
});

let seq = 0;
const txnId = () => `MAINT-${randomBytes(4).toString('hex')}-${++seq}`;
const db = () => api.runtime.services.db;
const load = async (id: string) => (await db().members.findById(id).lean<MemberRecord>())!;
const sentTo = (openid: string) =>
  fake
    .callsTo(CUSTOM)
    .filter((c) => c.body.touser === openid && c.errcode === 0)
    .map((c) => (c.body.text as { content: string }).content);

async function member() {
  const openid = `o_${randomBytes(10).toString('hex')}`;
  const record = await api.insertMember({ openid });
  fake.follow(openid);
  return { id: record._id, openid, name: record.name };
}

function service(memberId: string, occurredAt: string, vehicle: unknown, category = 'maintenance') {
  return {
    transactionId: txnId(),
    memberId,
    category,
    amountFen: 68_000,
    occurredAt,
    vehicle,
  };
}

/** The care step of the nightly run at 00:30 on `day`, with the member inside the chat window. */
async function nightly(day: string, m: { id: string; openid: string }) {
  api.setNow(`${day}T12:00:00+08:00`);
  fake.userMessaged(m.openid);
  await api.runtime.services.delivery.noteInbound(m.id, new Date(api.now().getTime() - 3_600_000));
  return api.runtime.services.care.runDaily(new Date(`${day}T00:30:00+08:00`));
}

/** This member's maintenance reminders handed to delivery so far (other tests' members are due too). */
async function reminderKeys(memberId: string): Promise<string[]> {
  const records = await db()
    .delivery.deliveries.find({ _id: { $regex: `^care:maintenance_due:${memberId}:` } }, { _id: 1 })
    .lean<{ _id: string }[]>();
  return records.map((r) => r._id).sort();
}

async function settled(key: string): Promise<DeliveryRecord> {
  return waitFor(
    async () => {
      const record = await api.runtime.services.delivery.find(key);
      return record && record.status !== 'queued' && record.status !== 'sending' ? record : undefined;
    },
    10_000,
    `delivery ${key}`,
  );
}

describe('POST /transactions with a vehicle', () => {
  it("records a maintenance visit on the member's car (added when new), exactly once", async () => {
    const m = await member();
    const body = service(m.id, '2026-03-10T10:00:00+08:00', { plate: '沪a 12345', mileageKm: 20_000 });
    const res = await api.post('/api/v1/transactions', body, 'store');
    expect(res.status).toBe(201);

    const detail = await api.get(`/api/v1/members/${m.id}`, 'store');
    expect(detail.body.vehicles).toEqual([
      expect.objectContaining({
        plate: '沪A12345',
        lastServiceAt: '2026-03-10T02:00:00.000Z',
        lastServiceKm: 20_000,
        maintenanceDueOn: '2026-09-10',
        maintenanceDueBy: 'date',
        services: [{ transactionId: body.transactionId, at: '2026-03-10T02:00:00.000Z', mileageKm: 20_000 }],
      }),
    ]);

    // The DMS posts it again: the same answer, nothing changes.
    const before = await load(m.id);
    const again = await api.post('/api/v1/transactions', body, 'store');
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    const after = await load(m.id);
    expect(after.rev).toBe(before.rev);
    expect(after.vehicles).toEqual(before.vehicles);

    // The same id with another vehicle is another transaction.
    const conflict = await api.post(
      '/api/v1/transactions',
      { ...body, vehicle: { plate: '沪A12345', mileageKm: 20_001 } },
      'store',
    );
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 'transaction_conflict' } } });

    // Parts for a second car: the car is added, its maintenance is not touched.
    const parts = await api.post(
      '/api/v1/transactions',
      service(m.id, '2026-03-10T11:00:00+08:00', { plate: '粤BD12345' }, 'parts'),
      'store',
    );
    expect(parts.status).toBe(201);
    expect((await load(m.id)).vehicles.map((v) => [v.plate, v.maintenanceDueOn])).toEqual([
      ['沪A12345', '2026-09-10'],
      ['粤BD12345', null],
    ]);
  });

  it.each([
    ['a plate that is not one', { plate: '沪12345' }],
    ['mileage with decimals', { plate: '沪A12345', mileageKm: 1.5 }],
    ['negative mileage', { plate: '沪A12345', mileageKm: -1 }],
    ['an unknown field', { plate: '沪A12345', vin: 'LSV123' }],
    ['an operator', { plate: { $gt: '' } }],
  ])('rejects %s with 400 and writes nothing', async (_what, vehicle) => {
    const m = await member();
    const body = service(m.id, '2026-03-10T10:00:00+08:00', vehicle);
    const res = await api.post('/api/v1/transactions', body, 'store');
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await db().transactions.countDocuments({ _id: body.transactionId })).toBe(0);
    expect((await load(m.id)).vehicles).toEqual([]);
  });

  it('a refunded service no longer counts: the last service falls back to the one before', async () => {
    const m = await member();
    const plate = { plate: '京A1234学' };
    await api.post('/api/v1/transactions', service(m.id, '2025-12-01T10:00:00+08:00', plate), 'store');
    const later = service(m.id, '2026-03-01T10:00:00+08:00', plate, 'repair');
    await api.post('/api/v1/transactions', later, 'store');
    expect((await load(m.id)).vehicles[0]?.maintenanceDueOn).toBe('2026-09-01');

    const refund = await api.post(`/api/v1/transactions/${later.transactionId}/refund`, {}, 'store');
    expect(refund.status).toBe(200);
    const [car] = (await load(m.id)).vehicles;
    expect(car?.maintenanceDueOn).toBe('2026-06-01');
    expect(car?.services?.map((s) => s.transactionId)).toHaveLength(1);
    // Refunding again changes nothing more.
    expect((await api.post(`/api/v1/transactions/${later.transactionId}/refund`, {}, 'store')).status).toBe(
      200,
    );
    expect((await load(m.id)).vehicles).toEqual([car]);
  });
});

describe('maintenance-due reminders in the nightly care step', () => {
  const m = { id: '', openid: '', name: '' };
  const plateKey = vehicleKey('沪A12345', 0);

  it('sends exactly one reminder 7 days before the due date, none on a rerun or on other days', async () => {
    Object.assign(m, await member());
    api.setNow('2026-03-10T12:00:00+08:00');
    const first = service(m.id, '2026-03-10T10:00:00+08:00', { plate: '沪A12345', mileageKm: 20_000 });
    expect((await api.post('/api/v1/transactions', first, 'store')).status).toBe(201);

    await nightly('2026-09-02', m);
    expect(await reminderKeys(m.id)).toEqual([]);

    const onTheDay = await nightly('2026-09-03', m);
    expect(onTheDay.scans.maintenance_due.messages).toBeGreaterThanOrEqual(1);
    const key = `care:maintenance_due:${m.id}:${plateKey}:2026-03-10:7`;
    expect(await reminderKeys(m.id)).toEqual([key]);
    expect(await settled(key)).toMatchObject({
      status: 'sent',
      channel: 'customer_service',
      kind: 'maintenance_due',
    });
    expect(sentTo(m.openid)).toEqual([
      `${m.name}，您的爱车（沪A12345）建议在 2026年9月10日 前做下一次保养（上次保养：2026年3月10日）。回复「预约」在线约时间。`,
    ]);

    const rerun = await nightly('2026-09-03', m);
    expect(rerun.scans.maintenance_due.messages).toBe(onTheDay.scans.maintenance_due.messages);
    expect(rerun.enqueued).toBe(0);
    expect(await reminderKeys(m.id)).toEqual([key]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo(m.openid)).toHaveLength(1);
  });

  it('a newer service moves the due date: the old day stays quiet, the new one reminds under a new key', async () => {
    const newer = service(m.id, '2026-09-05T10:00:00+08:00', { plate: '沪A12345', mileageKm: 23_000 });
    expect((await api.post('/api/v1/transactions', newer, 'store')).status).toBe(201);
    // 3,000 km in 179 days: 5,000 more would take longer than six months, so the date rule holds.
    expect((await load(m.id)).vehicles[0]).toMatchObject({
      maintenanceDueOn: '2027-03-05',
      maintenanceDueBy: 'date',
    });

    const reminded = await reminderKeys(m.id);
    await nightly('2026-09-10', m);
    expect(await reminderKeys(m.id)).toEqual(reminded);

    await nightly('2027-02-26', m);
    const key = `care:maintenance_due:${m.id}:${plateKey}:2026-09-05:7`;
    expect(await reminderKeys(m.id)).toEqual([...reminded, key].sort());
    expect(await settled(key)).toMatchObject({ status: 'sent' });
    expect(sentTo(m.openid)).toHaveLength(2);
  });

  it("the member's mileage in 我的车 brings the due date forward, and the day's reminder says so", async () => {
    // Another member (each member's delivery window only moves forward in time).
    api.setNow('2026-09-05T12:00:00+08:00');
    const m = await member();
    const visit = service(m.id, '2026-09-05T10:00:00+08:00', { plate: '沪A12345', mileageKm: 23_000 });
    expect((await api.post('/api/v1/transactions', visit, 'store')).status).toBe(201);
    api.setNow('2026-11-04T12:00:00+08:00');
    const say = async (text: string) =>
      api.runtime.conversations.handle({
        id: `msg:${randomBytes(6).toString('hex')}`,
        channel: 'simulator',
        accountId: 'gh_test',
        userId: m.openid,
        channelMessageId: null,
        sentAt: api.now().toISOString(),
        content: { type: 'text', text },
      });
    await say('我的车');
    await say('3');
    await say('29000');
    // 6,000 km in 60 days since the service at 23,000 km: past the 5,000 km, due the next day.
    expect((await load(m.id)).vehicles[0]).toMatchObject({
      mileageKm: 29_000,
      maintenanceDueOn: '2026-11-05',
      maintenanceDueBy: 'mileage',
    });

    await nightly('2026-11-05', m);
    const key = `care:maintenance_due:${m.id}:${plateKey}:2026-09-05:0`;
    expect(await settled(key)).toMatchObject({ status: 'sent' });
    expect(sentTo(m.openid).at(-1)).toContain('按行驶里程估算，您的爱车（沪A12345）已到保养里程');
  });
});
