import { describe, expect, it } from 'vitest';
import { formatIsoDate } from '../../../src/rules/local-date';
import { type MaintenanceFacts, maintenanceDue, type ServiceVisit } from '../../../src/rules/maintenance-due';
import { maintenanceReminders, vehicleKey } from '../../../src/rules/maintenance-reminders';
import {
  isServiceVisit,
  recordVehicleVisit,
  removeServiceVisit,
  SERVICE_HISTORY_KEPT,
  type ServiceableVehicle,
} from '../../../src/rules/vehicle-service-history';
import { localDateOf } from '../../../src/rules/zoned-time';
import { program, programWith, shanghai } from './builders';

const TZ = 'Asia/Shanghai';
const sixMonths = { monthsAfterService: 6, kmAfterService: 5_000 };
let seq = 0;
const visit = (at: string, mileageKm: number | null = null, id = `T${++seq}`): ServiceVisit => ({
  transactionId: id,
  at: shanghai(at),
  mileageKm,
});
const due = (facts: Partial<MaintenanceFacts>, settings = sixMonths) => {
  const result = maintenanceDue({ services: [], reported: null, ...facts }, settings, TZ);
  return result && { dueOn: formatIsoDate(result.dueOn), by: result.by, kmPerDay: result.kmPerDay };
};

describe('maintenance due: the date rule', () => {
  it.each([
    ['a plain date', '2026-03-10T10:00', 6, '2026-09-10'],
    ['31 Jan + 1 month: end of a common February', '2027-01-31T10:00', 1, '2027-02-28'],
    ['31 Jan + 1 month in a leap year', '2028-01-31T10:00', 1, '2028-02-29'],
    ['31 Aug + 6 months: end of February', '2026-08-31T10:00', 6, '2027-02-28'],
    ['31 Aug + 6 months into a leap February', '2027-08-31T10:00', 6, '2028-02-29'],
    ['leap day + 6 months', '2028-02-29T10:00', 6, '2028-08-29'],
    ['leap day + 12 months: 28 Feb', '2028-02-29T10:00', 12, '2029-02-28'],
    ['31 Mar + 6 months: 30 Sep', '2026-03-31T10:00', 6, '2026-09-30'],
    [
      'late evening in Shanghai is still that local day (UTC says the 31st is the 31st)',
      '2026-08-31T23:30',
      6,
      '2027-02-28',
    ],
    ['just after midnight in Shanghai (UTC still on the 30th)', '2026-08-31T00:30', 6, '2027-02-28'],
  ] as const)('%s: %s + %i months → %s', (_what, at, months, expected) => {
    expect(due({ services: [visit(at, null)] }, { ...sixMonths, monthsAfterService: months })).toEqual({
      dueOn: expected,
      by: 'date',
      kmPerDay: null,
    });
  });

  it('has nothing to say without a service', () => {
    expect(due({ services: [] })).toBeNull();
    expect(due({ reported: { at: shanghai('2026-05-01T10:00'), km: 30_000 } })).toBeNull();
  });

  it('counts from the latest service whatever order the visits are listed in', () => {
    const services = [visit('2026-03-10T10:00'), visit('2025-09-01T10:00'), visit('2026-01-05T10:00')];
    expect(due({ services })?.dueOn).toBe('2026-09-10');
  });
});

