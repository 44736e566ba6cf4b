import { z } from 'zod';
import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { eraseCopy } from './copy/zh-CN';

/** 注销: irreversible, so it takes an explicit 「确认注销」 (a plain 是 is not enough). */
export const eraseFlow = defineFlow({
  id: 'erase',
  version: 1,
  intent: 'erase',
  title: '注销',
  audience: 'member',
  start: 'confirm',
  steps: [
    {
      type: 'ask',
      id: 'confirm',
      prompt: () => [text(eraseCopy.confirm)],
      answer: () =>
        z.string().refine((answer) => normalizeText(answer) === '确认注销', eraseCopy.notConfirmed),
      save: 'confirmed',
      next: 'erase',
    },
    effectStep<'erase'>({
      id: 'erase',
      effect: () => ({ type: 'erase' }),
      onResult: () => ({ replies: [text(eraseCopy.done)], next: null }),
    }),
  ],
});
