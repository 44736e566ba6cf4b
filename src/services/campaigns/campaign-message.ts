import type { Program } from '../../config/program-schema';
import type { CampaignRecord } from '../../data/models/campaign-model';
import type { MemberRecord } from '../../data/models/member-model';
import type { DeliveryRequestInput } from '../../delivery/delivery-request';
import { fillCampaignValues, placeholdersIn, renderMessage } from '../../delivery/render-message';
import { availableBalance, expiringWithin } from '../../rules/points-account';

/** The opKey and ledger entry id of a campaign's bonus for one member: credited once, ever. */
export function bonusOpKey(campaignId: string, memberId: string): string {
  return `campaign-bonus:${campaignId}:${memberId}`;
}

/**
 * The campaign's message to one member as delivery takes it. `bonus`: the member is a recipient
 * and the campaign gives points, credited when this message goes out. `test`: a staff test.
 */
export function campaignRequest(
  campaign: CampaignRecord,
  member: MemberRecord,
  key: string,
  now: Date,
  options: { bonus: boolean; test: boolean },
): DeliveryRequestInput {
  const usesExpiring = [campaign.text, campaign.genericText ?? ''].some((t) =>
    placeholdersIn(t).includes('expiringPoints'),
  );
  return {
    key,
    memberId: member._id,
    category: 'marketing',
    kind: options.test ? 'campaign_test' : 'campaign',
    text: fillCampaignValues(campaign.text, campaign),
    genericText: campaign.genericText === null ? null : fillCampaignValues(campaign.genericText, campaign),
    values: {
      expiringPoints: usesExpiring ? expiringWithin(member.account, now, 30).points : null,
      date: null,
    },
    test: options.test,
    bonus:
      options.bonus && campaign.bonusPoints > 0
        ? {
            points: campaign.bonusPoints,
            opKey: bonusOpKey(campaign._id, member._id),
            reason: `活动奖励：${campaign.name}`,
            reference: `campaign:${campaign._id}`,
          }
        : null,
  };
}

/** The personal text as one member would read it now (previews). */
export function renderFor(text: string, member: MemberRecord, now: Date, program: Program): string {
  return renderMessage(text, {
    name: member.name,
    tierName: program.tiers.find((t) => t.code === member.tier.tierCode)?.name ?? null,
    points: availableBalance(member.account, now),
    expiringPoints: expiringWithin(member.account, now, 30).points,
    date: null,
  });
}
