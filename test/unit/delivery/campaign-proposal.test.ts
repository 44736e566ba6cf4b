import { describe, expect, it } from 'vitest';
import { campaignInputSchema } from '../../../src/delivery/campaign-input';
import { proposeCampaign } from '../../../src/delivery/campaign-proposal';
import { type CampaignTemplate, campaignTemplates } from '../../../src/delivery/campaign-templates';
import { campaignWarnings } from '../../../src/delivery/campaign-warnings';
import { fillCampaignValues, renderMessage } from '../../../src/delivery/render-message';

const TZ = 'Asia/Shanghai';
const template = (id: string) => campaignTemplates.find((t) => t.id === id)!;
const at = (text: string) => new Date(text);

describe('template proposals', () => {
  it('in December, 春节问候 proposes next February: 10:00 five days before 除夕, double points over 除夕–初六', () => {
    const proposal = proposeCampaign(template('spring-festival'), at('2026-12-07T15:20:00+08:00'), TZ);
    expect(proposal.holiday).toEqual({
      id: 'spring-festival',
      name: '春节',
      day: '2027-02-06',
      first: '2027-02-05',
      last: '2027-02-11',
    });
    expect(proposal.startAt).toEqual(at('2027-01-31T10:00:00+08:00'));
    expect(proposal.window).toEqual({
      startsAt: at('2027-02-05T00:00:00+08:00'),
      endsAt: at('2027-02-12T00:00:00+08:00'),
      multiplier: 2,
    });
  });

  it('after 中秋 this year, 中秋问候 proposes next year’s, without a window', () => {
    const proposal = proposeCampaign(template('mid-autumn'), at('2026-09-26T09:00:00+08:00'), TZ);
    expect(proposal.holiday?.day).toBe('2027-09-15');
    expect(proposal.startAt).toEqual(at('2027-09-12T10:00:00+08:00'));
    expect(proposal.window).toBeNull();
  });

  it('国庆 and 双十一 cover their days; the time zone decides which day it is', () => {
    const national = proposeCampaign(template('national-day'), at('2026-12-07T10:00:00+08:00'), TZ);
    expect(national.startAt).toEqual(at('2027-09-28T10:00:00+08:00'));
    expect(national.window).toMatchObject({
      startsAt: at('2027-10-01T00:00:00+08:00'),
      endsAt: at('2027-10-08T00:00:00+08:00'),
      multiplier: 1.5,
    });
    // 11 November 00:30 in Shanghai is still 10 November in UTC, where 双十一 is still ahead.
    const late = at('2026-11-11T00:30:00+08:00');
    expect(proposeCampaign(template('double-eleven'), late, TZ).holiday?.day).toBe('2027-11-11');
    const utc = proposeCampaign(template('double-eleven'), late, 'UTC');
    expect(utc.holiday?.day).toBe('2026-11-11');
    expect(utc.window).toMatchObject({
      startsAt: at('2026-11-11T00:00:00Z'),
      endsAt: at('2026-11-12T00:00:00Z'),
    });
  });

  it('when 10:00 a few days before has passed, it proposes the next full hour', () => {
    const proposal = proposeCampaign(template('spring-festival'), at('2027-02-03T14:10:00+08:00'), TZ);
    expect(proposal.holiday?.day).toBe('2027-02-06');
    expect(proposal.startAt).toEqual(at('2027-02-03T15:00:00+08:00'));
  });

  it('a template without a holiday (or past the tabled years) starts at the next full hour', () => {
    const noHoliday: CampaignTemplate = { ...template('double-eleven'), holiday: null };
    const proposal = proposeCampaign(noHoliday, at('2026-12-07T15:20:00+08:00'), TZ);
    expect(proposal).toEqual({
      holiday: null,
      startAt: at('2026-12-07T16:00:00+08:00'),
      window: {
        startsAt: at('2026-12-07T16:00:00+08:00'),
        endsAt: at('2026-12-08T16:00:00+08:00'),
        multiplier: 3,
      },
    });
    expect(
      proposeCampaign(template('spring-festival'), at('2040-03-01T10:00:00+08:00'), TZ).holiday,
    ).toBeNull();
  });
});

