import { z } from 'zod';
import type { ChatSlot, EffectResults } from '../src/conversation/effect';
import { effectStep, type FlowData, type Step, type Transition } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { bookingCopy } from './copy/booking';

/** Open days shown at most (the next ones with room). */
export const MAX_DAYS = 7;

export type BookingDays = Extract<EffectResults['load_booking_days'], { ok: true }>['days'];

/** A numbered answer 1…count (full-width digits too), or the reason. */
export function numberAnswer(count: number, message: string) {
  return z.string().transform((answer, ctx) => {
    const number = Number(normalizeText(answer));
    if (Number.isInteger(number) && number >= 1 && number <= count) return number - 1;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

/** What the day and slot steps show about the booking being made or moved. */
export interface BookingSubject {
  serviceName: string;
  plate: string;
  storeName: string;
}

/**
 * The day → slot part shared by 预约 and 我的预约 (改期): load the store's next open days for the
 * service, ask a day (numbered, with the places left), ask a slot (only slots with room). The
 * chosen slot is saved as `slot` and the flow goes on at `after`.
 */
export function dayAndSlotSteps(options: {
  subject: (data: FlowData) => BookingSubject;
  target: (data: FlowData) => { storeId: string; serviceId: string };
  after: string;
}): Step[] {
  return [
    effectStep<'load_booking_days'>({
      id: 'days',
      effect: (data) => ({ type: 'load_booking_days', ...options.target(data) }),
      onResult: (result, data): Transition => {
        if (!result.ok) return { replies: [text(bookingCopy.daysUnavailable(result.message))], next: null };
        const days = result.days.filter((day) => day.free > 0).slice(0, MAX_DAYS);
        if (!days.length)
          return { replies: [text(bookingCopy.noDays(options.subject(data).storeName))], next: null };
        return { data: { days }, next: 'day' };
      },
    }),
    {
      type: 'ask',
      id: 'day',
      prompt: (data) => [text(bookingCopy.askDay(options.subject(data), daysOf(data)))],
      answer: (data) => numberAnswer(daysOf(data).length, bookingCopy.badDay),
      save: 'dayIndex',
      next: 'slot',
    },
    {
      type: 'ask',
      id: 'slot',
      prompt: (data) => {
        const day = chosenDay(data);
        return [text(bookingCopy.askSlot(day.date, day.slots))];
      },
      answer: (data) => {
        const slots = chosenDay(data).slots;
        return z.string().transform((answer, ctx) => {
          const time = /^(\d{1,2})[:：](\d{2})$/.exec(answer.normalize('NFKC').trim());
          const byTime = time
            ? slots.findIndex((slot) => slot.time === `${time[1]!.padStart(2, '0')}:${time[2]}`)
            : -1;
          if (byTime >= 0) return byTime;
          const normal = normalizeText(answer);
          const number = Number(normal);
          if (Number.isInteger(number) && number >= 1 && number <= slots.length) return number - 1;
          ctx.addIssue({ code: 'custom', message: bookingCopy.badSlot });
          return z.NEVER;
        });
      },
      save: 'slotIndex',
      next: (value, data) => {
        const slot = chosenDay(data).slots[value as number]!;
        return { data: { slot }, next: options.after };
      },
    },
  ];
}

/**
 * After the slot was taken meanwhile: the nearest free ones (saved as `alternatives`), numbered;
 * one chosen becomes `slot` and the flow goes to `retry`; 换一天 goes back to the days.
 */
export function alternativeStep(retry: string): Step {
  return {
    type: 'ask',
    id: 'alternative',
    prompt: (data) => [text(bookingCopy.full(alternativesOf(data)))],
    answer: (data) => {
      const count = alternativesOf(data).length;
      return z.string().transform((answer, ctx) => {
        const normal = normalizeText(answer);
        if (['换一天', '换日期', '换个时间'].includes(normal)) return 'other_day' as const;
        const number = Number(normal);
        if (Number.isInteger(number) && number >= 1 && number <= count) return number - 1;
        ctx.addIssue({ code: 'custom', message: bookingCopy.badAlternative });
        return z.NEVER;
      });
    },
    save: 'alternativeIndex',
    next: (value, data) => {
      if (value === 'other_day') return { next: 'days' };
      return { data: { slot: alternativesOf(data)[value as number]! }, next: retry };
    },
  };
}

export function daysOf(data: FlowData): BookingDays {
  return (data.days as BookingDays | undefined) ?? [];
}

function chosenDay(data: FlowData): BookingDays[number] {
  return daysOf(data)[data.dayIndex as number]!;
}

export function alternativesOf(data: FlowData): ChatSlot[] {
  return (data.alternatives as ChatSlot[] | undefined) ?? [];
}
