import type { DeliveryStatus } from '../data/models/delivery-model';
import { localDateTimeOf } from '../rules/zoned-time';

/**
 * What a campaign test send did for one recipient, for the staff who sent it: the delivery's real
 * outcome, in Chinese, with what to do next when it did not go out.
 * `sent`: on the member's WeChat now; `not_sent`: skipped (`reason`); `failed`: WeChat refused
 * (`reason` = its error); `deferred`: goes at `deferredUntil`; `held`: goes when the member next
 * writes; `pending`: still being sent (look again shortly).
 */
export type TestSendStatus = 'sent' | 'not_sent' | 'failed' | 'deferred' | 'held' | 'pending';

export interface TestSendResult {
  memberId: string;
  /** The member's name (null after erasure). */
  name: string | null;
  /** The delivery key (`campaign-test:<campaign>:<member>:<n>`). */
  key: string;
  status: TestSendStatus;
  reason: string | null;
  message: string;
  deferredUntil: Date | null;
}

/** The delivery record's fields the outcome is read from (after the attempt). */
export interface TestDeliveryState {
  status: DeliveryStatus;
  reason: string | null;
  deferredUntil: Date | null;
  errcode: number | null;
  errmsg: string | null;
}

const OPEN_WINDOW = '请先用这个微信给公众号发一条消息（如「积分」），再发送测试';

const notSentMessages: Record<string, string> = {
  unfollowed: '未发送：这个微信没有关注公众号',
  opted_out: '未发送：该会员已退订营销消息',
  no_consent: '未发送：该会员没有同意接收营销消息',
  no_service_window: `未发送：这个微信 48 小时内没有给公众号发过消息，公众号不能主动发给它。${OPEN_WINDOW}`,
  window_closed: `未发送：微信提示这个微信的 48 小时互动窗口已关闭。${OPEN_WINDOW}`,
  member_gone: '未发送：该会员已注销',
};

export function describeTestSend(
  recipient: { memberId: string; name: string | null; key: string },
  delivery: TestDeliveryState | null,
  timeZone: string,
): TestSendResult {
  const result = (status: TestSendStatus, message: string, reason: string | null = null) => ({
    ...recipient,
    status,
    reason,
    message,
    deferredUntil: status === 'deferred' ? (delivery?.deferredUntil ?? null) : null,
  });
  switch (delivery?.status) {
    case 'sent':
      return result('sent', '已发到该会员的微信');
    case 'skipped': {
      const reason = delivery.reason ?? 'unknown';
      return result('not_sent', notSentMessages[reason] ?? `未发送（${reason}）`, reason);
    }
    case 'failed': {
      if (delivery.reason === 'interrupted') {
        return result('failed', '发送中断，无法确认是否送达；为免重复，不再自动重发', 'interrupted');
      }
      const code = delivery.errcode === null ? '' : ` ${delivery.errcode}`;
      const detail = delivery.errmsg ? `（${delivery.errmsg}）` : '';
      return result('failed', `发送失败：微信返回错误${code}${detail}，请稍后再试`, `errcode${code}`.trim());
    }
    case 'deferred':
      return result(
        'deferred',
        delivery.deferredUntil
          ? `已顺延至 ${formatMonthDayTime(delivery.deferredUntil, timeZone)} 发送`
          : '已顺延发送',
      );
    case 'held':
      return result(
        'held',
        '暂未发送：这个微信 48 小时内已收到 5 条客服消息，它再给公众号发一条消息后自动发出',
        delivery.reason,
      );
    default:
      return result('pending', '正在发送，请稍后刷新查看结果');
  }
}

/** `12月8日 09:00` in `timeZone`. */
export function formatMonthDayTime(instant: Date, timeZone: string): string {
  const t = localDateTimeOf(instant, timeZone);
  return `${t.month}月${t.day}日 ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}
