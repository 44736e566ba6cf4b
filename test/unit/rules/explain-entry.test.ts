import { describe, expect, it } from 'vitest';
import { earnPoints } from '../../../src/rules/earn-points';
import { explainEarning, explainEntry } from '../../../src/rules/explain-entry';
import {
  formatDateZh,
  formatInteger,
  formatMilli,
  formatPoints,
  formatYuan,
} from '../../../src/rules/format-zh';
import { ledgerEntry } from '../../../src/rules/ledger-entry';
import { earnInput, program, shanghai } from './builders';

const zone = 'Asia/Shanghai';

function breakdownOf(overrides: Parameters<typeof earnInput>[0]) {
  const decision = earnPoints(earnInput(overrides), program);
  if (!decision.ok) throw new Error(decision.reason);
  return decision.breakdown;
}

describe('Chinese formatting', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1_234, '1,234'],
    [1_234_567, '1,234,567'],
    [-2_962, '-2,962'],
  ])('integer %d → %s', (value, text) => {
    expect(formatInteger(value)).toBe(text);
  });

  it('points, money and dates', () => {
    expect(formatPoints(1_234)).toBe('1,234 积分');
    expect(formatYuan(1_234)).toBe('¥12.34');
    expect(formatYuan(123_456)).toBe('¥1,234.56');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(5_000_00)).toBe('¥5,000.00');
    expect(formatYuan(-1_234)).toBe('-¥12.34');
    expect(formatDateZh(new Date('2029-03-31T23:59:59.999+08:00'), zone)).toBe('2029年3月31日');
    expect(formatDateZh(new Date('2026-03-17T16:30:00Z'), zone)).toBe('2026年3月18日');
  });

  it.each([
    [1_000, '1'],
    [1_200, '1.2'],
    [100, '0.1'],
    [500, '0.5'],
    [1_250, '1.25'],
    [2_000, '2'],
    [1, '0.001'],
  ])('thousandths %d → %s', (milli, text) => {
    expect(formatMilli(milli)).toBe(text);
  });
});

describe('explaining an earning in plain Chinese', () => {
  it('the RULES.md worked example', () => {
    const breakdown = breakdownOf({
      amountFen: 1_234_56,
      tierCode: 'silver',
      occurredAt: shanghai('2026-11-18T10:00'),
    });
    expect(explainEarning(breakdown, zone)).toBe(
      '保养消费 ¥1,234.56 × 1 分/元 × 银卡 1.2 倍 × 会员日 2 倍 = 2,962 积分，2029年11月30日到期',
    );
  });

  it('a Bronze vehicle purchase: no ×1 tier factor, pending until its activation date', () => {
    const breakdown = breakdownOf({
      category: 'vehicle',
      amountFen: 158_800_00,
      occurredAt: shanghai('2026-03-20T10:00'),
    });
    expect(explainEarning(breakdown, zone)).toBe(
      '购车消费 ¥158,800.00 × 0.1 分/元 = 15,880 积分，2026年4月3日到账，2029年4月30日到期',
    );
  });

  it('a first transaction on a birthday', () => {
    const breakdown = breakdownOf({
      amountFen: 500_00,
      tierCode: 'gold',
      occurredAt: shanghai('2026-06-01T10:00'),
      birthday: { month: 6, day: 1 },
      isFirstTransaction: true,
    });
    expect(explainEarning(breakdown, zone)).toBe(
      '保养消费 ¥500.00 × 1 分/元 × 金卡 1.4 倍 × 生日 2 倍 = 1,400 积分，首笔消费奖励 10% +140 积分，共 1,540 积分，2029年6月30日到期',
    );
  });

  it('every other entry type', () => {
    const at = shanghai('2026-03-01T10:00');
    const lot = {
      lotId: 'l',
      entryId: 'e',
      earnedAt: at,
      expiresAt: shanghai('2029-04-30T23:59:59.999'),
      amount: 15_880,
      remaining: 15_880,
    };
    const cases: [Parameters<typeof ledgerEntry>[0], string][] = [
      [
        { entryId: 'a', type: 'activate', at, points: 0, lot },
        '待到账的 15,880 积分已到账，2029年4月30日到期',
      ],
      [{ entryId: 'b', type: 'redeem', at, points: -1_500 }, '兑换礼品，使用 1,500 积分'],
      [{ entryId: 'c', type: 'cancel_redemption', at, points: 1_500 }, '取消兑换，退回 1,500 积分'],
      [{ entryId: 'd', type: 'refund', at, points: -2_962 }, '交易退款，扣回 2,962 积分'],
      [
        { entryId: 'd2', type: 'refund', at, points: -2_000, debtChange: 1_500 },
        '交易退款，扣回 2,000 积分，其中 1,500 积分将从以后获得的积分中扣除',
      ],
      [{ entryId: 'e', type: 'expire', at, points: -300 }, '300 积分已过期'],
      [{ entryId: 'f', type: 'debt_payment', at, points: 0, debtChange: -200 }, '抵扣之前欠下的 200 积分'],
      [{ entryId: 'g', type: 'adjust', at, points: 300, reason: '补录保养' }, '人工调整 +300 积分：补录保养'],
      [{ entryId: 'h', type: 'adjust', at, points: -50, reason: '重复入账' }, '人工调整 -50 积分：重复入账'],
      [{ entryId: 'i', type: 'bonus', at, points: 200 }, '活动奖励 +200 积分'],
      [{ entryId: 'j', type: 'welcome', at, points: 1_000 }, '入会礼 +1,000 积分'],
      [{ entryId: 'k', type: 'referral', at, points: 2_000 }, '推荐有礼 +2,000 积分'],
    ];
    for (const [fields, text] of cases) expect(explainEntry(ledgerEntry(fields), zone)).toBe(text);
  });
});
