import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VehicleRecord } from '../../src/data/models/member-model';
import { deliveryRequestSchema } from '../../src/delivery/delivery-request';
import type { CareMessage } from '../../src/rules/care-due';
import { vehicleKey } from '../../src/rules/vehicle-key';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ now: '2027-02-27T10:00:00+08:00' });
});
afterAll(() => api?.stop());

const vehicle = (fields: Partial<VehicleRecord>): VehicleRecord => ({
  plate: null,
  model: null,
  mileageKm: null,
  mileageReportedAt: null,
  insuranceEndsOn: null,
  inspectionDueOn: null,
  lastServiceAt: null,
  lastServiceKm: null,
  ...fields,
});

describe('daily care scans', () => {
  it('finds exactly the members due on the local day, with keys that make a rerun harmless', async () => {
    const leapling = await api.insertMember({ birthday: { month: 2, day: 29, year: 1992 } });
    const notToday = await api.insertMember({ birthday: { month: 3, day: 15, year: null } });
    const insured = await api.insertMember({
      vehicles: [
        vehicle({ plate: '沪A12345', insuranceEndsOn: '2027-03-30', inspectionDueOn: '2027-06-01' }),
      ],
    });
    // 1,000 points earned in March 2024 expire at the end of March 2027: 30 days after 1 March.
    api.setNow('2024-03-10T10:00:00+08:00');
    const expiring = await api.insertMember();
    await api.post('/api/v1/transactions', {
      transactionId: `CARE-${Date.now()}`,
      memberId: expiring._id,
      category: 'maintenance',
      amountFen: 100_000,
      occurredAt: '2024-03-10T09:00:00+08:00',
    });

    // 28 Feb 2027 (a common year) at 00:30: Feb-29 birthdays are celebrated today.
    const at = new Date('2027-02-28T00:30:00+08:00');
    const sent: CareMessage[] = [];
    const counts = await api.runtime.services.careScans.scan(at, async (m) => {
      sent.push(m);
    });
    expect(sent.map((m) => m.key).sort()).toEqual(
      [
        `care:birthday:${leapling._id}:2027`,
        `care:insurance_renewal:${insured._id}:${vehicleKey('沪A12345', 0)}:2027-03-30:30`,
      ].sort(),
    );
    // Keys the delivery queue accepts (a plate's Chinese characters never reach it).
    for (const m of sent) expect(deliveryRequestSchema.shape.key.safeParse(m.key).success).toBe(true);
    expect(counts.birthday.membersRead).toBe(1);
    expect(counts.insurance_renewal.membersRead).toBe(1);
    expect(counts.points_expiring.membersRead).toBe(0);
    expect(sent.every((m) => m.sendAt.toISOString() === '2027-02-28T01:00:00.000Z')).toBe(true);
    expect(sent.some((m) => m.memberId === notToday._id)).toBe(false);

    const onMarch1: CareMessage[] = [];
    await api.runtime.services.careScans.scan(new Date('2027-03-01T00:30:00+08:00'), async (m) => {
      onMarch1.push(m);
    });
    expect(onMarch1).toEqual([
      expect.objectContaining({
        key: `care:points_expiring:${expiring._id}:2027-03-31:30`,
        facts: expect.objectContaining({ expiringPoints: 1100 }),
      }),
    ]);
    const again: CareMessage[] = [];
    await api.runtime.services.careScans.scan(new Date('2027-03-01T00:35:00+08:00'), async (m) => {
      again.push(m);
    });
    expect(again.map((m) => m.key)).toEqual(onMarch1.map((m) => m.key));
  });
});

describe('care step of the nightly run', () => {
  it('hands due messages to delivery once, with the birthday gift for Gold members', async () => {
    api.setNow('2027-05-31T10:00:00+08:00');
    const gold = await api.insertMember({ birthday: { month: 6, day: 1, year: 1980 } });
    await api.runtime.services.db.members.updateOne({ _id: gold._id }, { $set: { 'tier.tierCode': 'gold' } });
    const at = new Date('2027-06-01T00:30:00+08:00');
    const first = await api.runtime.services.care.runDaily(at);
    expect(first).toMatchObject({ enqueued: 1, duplicates: 0, invalid: 0, giftVouchers: 1 });
    const key = `care:birthday:${gold._id}:2027`;
    expect(await api.runtime.services.delivery.find(key)).toMatchObject({
      memberId: gold._id,
      category: 'service',
    });
    const again = await api.runtime.services.care.runDaily(at);
    expect(again).toMatchObject({ enqueued: 0, duplicates: 1 });
    const vouchers = await api.runtime.services.vouchers.listForMember(gold._id);
    expect(vouchers.filter((v) => v.kind === 'birthday')).toHaveLength(1);
  });
});
