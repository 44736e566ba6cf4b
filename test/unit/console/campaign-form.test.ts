import { describe, expect, it } from 'vitest';
import {
  applyTemplate,
  buildCampaign,
  emptyCampaignForm,
  formFromCampaign,
} from '../../../src/console/ui/campaign-form';
import type { Campaign, CampaignTemplate } from '../../../src/console/ui/types';
import { campaignInputSchema } from '../../../src/delivery/campaign-input';

/** The campaign form over a template's proposal, and over a saved draft being edited. */
const now = new Date('2026-12-07T07:20:00Z');

describe('the campaign form', () => {
  it('takes a template’s proposed send time and window', () => {
    const template: CampaignTemplate = {
      id: 'spring-festival',
      name: '春节问候',
      occasion: '春节',
      text: '{name}您好！特赠您 {bonusPoints}。',
      genericText: '特赠您 {bonusPoints}。',
      suggestedBonusPoints: 188,
      suggestedWindow: { multiplier: 2, days: 7 },
      proposal: {
        holiday: {
          id: 'spring-festival',
          name: '春节',
          day: '2027-02-06',
          first: '2027-02-05',
          last: '2027-02-11',
        },
        startAt: '2027-01-31T02:00:00.000Z',
        window: { startsAt: '2027-02-04T16:00:00.000Z', endsAt: '2027-02-11T16:00:00.000Z', multiplier: 2 },
      },
    };
    expect(applyTemplate(emptyCampaignForm(now), template)).toMatchObject({
      name: '春节问候',
      bonusPoints: '188',
      startAt: '2027-01-31T10:00',
      windowOn: true,
      windowStartsAt: '2027-02-05T00:00',
      windowEndsAt: '2027-02-12T00:00',
      multiplier: '2',
    });
  });

  it('opens a saved draft so that saving it unchanged sends the same campaign', () => {
    const body = {
      name: '春节问候',
      audience: {
        tiers: ['gold'],
        tags: ['vip', '老客户'],
        birthdayMonth: 2,
        vehicleModel: 'Model Y',
        minPoints: 100,
        maxPoints: 5000,
        lastVisitAfter: '2026-01-01T00:00:00+08:00',
        lastVisitBefore: '2026-06-30T23:59:59+08:00',
        signedUpAfter: null,
        signedUpBefore: '2025-12-31T23:59:59+08:00',
      },
      text: '{name}您好！特赠您 {bonusPoints}。',
      genericText: '特赠您 {bonusPoints}。',
      bonusPoints: 188,
      window: { startsAt: '2027-02-05T00:00:00+08:00', endsAt: '2027-02-12T00:00:00+08:00', multiplier: 1.5 },
      startAt: '2027-01-31T10:00:00+08:00',
    };
    const stored = campaignInputSchema.parse(body);
    // As the API answers it: instants in UTC, the multiplier as people write it.
    const campaign = JSON.parse(
      JSON.stringify({
        ...stored,
        id: '0123456789abcdef01234567',
        status: 'draft',
        window: stored.window && { ...stored.window, multiplier: 1.5 },
        createdAt: now,
        startedAt: null,
        completedAt: null,
      }),
    ) as Campaign;
    const built = buildCampaign(formFromCampaign(campaign, now));
    expect(built.problems).toEqual({});
    const again = campaignInputSchema.parse(built.body);
    expect(again).toEqual(stored);
    // A text that is its own mass-send version is not repeated in the form.
    const plain = { ...campaign, text: '新春快乐', genericText: '新春快乐', window: null };
    expect(formFromCampaign(plain, now)).toMatchObject({ genericText: '', windowOn: false });
  });
});
