import { describe, expect, it } from 'vitest';
import { audienceQuery, inPointsRange, isCampaignRecipient } from '../../../src/delivery/campaign-audience';
import { campaignAudienceSchema, campaignInputSchema } from '../../../src/delivery/campaign-input';
import { campaignTemplates } from '../../../src/delivery/campaign-templates';
import { campaignLiability } from '../../../src/rules/campaign-liability';

const audience = (input: Record<string, unknown> = {}) => campaignAudienceSchema.parse(input);
const base = { name: '测试', text: '您好', startAt: '2026-12-01T10:00:00+08:00' };

describe('campaign audience', () => {
  it('turns every indexed filter into one query on active members', () => {
    expect(audienceQuery(audience())).toEqual({ status: 'active' });
    expect(
      audienceQuery(
        audience({
          tiers: ['gold'],
          tags: ['vip'],
          birthdayMonth: 2,
          vehicleModel: 'Model Y',
          lastVisitAfter: '2026-01-01T00:00:00+08:00',
          lastVisitBefore: '2026-06-01T00:00:00+08:00',
          signedUpBefore: '2025-01-01T00:00:00+08:00',
          minPoints: 100,
        }),
      ),
    ).toEqual({
      status: 'active',
      'tier.tierCode': { $in: ['gold'] },
      tags: { $in: ['vip'] },
      'birthday.month': 2,
      'vehicles.model': 'Model Y',
      lastVisitAt: { $gte: new Date('2025-12-31T16:00:00Z'), $lt: new Date('2026-05-31T16:00:00Z') },
      signedUpAt: { $lt: new Date('2024-12-31T16:00:00Z') },
    });
  });

  it('checks the balance range inclusively, and recipients by consent and opt-out', () => {
    const range = audience({ minPoints: 100, maxPoints: 200 });
    expect([99, 100, 200, 201].map((b) => inPointsRange(range, b))).toEqual([false, true, true, false]);
    expect(inPointsRange(audience(), 0)).toBe(true);
    expect(isCampaignRecipient({ marketingConsent: true, marketingOptOut: false })).toBe(true);
    expect(isCampaignRecipient({ marketingConsent: true, marketingOptOut: true })).toBe(false);
    expect(isCampaignRecipient({ marketingConsent: false, marketingOptOut: false })).toBe(false);
  });

  it('refuses reversed ranges', () => {
    expect(campaignAudienceSchema.safeParse({ minPoints: 5, maxPoints: 4 }).success).toBe(false);
    expect(
      campaignAudienceSchema.safeParse({
        signedUpAfter: '2026-02-01T00:00:00Z',
        signedUpBefore: '2026-01-01T00:00:00Z',
      }).success,
    ).toBe(false);
  });
});

describe('campaign input', () => {
  it('defaults the mass-send text to the text when it is not personal', () => {
    expect(campaignInputSchema.parse(base)).toMatchObject({
      genericText: '您好',
      bonusPoints: 0,
      window: null,
    });
  });

  it('requires a generic text for a personal text, and refuses {date} and unknown placeholders', () => {
    expect(campaignInputSchema.safeParse({ ...base, text: '{name}您好' }).success).toBe(false);
    expect(campaignInputSchema.safeParse({ ...base, text: '{name}您好', genericText: '您好' }).success).toBe(
      true,
    );
    expect(campaignInputSchema.safeParse({ ...base, text: '{date}见' }).success).toBe(false);
    expect(campaignInputSchema.safeParse({ ...base, text: '{nmae}' }).success).toBe(false);
    expect(campaignInputSchema.safeParse({ ...base, startAt: '2026-12-01 10:00' }).success).toBe(false);
  });

  it('turns the window multiplier into exact thousandths and checks its order', () => {
    const window = { startsAt: '2026-12-01T00:00:00+08:00', endsAt: '2026-12-08T00:00:00+08:00' };
    expect(campaignInputSchema.parse({ ...base, window: { ...window, multiplier: 1.5 } }).window).toEqual({
      startsAt: new Date('2026-11-30T16:00:00Z'),
      endsAt: new Date('2026-12-07T16:00:00Z'),
      multiplierMilli: 1500,
    });
    expect(campaignInputSchema.safeParse({ ...base, window: { ...window, multiplier: 1 } }).success).toBe(
      false,
    );
    expect(
      campaignInputSchema.safeParse({ ...base, window: { ...window, multiplier: 1.0005 } }).success,
    ).toBe(false);
    expect(
      campaignInputSchema.safeParse({
        ...base,
        window: { startsAt: window.endsAt, endsAt: window.startsAt, multiplier: 2 },
      }).success,
    ).toBe(false);
  });

  it('accepts every ready-made template as a campaign', () => {
    for (const t of campaignTemplates) {
      expect(
        campaignInputSchema.safeParse({ ...base, text: t.text, genericText: t.genericText }).success,
      ).toBe(true);
    }
  });
});

describe('campaign liability', () => {
  it('is recipients × bonus ÷ points per yuan, plus the window estimate', () => {
    expect(
      campaignLiability({ recipients: 1_234, bonusPoints: 500, pointsPerYuan: 100, window: null }),
    ).toEqual({
      bonusPoints: 617_000,
      bonusFen: 617_000,
      windowExtraPoints: 0,
      windowExtraFen: 0,
      totalFen: 617_000,
    });
    const day = 86_400_000;
    // 30,000 points in 30 days → 7,000 in a 7-day window; ×1.5 adds half of it.
    const withWindow = campaignLiability({
      recipients: 0,
      bonusPoints: 0,
      pointsPerYuan: 100,
      window: {
        multiplierMilli: 1500,
        durationMs: 7 * day,
        referenceEarnedPoints: 30_000,
        referencePeriodMs: 30 * day,
      },
    });
    expect(withWindow).toMatchObject({ windowExtraPoints: 3_500, windowExtraFen: 3_500, totalFen: 3_500 });
  });
});