describe('maintenance due: the mileage estimate', () => {
  it.each([
    [
      // 6,000 km in 181 days → 5,000 km take ceil(5,000 × 181 / 6,000) = 151 days: 8 Aug, before 10 Sep.
      'two services with mileage: the estimate comes before the date',
      { services: [visit('2025-09-10T10:00', 14_000), visit('2026-03-10T10:00', 20_000)] },
      { dueOn: '2026-08-08', by: 'mileage', kmPerDay: 33.1 },
    ],
    [
      // 3,000 km in 60 days (50 km/day) since the service → 2,000 km left take 40 days from 9 May.
      "the member's reading after the service",
      {
        services: [visit('2026-03-10T10:00', 20_000)],
        reported: { at: shanghai('2026-05-09T20:00'), km: 23_000 },
      },
      { dueOn: '2026-06-18', by: 'mileage', kmPerDay: 50 },
    ],
    [
      'a reading already past the limit: due the day after it, not on a day gone by',
      {
        services: [visit('2026-03-10T10:00', 20_000)],
        reported: { at: shanghai('2026-05-09T20:00'), km: 26_000 },
      },
      { dueOn: '2026-05-10', by: 'mileage', kmPerDay: 100 },
    ],
    [
      // 1,000 km in 181 days: 5,000 km would take years, so the six months win.
      'a car that is hardly driven: the date comes first',
      { services: [visit('2025-09-10T10:00', 19_000), visit('2026-03-10T10:00', 20_000)] },
      { dueOn: '2026-09-10', by: 'date', kmPerDay: 5.5 },
    ],
    [
      'readings less than 30 days apart are not enough for an estimate',
      {
        services: [visit('2026-03-10T10:00', 20_000)],
        reported: { at: shanghai('2026-03-30T10:00'), km: 22_000 },
      },
      { dueOn: '2026-09-10', by: 'date', kmPerDay: null },
    ],
    [
      'no mileage at the last service: the date rule only, whatever was read before',
      { services: [visit('2025-09-10T10:00', 14_000), visit('2026-03-10T10:00', null)] },
      { dueOn: '2026-09-10', by: 'date', kmPerDay: null },
    ],
    [
      'a reading that goes backwards is not believed',
      {
        services: [visit('2026-03-10T10:00', 20_000)],
        reported: { at: shanghai('2026-06-10T10:00'), km: 12_000 },
      },
      { dueOn: '2026-09-10', by: 'date', kmPerDay: null },
    ],
    [
      'a reading from before the last service counts for the rate, not as the starting point',
      {
        services: [visit('2026-03-10T10:00', 20_000)],
        reported: { at: shanghai('2026-01-09T10:00'), km: 17_000 },
      },
      // 3,000 km in 60 days → 5,000 km in 100 days from 10 March.
      { dueOn: '2026-06-18', by: 'mileage', kmPerDay: 50 },
    ],
  ] as const)('%s', (_what, facts, expected) => {
    expect(due(facts)).toEqual(expected);
  });
});

describe('maintenance reminders', () => {
  const vehicle = {
    plate: '沪A12345',
    lastServiceAt: shanghai('2026-03-10T10:00'),
    maintenanceDueOn: '2026-09-10',
    maintenanceDueBy: 'date' as const,
  };
  const day = (iso: string) => localDateOf(shanghai(`${iso}T00:30`), TZ);

  it.each([
    ['2026-09-03', [7]],
    ['2026-09-10', [0]],
    ['2026-09-04', []],
    ['2026-09-11', []],
  ] as const)('on %s the reminders are the ones %j days ahead', (today, days) => {
    const messages = maintenanceReminders({ memberId: 'm1', vehicles: [vehicle] }, day(today), program);
    expect(messages.map((m) => m.facts.daysBefore)).toEqual(days);
  });

  it('keys a reminder by member, vehicle, service and day offset, and sends it at 09:00 Shanghai', () => {
    const [message] = maintenanceReminders(
      { memberId: 'm1', vehicles: [vehicle] },
      day('2026-09-03'),
      program,
    );
    expect(message).toEqual({
      key: `care:maintenance_due:m1:${vehicleKey('沪A12345', 0)}:2026-03-10:7`,
      kind: 'maintenance_due',
      category: 'service',
      memberId: 'm1',
      sendAt: new Date('2026-09-03T01:00:00.000Z'),
      facts: {
        date: '2026-09-10',
        daysBefore: 7,
        plate: '沪A12345',
        lastServiceOn: '2026-03-10',
        by: 'date',
      },
    });
    // Delivery keys are ASCII only.
    expect(message?.key).toMatch(/^[A-Za-z0-9:_\-.]+$/);
    expect(vehicleKey('沪A12345', 0)).toBe('5rKqQTEyMzQ1');
    expect(vehicleKey(null, 2)).toBe('vehicle-2');
  });

  it('says nothing for a vehicle without a due date or when the program turns it off', () => {
    const plain = { plate: '沪B54321', lastServiceAt: null, maintenanceDueOn: null };
    expect(maintenanceReminders({ memberId: 'm1', vehicles: [plain] }, day('2026-09-03'), program)).toEqual(
      [],
    );
    const off = programWith({
      care: {
        ...structuredClone(program.care),
        maintenanceDue: { ...program.care.maintenanceDue, enabled: false },
      },
    });
    expect(maintenanceReminders({ memberId: 'm1', vehicles: [vehicle] }, day('2026-09-03'), off)).toEqual([]);
  });
});

