import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { balanceCopy } from './copy/zh-CN';

/** 查积分: available, expiring in 30 days, pending, tier and progress, free maintenance, vouchers. */
export const balanceFlow = defineFlow({
  id: 'balance',
  version: 1,
  intent: 'balance',
  title: '查积分',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_balance'>({
      id: 'load',
      effect: () => ({ type: 'load_balance' }),
      onResult: (value, _data, ctx) => ({
        replies: [text(balanceCopy.summary(value, ctx.timeZone))],
        next: null,
      }),
    }),
  ],
});
