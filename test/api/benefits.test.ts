import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { BenefitUseRecord } from '../../src/data/models/benefit-use-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import { BenefitService } from '../../src/services/benefits/benefit-service';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/**
 * Counted benefits (free maintenance) through the staff API on the real runtime (embedded
 * MongoDB-wire server, redis-server, express), with the services' clock moved by hand. The default
 * program: 铜卡 has 2 free maintenances a membership year; the store key acts for `main`.
 */
const NOW = '2026-12-08T08:00:00+08:00';
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

let h: ApiHarness;
let db: Database;
let plateSerial = 20_000;

beforeAll(async () => {
  h = await startApiHarness({ now: NOW });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

const useUrl = (member: MemberRecord) => `/api/v1/members/${member._id}/benefits/free_maintenance/use`;
const undoUrl = (member: MemberRecord, requestId: string) => `${useUrl(member)}/${requestId}/undo`;
const usesOf = (member: MemberRecord) =>
  db.benefitUses.find({ memberId: member._id }).lean<BenefitUseRecord[]>();
const storedTier = async (member: MemberRecord) =>
  (await db.members.findById(member._id).lean<MemberRecord>())!.tier;

describe('benefits: free maintenance at the counter', () => {
  it('uses one, answers a repeat as a duplicate, refuses when none are left, and writes nothing then', async () => {
    const member = await h.insertMember();
    const first = await h.post(useUrl(member), { requestId: 'counter-1', note: '首保' }, 'store');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      duplicate: false,
      allowance: 2,
      used: 1,
      left: 1,
      use: {
        requestId: 'counter-1',
        status: 'used',
        storeId: 'main',
        storeName: expect.any(String),
        source: { kind: 'staff', role: 'store' },
        note: '首保',
      },
    });
    const repeat = await h.post(useUrl(member), { requestId: 'counter-1' }, 'store');
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ duplicate: true, used: 1, left: 1 });

    expect((await h.post(useUrl(member), { requestId: 'counter-2' }, 'store')).body).toMatchObject({
      used: 2,
      left: 0,
    });
    const none = await h.post(useUrl(member), { requestId: 'counter-3' }, 'store');
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({
      code: 'none_left',
      details: { allowance: 2, used: 2, left: 0 },
    });
    expect(none.body.error.message).toContain('免费基础保养已用完');
    expect((await usesOf(member)).map((u) => u.requestId).sort()).toEqual(['counter-1', 'counter-2']);
    expect(await storedTier(member)).toMatchObject({ freeMaintenanceAllowance: 2, freeMaintenanceUsed: 2 });
  });

  it('undo gives the use back, once; a repeat undo is a duplicate; unknown uses are 404', async () => {
    const member = await h.insertMember();
    await h.post(useUrl(member), { requestId: 'u-1' }, 'store');
    await h.post(useUrl(member), { requestId: 'u-2' }, 'store');
    const undo = await h.post(undoUrl(member, 'u-2'), {}, 'store');
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ duplicate: false, used: 1, left: 1, use: { status: 'undone' } });
    expect(undo.body.use.undoneAt).toBe(new Date(NOW).toISOString());
    const again = await h.post(undoUrl(member, 'u-2'), {}, 'store');
    expect(again.body).toMatchObject({ duplicate: true, used: 1, left: 1 });
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
    expect((await h.post(undoUrl(member, 'nope'), {}, 'store')).status).toBe(404);

    // The given-back use can be used again by a new request.
    expect((await h.post(useUrl(member), { requestId: 'u-3' }, 'store')).body).toMatchObject({ used: 2 });
  });

  it('20 concurrent uses with an allowance of 2 use exactly 2; the rest are refused with nothing written', async () => {
    const member = await h.insertMember();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.post(useUrl(member), { requestId: `race-${i}` }, 'store')),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(18);
    expect(await usesOf(member)).toHaveLength(2);
    expect((await usesOf(member)).every((u) => u.status === 'used')).toBe(true);
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(2);
  });

  it('20 concurrent repeats of one request use once', async () => {
    const member = await h.insertMember();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => h.post(useUrl(member), { requestId: 'same' }, 'store')),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
  });

  it('lists allowance, used, left and each use; checks roles, stores and input', async () => {
    const member = await h.insertMember();
    await h.post(useUrl(member), { requestId: 'l-1' }, 'store');
    const listed = await h.get(`/api/v1/members/${member._id}/benefits`, 'marketing');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      memberId: member._id,
      tierCode: 'bronze',
      tierName: '铜卡',
      yearStart: '2026-12-08',
      yearEnd: '2027-12-07',
      benefits: [
        {
          benefitId: 'free_maintenance',
          name: '免费基础保养',
          allowance: 2,
          used: 1,
          left: 1,
          uses: [{ requestId: 'l-1', status: 'used', usedAt: new Date(NOW).toISOString(), storeId: 'main' }],
        },
      ],
    });
    expect((await h.post(useUrl(member), { requestId: 'm-1' }, 'marketing')).status).toBe(403);
    expect((await h.post(useUrl(member), { requestId: 'm-1', storeId: 'north' }, 'store')).status).toBe(403);
    expect(
      (await h.post(`/api/v1/members/${member._id}/benefits/car_wash/use`, { requestId: 'x' })).status,
    ).toBe(400);
    expect((await h.post(useUrl(member), { requestId: 'booking:abc' })).status).toBe(400);
    expect(
      (await h.post(`/api/v1/members/${'a'.repeat(24)}/benefits/free_maintenance/use`, { requestId: 'x' }))
        .status,
    ).toBe(404);
    expect((await h.get(`/api/v1/members/${'a'.repeat(24)}/benefits`)).status).toBe(404);
  });
});

