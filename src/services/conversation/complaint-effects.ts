import type { EffectOf, EffectResults } from '../../conversation/effect';
import type { MemberRecord } from '../../data/models/member-model';
import type { RecentMessages } from '../recent-messages';
import type { Services } from '../services';
import { storeContact } from './store-contact';

/** When the program says nothing (versions published before complaints existed). */
export const DEFAULT_CALL_BACK_WITHIN_HOURS = 24;

/**
 * 投诉 from the chat: recorded once per message for the member's home store (or the store whose
 * contact the member was given), with their recent messages; the store sees it in the console.
 */
export async function recordComplaint(
  services: Services,
  recent: RecentMessages,
  memberId: string,
  effect: EffectOf<'record_complaint'>,
): Promise<EffectResults['record_complaint']> {
  const member = await services.db.members.findById(memberId, { _id: 1 }).lean<Pick<MemberRecord, '_id'>>();
  if (!member) throw new Error(`member ${memberId} vanished`);
  const { id: storeId, ...store } = await storeContact(services, memberId);
  await services.complaints.open({
    requestKey: `chat:${effect.requestId}`,
    memberId,
    storeId,
    text: effect.text,
    recentMessages: await recent.read(memberId),
  });
  const hours = services.program.current().complaints?.callBackWithinHours;
  return { callBackWithinHours: hours ?? DEFAULT_CALL_BACK_WITHIN_HOURS, store };
}
