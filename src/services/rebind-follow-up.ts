import type { BindingRecord, MemberRecord } from '../data/models/member-model';
import type { DeliveryRequestInput } from '../delivery/delivery-request';
import { rebindNoticeText } from '../delivery/rebind-notice-copy';
import { formatDateZh } from '../rules/format-zh';
import { needsRebindAlert, recentRebinds } from '../rules/member-binding';
import type { OpenCallbackInput } from './callback-service';
import type { EnqueueOutcome } from './enqueue-deliveries';
import type { ServiceContext } from './service-context';

/** The delivery key of the notice to the old account of one re-bind. */
export const rebindNoticeKey = (memberId: string, bindingId: string) => `rebind:${memberId}:${bindingId}`;

/**
 * What follows a membership moving to another WeChat account: a service notice to the old account
 * through delivery (keyed by the re-bind, so once), and — when the membership moved more than once
 * in 30 days — an alert in the staff's callback queue (keyed too).
 */
export class RebindFollowUp {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: {
      enqueue: (request: DeliveryRequestInput) => Promise<EnqueueOutcome>;
      openCallback: (input: OpenCallbackInput) => Promise<unknown>;
    },
  ) {}

  async afterRebind(member: MemberRecord, oldOpenid: string, change: BindingRecord): Promise<void> {
    const timeZone = this.ctx.program.current().timezone;
    const outcome = await this.deps.enqueue({
      key: rebindNoticeKey(member._id, change.id),
      memberId: member._id,
      category: 'service',
      kind: 'rebind_notice',
      text: rebindNoticeText({ mobile: member.mobile, at: change.at, timeZone }),
      recipientOpenid: oldOpenid,
    });
    if (!outcome.ok) this.ctx.logger.error({ memberId: member._id, outcome }, 'rebind notice not enqueued');
    const bindings = member.bindings ?? [];
    if (!needsRebindAlert(bindings, change.at)) return;
    const moves = recentRebinds(bindings, change.at);
    await this.deps.openCallback({
      requestKey: `rebind-alert:${member._id}:${change.id}`,
      kind: 'rebind_alert',
      memberId: member._id,
      storeId: member.homeStoreId,
      note: `30 天内第 ${moves.length} 次换绑微信（${moves.map((move) => formatDateZh(move.at, timeZone)).join('、')}），请联系会员核实是否本人操作。`,
      recentMessages: [],
    });
    this.ctx.logger.warn({ memberId: member._id, moves: moves.length }, 'repeated re-binds: staff alerted');
  }
}
