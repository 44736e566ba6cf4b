import { z } from 'zod';
import { complaintDetail } from '../src/conversation/complaint-detail';
import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { complaintCopy } from './copy/complaint';

const MAX_COMPLAINT = 500;

const complaintAnswer = z
  .string()
  .trim()
  .refine((answer) => [...answer].length >= 2, complaintCopy.tooShort)
  .refine((answer) => [...answer].length <= MAX_COMPLAINT, complaintCopy.tooLong);

/**
 * 投诉: a member's complaint is recorded with their recent messages and the store is alerted (in
 * the console, like a low rating); the member is told who calls back and by when. When the
 * message that opened it already says what happened, nothing is asked. People not yet members
 * get the store's phone.
 */
export const complaintFlow = defineFlow({
  id: 'complaint',
  version: 1,
  intent: 'complaint',
  title: '投诉',
  audience: 'anyone',
  start: 'contact',
  steps: [
    effectStep<'load_store_contact'>({
      id: 'contact',
      effect: () => ({ type: 'load_store_contact' }),
      onResult: (contact, _data, ctx) => {
        if (!ctx.member) return { replies: [text(complaintCopy.guest(contact))], next: null };
        const detail = complaintDetail(ctx.text ?? '');
        return detail
          ? { data: { complaint: detail.slice(0, MAX_COMPLAINT) }, next: 'record' }
          : { next: 'what' };
      },
    }),
    {
      type: 'ask',
      id: 'what',
      prompt: () => [text(complaintCopy.askWhat)],
      answer: () => complaintAnswer,
      save: 'complaint',
      next: 'record',
    },
    effectStep<'record_complaint'>({
      id: 'record',
      effect: (data, ctx) => ({
        type: 'record_complaint',
        text: String(data.complaint),
        requestId: ctx.messageId,
      }),
      onResult: (recorded) => ({ replies: [text(complaintCopy.recorded(recorded))], next: null }),
    }),
  ],
});
