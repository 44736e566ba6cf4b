import { describe, expect, it } from 'vitest';
import { careDeliveryRequest } from '../../src/delivery/care-copy';
import { deliveryRequestSchema } from '../../src/delivery/delivery-request';
import type { CareMessage } from '../../src/rules/care-due';

const base = { memberId: 'm1', sendAt: new Date('2027-03-01T01:00:00Z'), category: 'service' as const };
const messages: CareMessage[] = [
  {
    ...base,
    key: 'care:birthday:m1:2027',
    kind: 'birthday',
    facts: { giftVoucher: true, date: '2027-03-01' },
  },
  {
    ...base,
    key: 'care:insurance_renewal:m1:x:2027-03-31:30',
    kind: 'insurance_renewal',
    facts: { date: '2027-03-31', daysBefore: 30, plate: '沪A12345' },
  },
  {
    ...base,
    key: 'care:inspection_due:m1:x:2027-03-31:30',
    kind: 'inspection_due',
    facts: { date: '2027-03-31', daysBefore: 30, plate: '' },
  },
  {
    ...base,
    key: 'care:points_expiring:m1:2027-03-31:30',
    kind: 'points_expiring',
    facts: { expiringPoints: 1234, date: '2027-03-31', daysBefore: 30 },
  },
  {
    ...base,
    key: 'care:voucher_expiring:v1:3',
    kind: 'voucher_expiring',
    facts: { voucherName: '免费洗车', code: 'ABCD2345', date: '2027-03-04', daysBefore: 3 },
  },
  {
    ...base,
    category: 'marketing',
    key: 'care:win_back:m1:2026-09-02',
    kind: 'win_back',
    facts: { lastVisit: '2026-09-02', days: 180 },
  },
];

describe('care copy', () => {
  it.each(messages.map((m) => [m.kind, m] as const))(
    '%s gives a valid delivery request',
    (_kind, message) => {
      const parsed = deliveryRequestSchema.safeParse(careDeliveryRequest(message));
      expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
      expect(parsed.data?.key).toBe(message.key);
      expect(parsed.data?.category).toBe(message.category);
    },
  );

  it('writes the plate and the voucher code into the text, and keeps the marketing text generic for mass sends', () => {
    expect(careDeliveryRequest(messages[1]!).text).toContain('沪A12345');
    expect(careDeliveryRequest(messages[4]!).text).toContain('ABCD2345');
    expect(careDeliveryRequest(messages[5]!).genericText).not.toMatch(/\{name\}/);
  });
});
