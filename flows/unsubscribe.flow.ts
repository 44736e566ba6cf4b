import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { marketingCopy } from './copy/zh-CN';

/** 退订 / TD: marketing stops at once (recorded as a consent withdrawal); service messages go on. */
export const unsubscribeFlow = defineFlow({
  id: 'unsubscribe',
  version: 1,
  intent: 'unsubscribe',
  title: '退订',
  audience: 'member',
  start: 'apply',
  steps: [
    effectStep<'set_marketing'>({
      id: 'apply',
      effect: () => ({ type: 'set_marketing', optIn: false }),
      onResult: ({ changed }) => ({
        replies: [text(changed ? marketingCopy.unsubscribed : marketingCopy.alreadyUnsubscribed)],
        next: null,
      }),
    }),
  ],
});