describe('benefits: used at check-in of a booking that chose it', () => {
  async function memberWithCar() {
    const plate = `沪B${plateSerial++}`;
    const member = await h.insertMember({ vehicles: [newVehicle(plate, '途观')] });
    return { member, plate };
  }
  let serial = 0;
  const book = (member: MemberRecord, plate: string, fields: Record<string, unknown>) =>
    h.post(
      '/api/v1/bookings',
      {
        requestId: `bk-${++serial}`,
        memberId: member._id,
        plate,
        serviceId: 'maintenance',
        slotStart: slot('2026-12-09', '10:00'),
        useFreeMaintenance: true,
        ...fields,
      },
      'store',
    );

  it('uses the free maintenance once at check-in; a repeated check-in is a duplicate', async () => {
    const { member, plate } = await memberWithCar();
    const created = await book(member, plate, {});
    expect(created.status).toBe(201);
    expect(created.body.booking).toMatchObject({ useFreeMaintenance: true, freeMaintenanceUse: null });
    const id = created.body.booking.id;
    // Booking alone uses nothing.
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(0);

    const checkIn = await h.post(`/api/v1/bookings/${id}/check-in`, {}, 'store');
    expect(checkIn.status).toBe(200);
    expect(checkIn.body.booking).toMatchObject({ status: 'checked_in', freeMaintenanceUse: 'used' });
    const repeat = await h.post(`/api/v1/bookings/${id}/check-in`, {}, 'store');
    expect(repeat.body).toMatchObject({ duplicate: true, booking: { freeMaintenanceUse: 'used' } });
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
    const uses = await usesOf(member);
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ requestId: `booking:${id}`, source: { kind: 'booking', bookingId: id } });

    const listed = await h.get(`/api/v1/members/${member._id}/benefits`, 'store');
    expect(listed.body.benefits[0].uses[0].source).toMatchObject({
      kind: 'booking',
      bookingId: id,
      bookingNumber: created.body.booking.number,
    });
    // A checked-in booking cannot be cancelled.
    expect((await h.post(`/api/v1/bookings/${id}/cancel`, { reason: '测试' }, 'store')).status).toBe(409);
  });

  it('a booking without the choice, or a no-show, uses nothing', async () => {
    const { member, plate } = await memberWithCar();
    const plain = await book(member, plate, { useFreeMaintenance: false });
    await h.post(`/api/v1/bookings/${plain.body.booking.id}/check-in`, {}, 'store');
    const other = await book(member, plate, { slotStart: slot('2026-12-10', '10:00') });
    const noShow = await h.post(`/api/v1/bookings/${other.body.booking.id}/no-show`, {}, 'store');
    expect(noShow.body.booking).toMatchObject({ status: 'no_show', freeMaintenanceUse: null });
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(0);
    expect(await usesOf(member)).toHaveLength(0);
  });

  it('refuses the choice for a service that does not allow it, or when none are left', async () => {
    const { member, plate } = await memberWithCar();
    const repair = await book(member, plate, { serviceId: 'repair' });
    expect(repair.status).toBe(400);
    expect(repair.body.error.code).toBe('free_maintenance_not_allowed');
    expect(repair.body.error.message).toContain('只能用于「保养」');
    await h.post(useUrl(member), { requestId: 'a' }, 'store');
    await h.post(useUrl(member), { requestId: 'b' }, 'store');
    const none = await book(member, plate, {});
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_free_maintenance_left');
    expect(await db.bookings.bookings.countDocuments({ memberId: member._id })).toBe(0);
  });

  it('checks in anyway when the member has used them up meanwhile, and says so', async () => {
    const { member, plate } = await memberWithCar();
    const created = await book(member, plate, {});
    await h.post(useUrl(member), { requestId: 'c-1' }, 'store');
    await h.post(useUrl(member), { requestId: 'c-2' }, 'store');
    const checkIn = await h.post(`/api/v1/bookings/${created.body.booking.id}/check-in`, {}, 'store');
    expect(checkIn.status).toBe(200);
    expect(checkIn.body.booking).toMatchObject({ status: 'checked_in', freeMaintenanceUse: 'none_left' });
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(2);
  });
});