describe('{bonusPoints}', () => {
  it('is the campaign’s bonus formatted for people, in personal and mass-send texts', () => {
    const filled = fillCampaignValues('{name}您好，特赠您 {bonusPoints}，您当前有 {points}。', {
      bonusPoints: 1234,
    });
    expect(filled).toBe('{name}您好，特赠您 1,234 积分，您当前有 {points}。');
    expect(
      renderMessage(filled, { name: '张伟', tierName: null, points: 5678, expiringPoints: null, date: null }),
    ).toBe('张伟您好，特赠您 1,234 积分，您当前有 5,678 积分。');
  });

  it('is accepted in campaign texts, generic ones included, and every template is a valid campaign', () => {
    const base = { name: '测试', startAt: '2026-12-01T10:00:00+08:00', bonusPoints: 10 };
    expect(campaignInputSchema.safeParse({ ...base, text: '赠您 {bonusPoints}' }).success).toBe(true);
    expect(
      campaignInputSchema.safeParse({
        ...base,
        text: '{name}，赠您 {bonusPoints}',
        genericText: '赠您 {bonusPoints}',
      }).success,
    ).toBe(true);
    expect(campaignInputSchema.safeParse({ ...base, text: '赠您 {bonus}' }).success).toBe(false);
    for (const t of campaignTemplates) {
      const input = campaignInputSchema.parse({
        ...base,
        text: t.text,
        genericText: t.genericText,
        bonusPoints: t.suggestedBonusPoints,
      });
      // A template that gives points says so.
      expect(campaignWarnings(input, TZ).filter((w) => w.includes('赠送'))).toEqual([]);
    }
  });
});

describe('campaign warnings', () => {
  const input = (extra: Record<string, unknown>) =>
    campaignInputSchema.parse({
      name: '春节问候',
      text: '新春将至，春节期间到店消费享双倍积分。',
      startAt: '2026-12-07T10:00:00+08:00',
      ...extra,
    });
  const window = (startsAt: string, endsAt: string) => ({ window: { startsAt, endsAt, multiplier: 2 } });

  it('warns when the window does not cover the holiday the text names', () => {
    // The report: a 春节 text in December with a window from today.
    expect(
      campaignWarnings(input(window('2026-12-07T10:00:00+08:00', '2026-12-14T10:00:00+08:00')), TZ),
    ).toEqual([
      '消息提到春节（2027年2月5日至2027年2月11日），但积分加倍时段是 2026年12月7日 10:00 至 2026年12月14日 10:00，没有覆盖春节。',
    ]);
    // Covering 除夕–初六 (to 23:59 of the last day is enough) is fine; no window, nothing to check.
    expect(
      campaignWarnings(input(window('2027-02-05T00:00:00+08:00', '2027-02-12T00:00:00+08:00')), TZ),
    ).toEqual([]);
    expect(
      campaignWarnings(input(window('2027-02-04T10:00:00+08:00', '2027-02-11T23:59:00+08:00')), TZ),
    ).toEqual([]);
    expect(campaignWarnings(input({}), TZ)).toEqual([]);
    // Half the period is not enough.
    expect(
      campaignWarnings(input(window('2027-02-06T00:00:00+08:00', '2027-02-12T00:00:00+08:00')), TZ),
    ).toHaveLength(1);
  });

  it('warns when the bonus is not mentioned, or {bonusPoints} stands for nothing', () => {
    expect(campaignWarnings(input({ bonusPoints: 188 }), TZ)).toEqual([
      '每人赠送 188 积分，但消息没有提到：请加入 {bonusPoints}（发送时显示为「188 积分」）。',
    ]);
    expect(campaignWarnings(input({ bonusPoints: 188, text: '赠您 188 积分。' }), TZ)).toEqual([]);
    expect(campaignWarnings(input({ bonusPoints: 1234, text: '赠您 1,234 积分。' }), TZ)).toEqual([]);
    expect(campaignWarnings(input({ bonusPoints: 188, text: '满 1880 元赠礼。' }), TZ)).toHaveLength(1);
    expect(
      campaignWarnings(
        input({ bonusPoints: 188, text: '{name}您好，赠您 {bonusPoints}。', genericText: '您好。' }),
        TZ,
      ),
    ).toEqual(['每人赠送 188 积分，但群发版本没有提到：请加入 {bonusPoints}。']);
    expect(campaignWarnings(input({ text: '赠您 {bonusPoints}。' }), TZ)).toEqual([
      '消息里有 {bonusPoints}，但赠送积分为 0：会员会看到「0 积分」。',
    ]);
  });
});
