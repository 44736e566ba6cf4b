import { z } from 'zod';
import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { humanCopy } from './copy/zh-CN';

const WANT = new Set([
  '回电',
  '回电话',
  '打给我',
  '给我打电话',
  '要',
  '需要',
  '好',
  '好的',
  '是',
  '是的',
  '可以',
  '1',
]);
const DECLINE = new Set(['不用', '不需要', '不要', '不了', '算了吧', '否', '2']);
const SKIP = new Set(['跳过', '没有', '无', 'skip']);

const offerAnswer = z.string().transform((answer, ctx) => {
  const normal = normalizeText(answer);
  if (WANT.has(normal)) return true;
  if (DECLINE.has(normal)) return false;
  ctx.addIssue({ code: 'custom', message: humanCopy.badOffer });
  return z.NEVER;
});

/** A short note for whoever calls back; null for 跳过. */
const noteAnswer = z.string().transform((answer, ctx) => {
  const trimmed = answer.trim();
  if (!trimmed || SKIP.has(normalizeText(trimmed))) return null;
  if ([...trimmed].length > 200) {
    ctx.addIssue({ code: 'custom', message: humanCopy.badNote });
    return z.NEVER;
  }
  return trimmed;
});

/**
 * 人工: the store's phone and hours at once, then (members) an offer to be called back with a
 * short note; the request carries the member's last few messages so staff know the context.
 */
export const humanFlow = defineFlow({
  id: 'human',
  version: 1,
  intent: 'human',
  title: '人工服务',
  audience: 'anyone',
  start: 'contact',
  steps: [
    effectStep<'load_store_contact'>({
      id: 'contact',
      effect: () => ({ type: 'load_store_contact' }),
      onResult: (contact, _data, ctx) =>
        ctx.member
          ? { replies: [text(humanCopy.contact(contact))], data: { storeName: contact.name }, next: 'offer' }
          : { replies: [text(humanCopy.contact(contact)), text(humanCopy.guestHint)], next: null },
    }),
    {
      type: 'ask',
      id: 'offer',
      prompt: () => [text(humanCopy.offer)],
      answer: () => offerAnswer,
      save: 'wanted',
      next: (wanted) => (wanted ? { next: 'note' } : { replies: [text(humanCopy.declined)], next: null }),
    },
    {
      type: 'ask',
      id: 'note',
      prompt: () => [text(humanCopy.askNote)],
      answer: () => noteAnswer,
      save: 'note',
      next: 'request',
    },
    effectStep<'request_callback'>({
      id: 'request',
      effect: (data, ctx) => ({
        type: 'request_callback',
        note: typeof data.note === 'string' ? data.note : null,
        requestId: ctx.messageId,
      }),
      onResult: (_result, data) => ({ replies: [text(humanCopy.done(String(data.storeName)))], next: null }),
    }),
  ],
});