describe('vehicle service history', () => {
  const blank = (plate: string): ServiceableVehicle => ({
    plate,
    mileageKm: null,
    mileageReportedAt: null,
    lastServiceAt: null,
    lastServiceKm: null,
    services: [],
    maintenanceDueOn: null,
    maintenanceDueBy: null,
  });
  const record = (vehicles: ServiceableVehicle[], plate: string, service: ServiceVisit | null) =>
    recordVehicleVisit(vehicles, { plate, service }, blank, sixMonths, TZ);

  it('treats maintenance and repair as service visits, parts and car sales not', () => {
    expect(['maintenance', 'repair', 'parts', 'vehicle'].map((c) => isServiceVisit(c, program))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('adds a new plate, gives a plate to the car the member described without one, keeps other cars', () => {
    const other = { ...blank('粤BD12345'), model: 'Model Y' };
    const added = record([other], '沪A12345', visit('2026-03-10T10:00', 20_000));
    expect(added.map((v) => v.plate)).toEqual(['粤BD12345', '沪A12345']);
    expect(added[1]).toMatchObject({
      lastServiceKm: 20_000,
      maintenanceDueOn: '2026-09-10',
      maintenanceDueBy: 'date',
    });
    expect(added[0]).toBe(other);

    const unnamed = {
      ...blank('x'),
      plate: null,
      mileageKm: 19_000,
      mileageReportedAt: shanghai('2026-01-09T10:00'),
    };
    const [named] = record([unnamed], '沪A12345', visit('2026-03-10T10:00', 20_000));
    expect(named).toMatchObject({ plate: '沪A12345', mileageKm: 19_000, lastServiceKm: 20_000 });
  });

  it('records a visit once however often it is applied, and a late older visit does not move the last service', () => {
    const latest = visit('2026-03-10T10:00', 20_000, 'NEW');
    const once = record([], '沪A12345', latest);
    const twice = record(once, '沪A12345', latest);
    expect(twice[0]?.services).toHaveLength(1);
    expect(twice).toEqual(once);
    const withOlder = record(twice, '沪A12345', visit('2025-09-10T10:00', 14_000, 'OLD'));
    expect(withOlder[0]?.services?.map((s) => s.transactionId)).toEqual(['OLD', 'NEW']);
    expect(withOlder[0]?.lastServiceAt).toEqual(latest.at);
    // ...but it does give the estimate its second reading.
    expect(withOlder[0]).toMatchObject({ maintenanceDueOn: '2026-08-08', maintenanceDueBy: 'mileage' });
  });

  it('a transaction without a service adds the vehicle and leaves the maintenance alone', () => {
    const [car] = record([], '沪A12345', null);
    expect(car).toMatchObject({
      plate: '沪A12345',
      services: [],
      lastServiceAt: null,
      maintenanceDueOn: null,
    });
  });

  it('keeps the newest visits only', () => {
    let vehicles: ServiceableVehicle[] = [];
    for (let month = 1; month <= SERVICE_HISTORY_KEPT + 3; month++) {
      const at = `20${24 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-05T10:00`;
      vehicles = record(vehicles, '沪A12345', visit(at, month * 1_000, `M${month}`));
    }
    const ids = vehicles[0]?.services?.map((s) => s.transactionId);
    expect(ids).toHaveLength(SERVICE_HISTORY_KEPT);
    expect(ids?.at(-1)).toBe(`M${SERVICE_HISTORY_KEPT + 3}`);
    expect(ids?.[0]).toBe('M4');
  });

  it('a refunded visit is removed and the last service falls back to the one before', () => {
    const before = record([], '沪A12345', visit('2025-12-01T10:00', null, 'EARLIER'));
    const after = record(before, '沪A12345', visit('2026-03-10T10:00', null, 'REFUNDED'));
    expect(after[0]?.maintenanceDueOn).toBe('2026-09-10');
    const reverted = removeServiceVisit(after, 'REFUNDED', sixMonths, TZ);
    expect(reverted?.[0]).toMatchObject({
      maintenanceDueOn: '2026-06-01',
      lastServiceAt: shanghai('2025-12-01T10:00'),
    });
    expect(removeServiceVisit(reverted ?? [], 'REFUNDED', sixMonths, TZ)).toBeNull();
    const none = removeServiceVisit(before, 'EARLIER', sixMonths, TZ);
    expect(none?.[0]).toMatchObject({ plate: '沪A12345', lastServiceAt: null, maintenanceDueOn: null });
  });
});
