import { z } from 'zod';
import type { ChatSlot, EffectResults } from '../src/conversation/effect';
import { defineFlow, effectStep, type FlowData, type Transition } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { yesNo } from './answers';
import { alternativeStep, type BookingSubject, dayAndSlotSteps, numberAnswer } from './booking-steps';
import { bookingCopy } from './copy/booking';
import { answerCopy } from './copy/zh-CN';

type Options = Extract<EffectResults['load_booking_options'], { ok: true }>;
type StoreOption = Options['stores'][number];
type ServiceOption = StoreOption['services'][number];

/**
 * 预约: the car (only when the member has more than one), the store (only when more than one takes
 * bookings; the home store first), the service (skipped when a care reminder suggested one the
 * store offers), a day with room, a slot with room, the mileage (optional), a free maintenance
 * when one is left and the service allows it, confirm → the booking. A slot taken meanwhile is
 * answered with the nearest free ones. The booking is keyed by the message that started the flow,
 * so a retried confirmation books once.
 */
export const bookingFlow = defineFlow({
  id: 'booking',
  version: 1,
  intent: 'booking',
  title: '预约',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_booking_options'>({
      id: 'load',
      effect: () => ({ type: 'load_booking_options' }),
      onResult: (options, _data, ctx) => {
        if (!options.ok) {
          const copy = {
            bookings_off: bookingCopy.off,
            no_store: bookingCopy.noStore,
            no_car: bookingCopy.noCar,
          };
          return { replies: [text(copy[options.reason])], next: null };
        }
        const suggested = options.suggested;
        const plate =
          options.cars.length === 1
            ? options.cars[0]!.plate
            : (options.cars.find((car) => car.plate === suggested?.plate)?.plate ?? null);
        const storeId = options.stores.length === 1 ? options.stores[0]!.id : null;
        return advance({ options, requestId: ctx.messageId, plate, storeId, serviceId: null });
      },
    }),
    {
      type: 'ask',
      id: 'car',
      prompt: (data) => [text(bookingCopy.askCar(optionsOf(data).cars))],
      answer: (data) => {
        const cars = optionsOf(data).cars;
        return z.string().transform((answer, ctx) => {
          const normal = normalizeText(answer).toUpperCase();
          const byPlate = cars.findIndex((car) => normalizeText(car.plate).toUpperCase() === normal);
          if (byPlate >= 0) return byPlate;
          const number = Number(normal);
          if (Number.isInteger(number) && number >= 1 && number <= cars.length) return number - 1;
          ctx.addIssue({ code: 'custom', message: bookingCopy.badCar });
          return z.NEVER;
        });
      },
      save: 'carIndex',
      next: (value, data) => advance({ ...data, plate: optionsOf(data).cars[value as number]!.plate }),
    },
    {
      type: 'ask',
      id: 'store',
      prompt: (data) => [text(bookingCopy.askStore(optionsOf(data).stores))],
      answer: (data) => numberAnswer(optionsOf(data).stores.length, bookingCopy.badStore),
      save: 'storeIndex',
      next: (value, data) => advance({ ...data, storeId: optionsOf(data).stores[value as number]!.id }),
    },
    {
      type: 'ask',
      id: 'service',
      prompt: (data) => {
        const store = storeOf(data);
        return [text(bookingCopy.askService(store.name, store.services))];
      },
      answer: (data) => numberAnswer(storeOf(data).services.length, bookingCopy.badService),
      save: 'serviceIndex',
      next: (value, data) => advance({ ...data, serviceId: storeOf(data).services[value as number]!.id }),
    },
    ...dayAndSlotSteps({
      subject,
      target: (data) => ({ storeId: data.storeId as string, serviceId: data.serviceId as string }),
      after: 'mileage',
    }),
    {
      type: 'ask',
      id: 'mileage',
      prompt: () => [text(bookingCopy.askMileage)],
      answer: () =>
        z.string().transform((answer, ctx) => {
          const normal = normalizeText(answer)
            .replace(/[,，]/g, '')
            .replace(/(公里|km)$/, '');
          if (['跳过', '不清楚', '不知道', 'skip'].includes(normal)) return null;
          const km = Number(normal);
          if (/^\d+$/.test(normal) && km <= 2_000_000) return km;
          ctx.addIssue({ code: 'custom', message: bookingCopy.badMileage });
          return z.NEVER;
        }),
      save: 'mileageKm',
      next: (value, data) => {
        const offerFree = serviceOf(data).freeMaintenance && optionsOf(data).freeMaintenanceLeft > 0;
        return offerFree
          ? { data: { mileageKm: value }, next: 'free' }
          : { data: { mileageKm: value, useFreeMaintenance: false }, next: 'confirm' };
      },
    },
    {
      type: 'ask',
      id: 'free',
      prompt: (data) => [text(bookingCopy.askFree(optionsOf(data).freeMaintenanceLeft))],
      answer: () => yesNo(),
      save: 'useFreeMaintenance',
      next: 'confirm',
    },
    {
      type: 'ask',
      id: 'confirm',
      prompt: (data) => [
        text(
          bookingCopy.confirm({
            ...subject(data),
            slot: data.slot as ChatSlot,
            mileageKm: (data.mileageKm as number | null) ?? null,
            useFreeMaintenance: data.useFreeMaintenance === true,
          }),
        ),
      ],
      answer: () => yesNo(answerCopy.confirmOrNot),
      save: 'confirmed',
      next: (value) => (value ? { next: 'book' } : { replies: [text(bookingCopy.declined)], next: null }),
    },
    effectStep<'book'>({
      id: 'book',
      effect: (data) => ({
        type: 'book',
        // The message that started this 预约: a retried confirmation (or a re-delivery) books once.
        requestId: `chat:${data.requestId as string}`,
        plate: data.plate as string,
        storeId: data.storeId as string,
        serviceId: data.serviceId as string,
        slotStart: (data.slot as ChatSlot).start,
        mileageKm: (data.mileageKm as number | null) ?? null,
        useFreeMaintenance: data.useFreeMaintenance === true,
      }),
      onResult: (result) => {
        if (result.ok) return { replies: [text(bookingCopy.done(result.booking))], next: null };
        if (result.reason === 'slot_full' && 'alternatives' in result) {
          if (!result.alternatives.length)
            return { replies: [text(bookingCopy.fullNoAlternative)], next: null };
          return { data: { alternatives: result.alternatives }, next: 'alternative' };
        }
        const phone = 'phone' in result ? result.phone : null;
        return { replies: [text(bookingCopy.refused(result.message, phone))], next: null };
      },
    }),
    alternativeStep('book'),
  ],
});

/** Fills what needs no question, then asks the first thing still missing (or loads the days). */
function advance(data: FlowData): Transition {
  const options = optionsOf(data);
  let serviceId = data.serviceId as string | null;
  const store = options.stores.find((candidate) => candidate.id === data.storeId);
  const suggested = options.suggested?.serviceId;
  if (store && !serviceId && suggested && store.services.some((service) => service.id === suggested))
    serviceId = suggested;
  const next = !data.plate ? 'car' : !store ? 'store' : !serviceId ? 'service' : 'days';
  return { data: { ...data, serviceId }, next };
}

function optionsOf(data: FlowData): Options {
  return data.options as Options;
}

function storeOf(data: FlowData): StoreOption {
  return optionsOf(data).stores.find((store) => store.id === data.storeId)!;
}

function serviceOf(data: FlowData): ServiceOption {
  return storeOf(data).services.find((service) => service.id === data.serviceId)!;
}

function subject(data: FlowData): BookingSubject {
  return { serviceName: serviceOf(data).name, plate: data.plate as string, storeName: storeOf(data).name };
}
