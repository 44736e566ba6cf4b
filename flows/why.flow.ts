import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { historyCopy } from './copy/zh-CN';

/** 为什么: the latest entry and how it was computed (base, multipliers, promotion, bonus, expiry). */
export const whyFlow = defineFlow({
  id: 'why',
  version: 1,
  intent: 'why',
  title: '为什么',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_history'>({
      id: 'load',
      effect: () => ({ type: 'load_history', limit: 1 }),
      onResult: ({ entries }, _data, ctx) => {
        const latest = entries[0];
        return {
          replies: [text(latest ? historyCopy.why(latest, ctx.timeZone) : historyCopy.empty)],
          next: null,
        };
      },
    }),
  ],
});
