import { z } from 'zod';
import type { CarFacts } from '../src/conversation/effect';
import { defineFlow, effectStep, type FlowData } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { formatIsoDate, parseIsoDate } from '../src/rules/local-date';
import { plateAnswer } from './answers';
import { myCarCopy } from './copy/zh-CN';

const FIELDS = ['plate', 'model', 'mileageKm', 'insuranceEndsOn', 'inspectionDueOn'] as const;
type Field = (typeof FIELDS)[number];

/** 我的车: shows the car's details and updates one at a time (plate, model, mileage, dates). */
export const myCarFlow = defineFlow({
  id: 'my_car',
  version: 1,
  intent: 'my_car',
  title: '我的车',
  audience: 'member',
  start: 'load',
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
      next: 'save',
    },
    effectStep<'update_car'>({
      id: 'save',
      effect: (data) => ({ type: 'update_car', field: fieldOf(data), value: data.value as string | number }),
      onResult: ({ car }) => ({ replies: [text(myCarCopy.updated(car))], next: null }),
    }),
  ],
});

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
      return z
        .string()
        .transform((answer) => answer.replace(/[,，\s]|公里$|km$/gi, ''))
        .pipe(z.string().regex(/^\d{1,7}$/, myCarCopy.badMileage))
        .transform(Number)
        .refine((km) => km <= 2_000_000, myCarCopy.badMileage);
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
