import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { benefitsCopy } from './copy/zh-CN';

/** 权益: the tier's benefits from the program and what is left of them this membership year. */
export const benefitsFlow = defineFlow({
  id: 'benefits',
  version: 1,
  intent: 'benefits',
  title: '会员权益',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_benefits'>({
      id: 'load',
      effect: () => ({ type: 'load_benefits' }),
      onResult: (value) => ({ replies: [text(benefitsCopy.summary(value))], next: null }),
    }),
  ],
});