describe('benefits: the membership year', () => {
  it('the count restarts at the anniversary, the nightly review writes the same, and an old use cannot be undone', async () => {
    h.setNow('2025-12-10T10:00:00+08:00');
    const member = await h.insertMember();
    h.setNow(NOW);
    await h.post(useUrl(member), { requestId: 'y-1' }, 'store');
    await h.post(useUrl(member), { requestId: 'y-2' }, 'store');
    expect((await h.post(useUrl(member), { requestId: 'y-3' }, 'store')).status).toBe(409);

    // The anniversary: the new year starts from 0 before the nightly run, in the API and the view.
    h.setNow('2026-12-10T09:00:00+08:00');
    try {
      const listed = await h.get(`/api/v1/members/${member._id}/benefits`);
      expect(listed.body).toMatchObject({ yearStart: '2026-12-10', benefits: [{ used: 0, left: 2 }] });
      expect((await h.get(`/api/v1/members/${member._id}`)).body.tier.freeMaintenance).toEqual({
        allowance: 2,
        used: 0,
        left: 2,
      });
      const fresh = await h.post(useUrl(member), { requestId: 'y-3' }, 'store');
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ used: 1, left: 1, use: { yearStart: '2026-12-10' } });
      expect(await storedTier(member)).toMatchObject({ yearStart: '2026-12-10', freeMaintenanceUsed: 1 });

      // The nightly review has nothing more to reset: the use's update carried the review.
      await h.runtime.services.nightly.run();
      expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);

      const old = await h.post(undoUrl(member, 'y-1'), {}, 'store');
      expect(old.status).toBe(409);
      expect(old.body.error.code).toBe('year_ended');
      expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
      expect((await db.benefitUses.findById(`${member._id}:y-1`).lean<BenefitUseRecord>())!.status).toBe(
        'used',
      );
    } finally {
      h.setNow(NOW);
    }
  });
});

