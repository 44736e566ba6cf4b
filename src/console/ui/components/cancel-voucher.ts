import { useCallback } from 'preact/hooks';
import { formatPoints } from '../format';
import { useSession } from '../session';
import type { CancellationResult } from '../types';
import { useConfirm } from './confirm';
import { useToast } from './toasts';

/**
 * 作废 an unused voucher (`POST /vouchers/{code}/cancel`) after a confirmation: resolves with the
 * result (points returned), null when the cashier backs out, and rejects with the API's refusal
 * (already used, expired) for the page to show. A repeat is harmless: the server answers the same.
 */
export function useCancelVoucher(): (voucher: {
  code: string;
  name: string;
}) => Promise<CancellationResult | null> {
  const { api } = useSession();
  const confirm = useConfirm();
  const notify = useToast();
  return useCallback(
    async (voucher) => {
      const yes = await confirm({
        title: `作废券：${voucher.name}`,
        message: `券码 ${voucher.code} 作废后不能再使用。兑换来的礼品券会把积分退回会员账户、礼品放回库存。`,
        confirmLabel: '确认作废',
        danger: true,
      });
      if (!yes) return null;
      const result = await api.post<CancellationResult>(
        `/vouchers/${encodeURIComponent(voucher.code)}/cancel`,
        {},
      );
      notify(cancellationText(result));
      return result;
    },
    [api, confirm, notify],
  );
}

/** What a cancellation gave back, in one sentence for the cashier. */
export function cancellationText(result: CancellationResult): string {
  if (result.duplicate) return `券码 ${result.code} 之前已作废，没有重复退回积分。`;
  const parts = [`券码 ${result.code} 已作废`];
  if (result.pointsReturned > 0) {
    parts.push(`${formatPoints(result.pointsReturned)}已退回会员账户`);
    if (result.pointsReExpired > 0)
      parts.push(`其中 ${formatPoints(result.pointsReExpired)}原本已过期，退回后随即过期`);
  }
  if (result.stockReturned) parts.push('礼品已放回库存');
  const balance = result.balance ? `。当前可用 ${formatPoints(result.balance.available)}` : '';
  return `${parts.join('，')}${balance}。`;
}
