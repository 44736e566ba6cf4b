import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { marketingCopy } from './copy/zh-CN';

/** 订阅: marketing resumes (recorded as a consent). */
export const subscribeFlow = defineFlow({
  id: 'subscribe',
  version: 1,
  intent: 'subscribe',
  title: '订阅',
  audience: 'member',
  start: 'apply',
  steps: [
    effectStep<'set_marketing'>({
      id: 'apply',
      effect: () => ({ type: 'set_marketing', optIn: true }),
      onResult: ({ changed }) => ({
        replies: [text(changed ? marketingCopy.subscribed : marketingCopy.alreadySubscribed)],
        next: null,
      }),
    }),
  ],
});
