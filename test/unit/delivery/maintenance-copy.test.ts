import { describe, expect, it } from 'vitest';
import { careDeliveryRequest } from '../../../src/delivery/care-copy';
import { deliveryRequestSchema } from '../../../src/delivery/delivery-request';
import { renderMessage } from '../../../src/delivery/render-message';
import type { CareMessage } from '../../../src/rules/care-due';

const reminder = (daysBefore: number, by: 'date' | 'mileage'): CareMessage => ({
  key: `care:maintenance_due:m1:5rKqQTEyMzQ1:2026-03-10:${daysBefore}`,
  kind: 'maintenance_due',
  category: 'service',
  memberId: 'm1',
  sendAt: new Date('2026-09-03T01:00:00Z'),
  facts: { date: '2026-09-10', daysBefore, plate: '沪A12345', lastServiceOn: '2026-03-10', by },
});

const rendered = (message: CareMessage) => {
  const request = deliveryRequestSchema.parse(careDeliveryRequest(message));
  return renderMessage(request.text, {
    name: '张伟',
    tierName: '银卡',
    points: 0,
    expiringPoints: null,
    date: request.values.date,
  });
};

describe('maintenance-due copy', () => {
  it.each([
    [
      7,
      'date',
      '张伟，您的爱车（沪A12345）建议在 2026年9月10日 前做下一次保养（上次保养：2026年3月10日）。回复「预约」在线约时间。',
    ],
    [
      7,
      'mileage',
      '张伟，按行驶里程估算，您的爱车（沪A12345）约在 2026年9月10日 到保养里程（上次保养：2026年3月10日）。回复「预约」在线约时间，里程不准可回复「我的车」更新。',
    ],
    [
      0,
      'date',
      '张伟，您的爱车（沪A12345）今天到了建议保养的时间（上次保养：2026年3月10日）。回复「预约」在线预约保养。',
    ],
    [
      0,
      'mileage',
      '张伟，按行驶里程估算，您的爱车（沪A12345）已到保养里程（上次保养：2026年3月10日），建议尽快到店保养。回复「预约」在线约时间，里程不准可回复「我的车」更新。',
    ],
  ] as const)(
    '%i days ahead, by %s: a valid service message with the plate and what to reply',
    (days, by, text) => {
      const message = reminder(days, by);
      const request = careDeliveryRequest(message);
      expect(request).toMatchObject({ key: message.key, category: 'service', kind: 'maintenance_due' });
      expect(rendered(message)).toBe(text);
    },
  );
});
