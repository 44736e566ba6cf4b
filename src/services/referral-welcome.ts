import type { ReferralWelcome } from '../conversation/referral-welcome';
import type { Services } from './services';

const DAY_MS = 86_400_000;

/**
 * A `ref_<code>` scene of a follow or a scan starts the referral window for this person (the first
 * open counts; a later one keeps it). The welcome facts when an open is on record, else null (no
 * such scene, an unknown code, or someone who is no referral: a member, their own code, a loop).
 */
export async function openReferralFromScene(
  services: Pick<Services, 'referrals' | 'logger' | 'clock' | 'program'>,
  userId: string,
  scene: string | null,
): Promise<ReferralWelcome | null> {
  if (!scene?.startsWith('ref_')) return null;
  const { referrals, logger, clock } = services;
  const outcome = await referrals.recordOpen({ referralCode: scene.slice(4), openid: userId, at: clock() });
  if (!outcome.ok) {
    logger.info({ reason: outcome.reason }, 'referral scene not recorded');
    return null;
  }
  const { referral, welcome } = services.program.current();
  return {
    inviter: await referrals.inviterOf(outcome.referralId),
    newMemberPoints: referral.newMemberPoints,
    welcomeGift: welcome.points > 0 || welcome.voucher !== null,
    deadline: new Date(new Date(outcome.firstOpenedAt).getTime() + referral.windowDays * DAY_MS),
  };
}
