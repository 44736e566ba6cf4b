import { describe, expect, it } from 'vitest';
import {
  birthdayMessage,
  birthdaysCelebratedOn,
  careSendAt,
  pointsExpiringMessages,
  targetDates,
  vehicleDateReminders,
  winBackMessage,
} from '../../../src/rules/care-due';
import type { PointsAccount } from '../../../src/rules/points-account';
import { vehicleKey } from '../../../src/rules/vehicle-key';
import { localDateOf } from '../../../src/rules/zoned-time';
import { program, programWith, shanghai } from './builders';

const day = (iso: string) => localDateOf(shanghai(`${iso}T12:00`), 'Asia/Shanghai');

describe('birthdays', () => {
  it.each([
    [
      '2027-02-28',
      'feb28',
      [
        { month: 2, day: 28 },
        { month: 2, day: 29 },
      ],
    ],
    ['2028-02-28', 'feb28', [{ month: 2, day: 28 }]],
    ['2028-02-29', 'feb28', [{ month: 2, day: 29 }]],
    [
      '2027-03-01',
      'mar1',
      [
        { month: 3, day: 1 },
        { month: 2, day: 29 },
      ],
    ],
    ['2027-03-01', 'feb28', [{ month: 3, day: 1 }]],
    ['2027-12-31', 'feb28', [{ month: 12, day: 31 }]],
  ] as const)('on %s (%s) the scan looks for %j', (iso, feb29On, expected) => {
    expect(birthdaysCelebratedOn(day(iso), feb29On)).toEqual(expected);
  });

  it('greets on the birthday at 09:00 Shanghai with a year-keyed id, and a gift for Gold and Diamond', () => {
    const bronze = birthdayMessage(
      { memberId: 'm1', birthday: { month: 2, day: 29 }, tierCode: 'bronze' },
      day('2027-02-28'),
      program,
    );
    expect(bronze).toMatchObject({
      key: 'care:birthday:m1:2027',
      kind: 'birthday',
      category: 'service',
      facts: { giftVoucher: false },
    });
    expect(bronze?.sendAt.toISOString()).toBe('2027-02-28T01:00:00.000Z');
    const gold = birthdayMessage(
      { memberId: 'm2', birthday: { month: 6, day: 1 }, tierCode: 'gold' },
      day('2027-06-01'),
      program,
    );
    expect(gold?.facts.giftVoucher).toBe(true);
    expect(
      birthdayMessage(
        { memberId: 'm3', birthday: { month: 6, day: 1 }, tierCode: 'gold' },
        day('2027-06-02'),
        program,
      ),
    ).toBeNull();
    expect(
      birthdayMessage({ memberId: 'm4', birthday: null, tierCode: 'gold' }, day('2027-06-02'), program),
    ).toBeNull();
  });

  it('uses the local date: 16:30 UTC on 31 May is already 1 June in Shanghai', () => {
    const today = localDateOf(new Date('2027-05-31T16:30:00Z'), 'Asia/Shanghai');
    expect(
      birthdayMessage({ memberId: 'm', birthday: { month: 6, day: 1 }, tierCode: 'bronze' }, today, program),
    ).not.toBeNull();
  });
});

describe('vehicle date reminders', () => {
  it('reminds 30 and 7 days before the insurance end, across month ends, once per vehicle and day', () => {
    const member = {
      memberId: 'm1',
      vehicles: [
        { plate: '沪A12345', date: '2027-03-31' },
        { plate: null, date: '2027-03-08' },
        { plate: '沪B00001', date: null },
      ],
    };
    const onMar1 = vehicleDateReminders('insurance_renewal', member, day('2027-03-01'), [30, 7], program);
    expect(onMar1.map((m) => m.key)).toEqual([
      `care:insurance_renewal:m1:${vehicleKey('沪A12345', 0)}:2027-03-31:30`,
      'care:insurance_renewal:m1:vehicle-1:2027-03-08:7',
    ]);
    expect(
      vehicleDateReminders('insurance_renewal', member, day('2027-03-24'), [30, 7], program).map(
        (m) => m.facts.daysBefore,
      ),
    ).toEqual([7]);
    expect(vehicleDateReminders('insurance_renewal', member, day('2027-03-02'), [30, 7], program)).toEqual(
      [],
    );
    expect(targetDates(day('2027-03-01'), [30, 7])).toEqual(['2027-03-31', '2027-03-08']);
  });
});

describe('points expiring', () => {
  const lot = (expiresAt: Date, remaining: number) => ({
    lotId: `l${remaining}`,
    entryId: `e${remaining}`,
    earnedAt: new Date('2024-01-01T00:00:00Z'),
    expiresAt,
    amount: remaining,
    remaining,
  });
  // Lots expire at the end of a local month.
  const endOfMarch = new Date('2027-03-31T15:59:59.999Z');

  it('reminds 30 and 7 days before at least 100 points expire, not for less', () => {
    const account: PointsAccount = { lots: [lot(endOfMarch, 80), lot(endOfMarch, 40)], debt: 0, pending: [] };
    const thirtyBefore = pointsExpiringMessages('m1', account, shanghai('2027-03-01T00:30'), program);
    expect(thirtyBefore).toEqual([
      expect.objectContaining({
        key: 'care:points_expiring:m1:2027-03-31:30',
        facts: { expiringPoints: 120, date: '2027-03-31', daysBefore: 30 },
      }),
    ]);
    expect(pointsExpiringMessages('m1', account, shanghai('2027-03-24T23:59'), program)).toHaveLength(1);
    expect(pointsExpiringMessages('m1', account, shanghai('2027-03-25T00:00'), program)).toHaveLength(0);
    const small: PointsAccount = { lots: [lot(endOfMarch, 99)], debt: 0, pending: [] };
    expect(pointsExpiringMessages('m1', small, shanghai('2027-03-01T09:00'), program)).toEqual([]);
  });

  it('follows the program: threshold and days are configuration', () => {
    const custom = programWith({
      care: {
        ...structuredClone(program.care),
        pointsExpiring: { enabled: true, daysBefore: [14], minPoints: 50 },
      },
    });
    const account: PointsAccount = { lots: [lot(endOfMarch, 60)], debt: 0, pending: [] };
    expect(
      pointsExpiringMessages('m1', account, shanghai('2027-03-17T09:00'), custom).map((m) => m.key),
    ).toEqual(['care:points_expiring:m1:2027-03-31:14']);
  });
});

describe('win-back', () => {
  it('is a marketing message on the 180th day without a visit', () => {
    const member = { memberId: 'm1', lastVisitAt: shanghai('2026-06-01T18:00') };
    expect(winBackMessage(member, day('2026-11-28'), program)).toMatchObject({
      key: 'care:win_back:m1:2026-06-01',
      category: 'marketing',
    });
    expect(winBackMessage(member, day('2026-11-27'), program)).toBeNull();
    expect(winBackMessage({ memberId: 'm2', lastVisitAt: null }, day('2026-11-28'), program)).toBeNull();
  });
});

describe('careSendAt', () => {
  it('is care.sendAt in Shanghai', () => {
    expect(careSendAt(day('2027-01-01'), program).toISOString()).toBe('2027-01-01T01:00:00.000Z');
  });
});
