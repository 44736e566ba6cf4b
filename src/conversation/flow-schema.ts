import { z } from 'zod';
import type { LocalDate } from '../rules/local-date';
import type { Effect, EffectOf, EffectResult, EffectResults, EffectType } from './effect';
import { intentIds } from './intents/intent-id';
import type { Slots } from './intents/slots';
import type { Reply } from './reply';

/** Answers collected so far in a flow (plain JSON: it is stored in the session). */
export type FlowData = Record<string, unknown>;

/** What a step may know besides the flow's data; time comes separately, as `now`. */
export interface StepContext {
  member: { id: string; name: string | null } | null;
  timeZone: string;
  today: LocalDate;
  /** The program's stores, for questions like "which store?" and for 门店 (phone, hours, address). */
  stores: readonly {
    id: string;
    name: string;
    phone?: string | undefined;
    hours?: string | undefined;
    address?: string | undefined;
  }[];
  /** The inbound message being handled: stable across re-deliveries, so a good idempotency key. */
  messageId: string;
  /**
   * What the member wrote in that message (absent for clicks and photos): a flow it opens can take
   * what it already says (a complaint, a question about the program) instead of asking again.
   */
  text?: string | undefined;
}

/** Where a step leads: replies to send, data to merge, and the next step (null ends the flow). */
export interface Transition {
  replies?: Reply[];
  data?: FlowData;
  next: string | null;
}

type Render = (data: FlowData, ctx: StepContext) => Reply[];
type AnswerSchema = (data: FlowData, ctx: StepContext) => z.ZodType;
type OnAnswer = (value: unknown, data: FlowData, ctx: StepContext) => Transition;

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'must be a function');
const stepId = z.string().regex(/^[a-z][a-z0-9_]*$/);

/** Asks, validates the answer with zod (the first issue's message is the reason given back). */
const askStepSchema = z.strictObject({
  type: z.literal('ask'),
  id: stepId,
  prompt: fn<Render>(),
  answer: fn<AnswerSchema>(),
  /** Where the parsed answer is kept in the flow data. */
  save: z.string(),
  /** A step id (or null to end) after saving, or a function deciding from the answer. */
  next: z.union([stepId, z.null(), fn<OnAnswer>()]),
});

/** Declares one effect; the service carries it out and `onResult` reads the result. */
const effectStepSchema = z.strictObject({
  type: z.literal('effect'),
  id: stepId,
  effect: fn<(data: FlowData, ctx: StepContext) => Effect>(),
  onResult: fn<(result: EffectResult, data: FlowData, ctx: StepContext) => Transition>(),
});

/** Says something and moves on (or ends). */
const sayStepSchema = z.strictObject({
  type: z.literal('say'),
  id: stepId,
  say: fn<Render>(),
  next: z.union([stepId, z.null()]),
});

export const stepSchema = z.discriminatedUnion('type', [askStepSchema, effectStepSchema, sayStepSchema]);
export type Step = z.infer<typeof stepSchema>;
export type AskStep = z.infer<typeof askStepSchema>;

/**
 * What the message that started the flow already says, as the flow takes it: `data` merged into
 * the flow's data (context such as "上周"), and `answers`: per ask step id, the text taken as the
 * member's answer when the flow reaches that step. An answer passes the step's own answer schema
 * or is dropped and the question asked as usual (see `src/conversation/prefill.ts`).
 */
export interface Prefilled {
  data?: FlowData;
  answers?: Record<string, string>;
}
type Fill = (slots: Slots, ctx: StepContext) => Prefilled;

const prefillSchema = z.strictObject({
  /** `past` (default): dates are "when did it happen"; `any` lets them lie ahead (a booking). */
  tense: z.enum(['past', 'any']).optional(),
  fill: fn<Fill>(),
});

export const flowSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** Bumped when steps change shape; a session on an older version is restarted, not resumed. */
  version: z.number().int().min(1),
  intent: z.enum(intentIds),
  /** Shown in "回复「继续」回到<title>". */
  title: z.string().min(1),
  /** `member`: members only; `guest`: people not yet members (sign-up); `anyone`. */
  audience: z.enum(['member', 'guest', 'anyone']),
  start: stepId,
  steps: z.array(stepSchema).min(1),
  /** Optional: the flow takes values (slots) from the message that started it. */
  prefill: prefillSchema.optional(),
});
export type Flow = z.infer<typeof flowSchema>;

/** Validates a flow and that every step it names exists; throws at start-up on a broken flow. */
export function defineFlow(input: Flow): Flow {
  const flow = flowSchema.parse(input);
  const ids = new Set(flow.steps.map((step) => step.id));
  if (ids.size !== flow.steps.length) throw new Error(`flow ${flow.id}: duplicate step ids`);
  const named = [
    flow.start,
    ...flow.steps.map((step) => ('next' in step && typeof step.next === 'string' ? step.next : null)),
  ];
  for (const id of named) {
    if (id !== null && !ids.has(id)) throw new Error(`flow ${flow.id}: unknown step ${id}`);
  }
  return flow;
}

/** An effect step whose `onResult` receives exactly its own effect's result type. */
export function effectStep<T extends EffectType>(step: {
  id: string;
  effect: (data: FlowData, ctx: StepContext) => EffectOf<T>;
  onResult: (value: EffectResults[T], data: FlowData, ctx: StepContext) => Transition;
}): Step {
  return {
    type: 'effect',
    id: step.id,
    effect: step.effect,
    onResult: (result, data, ctx) => step.onResult(result.value as EffectResults[T], data, ctx),
  };
}
