import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { myVouchersCopy } from './copy/zh-CN';

/** 我的券: the member's open vouchers with code, name and expiry date (the birthday greeting sends here). */
export const myVouchersFlow = defineFlow({
  id: 'my_vouchers',
  version: 1,
  intent: 'my_vouchers',
  title: '我的券',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_balance'>({
      id: 'load',
      effect: () => ({ type: 'load_balance' }),
      onResult: (value, _data, ctx) => ({
        replies: [text(myVouchersCopy.list(value.vouchers, ctx.timeZone))],
        next: null,
      }),
    }),
  ],
});
