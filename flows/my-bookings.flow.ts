import { z } from 'zod';
import type { ChatSlot, EffectResults } from '../src/conversation/effect';
import { defineFlow, effectStep, type FlowData, type Transition } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { yesNo } from './answers';
import { alternativeStep, dayAndSlotSteps, numberAnswer } from './booking-steps';
import { myBookingsCopy } from './copy/booking';
import { answerCopy } from './copy/zh-CN';

type Listed = EffectResults['load_my_bookings'];
type OpenBooking = Listed['bookings'][number];

/**
 * 我的预约: the member's open bookings → choose one (asked only when there are several) → 改期
 * (a day and a slot with room, then an atomic move) or 取消预约 (confirm). Both are refused after
 * the change cut-off, with the store's phone.
 */
export const myBookingsFlow = defineFlow({
  id: 'my_bookings',
  version: 1,
  intent: 'my_bookings',
  title: '我的预约',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_my_bookings'>({
      id: 'load',
      effect: () => ({ type: 'load_my_bookings' }),
      onResult: (listed, _data, ctx) => {
        if (!listed.bookings.length) return { replies: [text(myBookingsCopy.none)], next: null };
        const data = { listed, requestId: ctx.messageId };
        if (listed.bookings.length === 1)
          return { data: { ...data, booking: listed.bookings[0] }, next: 'action' };
        return { data, next: 'choose' };
      },
    }),
    {
      type: 'ask',
      id: 'choose',
      prompt: (data) => [text(myBookingsCopy.choose(listedOf(data).bookings))],
      answer: (data) => numberAnswer(listedOf(data).bookings.length, myBookingsCopy.badChoice),
      save: 'bookingIndex',
      next: (value, data) => ({
        data: { booking: listedOf(data).bookings[value as number] },
        next: 'action',
      }),
    },
    {
      type: 'ask',
      id: 'action',
      prompt: (data) => [text(myBookingsCopy.askAction(bookingOf(data)))],
      answer: () =>
        z.string().transform((answer, ctx) => {
          const normal = normalizeText(answer);
          if (['1', '改期', '改预约', '改时间', '换时间', '改约'].includes(normal)) return 'move' as const;
          if (['2', '取消预约', '取消这个预约', '不去了', '退约'].includes(normal)) return 'cancel' as const;
          ctx.addIssue({ code: 'custom', message: myBookingsCopy.badAction });
          return z.NEVER;
        }),
      save: 'action',
      next: (value, data): Transition => {
        const booking = bookingOf(data);
        if (!booking.changeable) {
          return {
            replies: [text(myBookingsCopy.tooLate(listedOf(data).cutoffMinutes, booking.phone))],
            next: null,
          };
        }
        return { next: value === 'move' ? 'days' : 'confirm_cancel' };
      },
    },
    ...dayAndSlotSteps({
      subject: (data) => bookingOf(data),
      target: (data) => ({ storeId: bookingOf(data).storeId, serviceId: bookingOf(data).serviceId }),
      after: 'move',
    }),
    effectStep<'move_booking'>({
      id: 'move',
      effect: (data) => ({
        type: 'move_booking',
        bookingId: bookingOf(data).id,
        // One move per chosen slot: a retried message moves once.
        requestId: `chat:${data.requestId as string}:${(data.slot as ChatSlot).start}`,
        slotStart: (data.slot as ChatSlot).start,
      }),
      onResult: (result) => {
        if (result.ok) return { replies: [text(myBookingsCopy.moved(result.booking))], next: null };
        if (result.reason === 'slot_full' && 'alternatives' in result && result.alternatives.length)
          return { data: { alternatives: result.alternatives }, next: 'alternative' };
        const phone = 'phone' in result ? result.phone : null;
        return { replies: [text(myBookingsCopy.refused(result.message, phone))], next: null };
      },
    }),
    alternativeStep('move'),
    {
      type: 'ask',
      id: 'confirm_cancel',
      prompt: (data) => [text(myBookingsCopy.confirmCancel(bookingOf(data)))],
      answer: () => yesNo(answerCopy.confirmOrNot),
      save: 'confirmed',
      next: (value) => (value ? { next: 'cancel' } : { replies: [text(myBookingsCopy.keep)], next: null }),
    },
    effectStep<'cancel_booking'>({
      id: 'cancel',
      effect: (data) => ({
        type: 'cancel_booking',
        bookingId: bookingOf(data).id,
        requestId: `chat:${data.requestId as string}`,
      }),
      onResult: (result) => {
        if (result.ok) return { replies: [text(myBookingsCopy.cancelled(result.booking))], next: null };
        const phone = 'phone' in result ? result.phone : null;
        return { replies: [text(myBookingsCopy.refused(result.message, phone))], next: null };
      },
    }),
  ],
});

function listedOf(data: FlowData): Listed {
  return data.listed as Listed;
}

function bookingOf(data: FlowData): OpenBooking {
  return data.booking as OpenBooking;
}
