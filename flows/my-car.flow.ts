import { z } from 'zod';
import type { CarFacts } from '../src/conversation/effect';
import { defineFlow, effectStep, type FlowData, type Prefilled } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { readMileageAnswer, type Slots } from '../src/conversation/intents/slots';
import { text } from '../src/conversation/reply';
import { formatIsoDate, parseIsoDate } from '../src/rules/local-date';
import { plateAnswer, yesNo } from './answers';
import { answerCopy, myCarCopy } from './copy/zh-CN';

const FIELDS = ['plate', 'model', 'mileageKm', 'insuranceEndsOn', 'inspectionDueOn'] as const;
type Field = (typeof FIELDS)[number];

/**
 * 我的车: shows the car's details and updates one at a time (plate, model, mileage, dates). Asked
 * with the new value in the same words (「里程更新一下 3万2公里」「车牌换成沪A12345」), it goes
 * straight to confirming that change.
 */
export const myCarFlow = defineFlow({
  id: 'my_car',
  version: 2,
  intent: 'my_car',
  title: '我的车',
  audience: 'member',
  start: 'load',
  prefill: { fill: prefillFromSlots },
  steps: [
    effectStep<'load_car'>({
      id: 'load',
      effect: () => ({ type: 'load_car' }),
      onResult: ({ car }) => ({ replies: [text(myCarCopy.summary(car))], next: 'field' }),
    }),
    {
      type: 'ask',
      id: 'field',
      prompt: () => [text(myCarCopy.askField)],
      answer: () =>
        z.string().transform((answer, issue) => {
          const field = FIELDS[Number(normalizeText(answer)) - 1];
          if (field) return field;
          issue.addIssue({ code: 'custom', message: myCarCopy.badField });
          return z.NEVER;
        }),
      save: 'field',
      next: 'value',
    },
    {
      type: 'ask',
      id: 'value',
      prompt: (data) => [text(myCarCopy.askValue[fieldOf(data)])],
      answer: (data) => valueAnswer(fieldOf(data)),
      save: 'value',
      // A value taken from the starting message is confirmed first; a typed one is saved at once.
      next: (value, data) => ({ data: { value }, next: data.confirm === true ? 'confirm' : 'save' }),
    },
    {
      type: 'ask',
      id: 'confirm',
      prompt: (data) => [text(myCarCopy.confirmChange(fieldOf(data), data.value as string | number))],
      answer: () => yesNo(answerCopy.confirmOrNot),
      save: 'confirmed',
      next: (confirmed) =>
        confirmed ? { next: 'save' } : { replies: [text(myCarCopy.notChanged)], next: null },
    },
    effectStep<'update_car'>({
      id: 'save',
      effect: (data) => ({ type: 'update_car', field: fieldOf(data), value: data.value as string | number }),
      onResult: ({ car }) => ({ replies: [text(myCarCopy.updated(car))], next: null }),
    }),
  ],
});

/** A new plate or mileage in the starting message answers 要更新哪一项 and the value question. */
function prefillFromSlots(slots: Slots): Prefilled {
  const field: Field | null = slots.plate ? 'plate' : slots.mileageKm !== undefined ? 'mileageKm' : null;
  if (!field) return {};
  const value = field === 'plate' ? slots.plate! : String(slots.mileageKm);
  return { data: { confirm: true }, answers: { field: String(FIELDS.indexOf(field) + 1), value } };
}

function fieldOf(data: FlowData): Field {
  return FIELDS.includes(data.field as Field) ? (data.field as Field) : 'plate';
}

function valueAnswer(field: keyof CarFacts): z.ZodType {
  switch (field) {
    case 'plate':
      return plateAnswer.refine((plate) => plate !== null, myCarCopy.plateNeeded);
    case 'model':
      return z.string().trim().min(1, myCarCopy.badModel).max(40, myCarCopy.badModel);
    case 'mileageKm':
      // 35000, 35,000 公里, 3万2, 三万二公里 (slots' reading of a mileage).
      return z.string().transform((answer, issue) => {
        const km = readMileageAnswer(answer);
        if (km !== null) return km;
        issue.addIssue({ code: 'custom', message: myCarCopy.badMileage });
        return z.NEVER;
      });
    case 'insuranceEndsOn':
    case 'inspectionDueOn':
      return z.string().transform((answer, issue) => {
        const [year, month, day] = answer
          .trim()
          .replace(/[./年月]/g, '-')
          .replace(/日$/, '')
          .split('-');
        const date = parseIsoDate(`${year}-${month?.padStart(2, '0')}-${day?.padStart(2, '0')}`);
        if (date) return formatIsoDate(date);
        issue.addIssue({ code: 'custom', message: myCarCopy.badDate });
        return z.NEVER;
      });
  }
}
