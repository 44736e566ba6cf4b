import type { CampaignRecord } from '../../data/models/campaign-model';
import type { MemberRecord } from '../../data/models/member-model';
import { audienceProjection } from '../../delivery/campaign-audience';
import { describeTestSend } from '../../delivery/test-send-outcome';
import type { DeliveryService } from '../delivery-service';
import type { ServiceContext } from '../service-context';
import { campaignRequest } from './campaign-message';
import type { CampaignFailure, TestSendReport } from './campaign-types';

/**
 * Sends the campaign's message now to the given members (staff who are members), each under a new
 * key `campaign-test:<id>:<member>:<n>`, and answers what really happened to each. A test is staff
 * checking the message, not marketing: it goes at once, whatever the hour, counts against no cap
 * or marketing counter, brings no bonus points, and is not one of the campaign's deliveries. It
 * still needs the member's consent and a way to reach them: WeChat lets an account write to one
 * person only within 48 hours of their last message (customer service); otherwise the result says
 * so and what to do.
 */
export async function sendCampaignTest(
  ctx: ServiceContext,
  delivery: DeliveryService,
  id: string,
  targets: { memberIds: string[]; openids: string[] },
): Promise<({ ok: true } & TestSendReport) | CampaignFailure> {
  const found = await ctx.db.members
    .find(
      {
        status: 'active',
        $or: [{ _id: { $in: targets.memberIds } }, { openid: { $in: targets.openids } }],
      },
      { ...audienceProjection, openid: 1 },
    )
    .lean<MemberRecord[]>();
  const campaign = await ctx.db.campaigns
    .findOneAndUpdate(
      { _id: id, status: { $ne: 'cancelled' } },
      { $inc: { testSends: 1 }, $set: { updatedAt: ctx.clock() } },
      { returnDocument: 'after' },
    )
    .lean<CampaignRecord>();
  if (!campaign) {
    const current = await ctx.db.campaigns.findById(id, { status: 1 }).lean<CampaignRecord>();
    return current
      ? { ok: false, reason: 'invalid_state', status: current.status }
      : { ok: false, reason: 'not_found' };
  }
  const known = new Set(found.flatMap((m) => [m._id, m.openid ?? '']));
  const notFound = [...targets.memberIds, ...targets.openids].filter((t) => !known.has(t));
  const timeZone = ctx.program.current().timezone;
  const results = [];
  for (const member of found) {
    const key = `campaign-test:${id}:${member._id}:${campaign.testSends}`;
    const request = campaignRequest(campaign, member, key, ctx.clock(), { bonus: false, test: true });
    const sent = await delivery.sendNow(request);
    const recipient = { memberId: member._id, name: member.name, key };
    if (!sent.ok) {
      ctx.logger.error({ key, issues: sent.issues }, 'campaign test rejected by delivery');
      results.push({
        ...recipient,
        status: 'failed' as const,
        reason: 'invalid_request',
        message: `未发送：消息内容无法发送（${sent.issues.join('；')}）`,
        deferredUntil: null,
      });
      continue;
    }
    results.push(describeTestSend(recipient, sent.record, timeZone));
  }
  return { ok: true, results, notFound };
}
