import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { historyCopy } from './copy/zh-CN';

/** 明细: the latest entries, each explained in plain words (`explainEntry`). */
export const historyFlow = defineFlow({
  id: 'history',
  version: 1,
  intent: 'history',
  title: '积分明细',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_history'>({
      id: 'load',
      effect: () => ({ type: 'load_history', limit: 5 }),
      onResult: ({ entries }, _data, ctx) => ({
        replies: [text(entries.length ? historyCopy.list(entries, ctx.timeZone) : historyCopy.empty)],
        next: null,
      }),
    }),
  ],
});