describe('benefits: a crash mid-way is finished by the sweep', () => {
  const crash = () => {
    throw new Error('simulated crash');
  };
  async function sweepLater() {
    h.setNow(new Date(h.now().getTime() + 2 * 60_000));
    try {
      return await h.runtime.services.recovery.sweep();
    } finally {
      h.setNow(NOW);
    }
  }
  const input = (member: MemberRecord, requestId: string) => ({
    memberId: member._id,
    benefitId: 'free_maintenance' as const,
    requestId,
    storeId: 'main',
    source: { kind: 'staff' as const, role: 'admin' },
  });

  it('after recording the use: the sweep counts it once; the retry finds it', async () => {
    const member = await h.insertMember();
    const crashing = new BenefitService(h.runtime.services, { afterRecord: crash });
    await expect(crashing.use(input(member, 'crash-1'))).rejects.toThrow('simulated crash');
    expect((await usesOf(member))[0]!.status).toBe('pending');
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(0);
    expect((await sweepLater()).benefitUses).toBe(1);
    expect((await usesOf(member))[0]!.status).toBe('used');
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
    const retry = await h.post(useUrl(member), { requestId: 'crash-1' }, 'admin');
    expect(retry.body).toMatchObject({ duplicate: true, used: 1 });
    expect((await sweepLater()).benefitUses).toBe(0);
  });

  it('after counting: the sweep marks the use without counting it again', async () => {
    const member = await h.insertMember();
    const crashing = new BenefitService(h.runtime.services, { afterCount: crash });
    await expect(crashing.use(input(member, 'crash-2'))).rejects.toThrow('simulated crash');
    expect((await usesOf(member))[0]!.status).toBe('pending');
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
    expect((await sweepLater()).benefitUses).toBe(1);
    expect((await usesOf(member))[0]!.status).toBe('used');
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
  });

  it('a check-in whose use never ran is finished by the sweep', async () => {
    const plate = `沪C${plateSerial++}`;
    const member = await h.insertMember({ vehicles: [newVehicle(plate, '途观')] });
    const created = await h.post(
      '/api/v1/bookings',
      {
        requestId: 'crash-booking',
        memberId: member._id,
        plate,
        serviceId: 'maintenance',
        slotStart: slot('2026-12-11', '10:00'),
        useFreeMaintenance: true,
      },
      'store',
    );
    const id = created.body.booking.id;
    // The crash right after the check-in's update: the booking carries the mark, nothing is used.
    await db.bookings.bookings.updateOne(
      { _id: id },
      { $set: { status: 'checked_in', freeMaintenanceUse: 'pending' } },
    );
    expect((await sweepLater()).benefitUses).toBe(1);
    expect(await db.bookings.bookings.findById(id).lean()).toMatchObject({ freeMaintenanceUse: 'used' });
    expect((await storedTier(member)).freeMaintenanceUsed).toBe(1);
  });
});

describe('benefits: the report per tier and store', () => {
  it('counts uses standing and undone in the period, per tier and store; store keys see their store', async () => {
    h.setNow('2027-02-10T10:00:00+08:00');
    try {
      const bronze = await h.insertMember();
      const gold = await h.insertMember();
      await db.members.updateOne(
        { _id: gold._id },
        { $set: { 'tier.tierCode': 'gold', 'tier.freeMaintenanceAllowance': 4 } },
      );
      await h.post(useUrl(bronze), { requestId: 'r-1' }, 'store');
      await h.post(useUrl(gold), { requestId: 'r-2' }, 'store');
      await h.post(useUrl(gold), { requestId: 'r-4' }, 'store');
      await h.post(undoUrl(gold, 'r-4'), {}, 'store');

      const report = await h.get('/api/v1/reports/benefits?from=2027-02-10&to=2027-02-10', 'marketing');
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        id: 'benefits',
        from: '2027-02-10',
        to: '2027-02-10',
        storeId: null,
      });
      const mainName = report.body.rows[0].store;
      expect(report.body.rows).toEqual([
        { tier: '铜卡', store: mainName, used: 1, undone: 0 },
        { tier: '金卡', store: mainName, used: 1, undone: 1 },
      ]);
      const before = await h.get('/api/v1/reports/benefits?from=2027-02-01&to=2027-02-09', 'marketing');
      expect(before.body.rows).toEqual([]);
      const scoped = await h.get('/api/v1/reports/benefits?from=2027-02-10&to=2027-02-10', 'store');
      expect(scoped.body.storeId).toBe('main');
      expect((await h.get('/api/v1/reports/benefits?storeId=north', 'store')).status).toBe(403);
      expect((await h.get('/api/v1/reports/benefits?from=2027-02-11&to=2027-02-10')).status).toBe(400);
      expect((await h.get('/api/v1/reports/benefits?from=2027-02-30')).status).toBe(400);
    } finally {
      h.setNow(NOW);
    }
  });
});
