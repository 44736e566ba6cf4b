import type { AskStep, Flow, StepContext } from './flow-schema';
import { extractSlots } from './intents/slots';
import type { FlowState } from './session';

/**
 * The state a flow starts in. When it was started by a member's own words (not a menu click or
 * a number) and the flow declares `prefill`, the slots of those words fill it: `data` at once,
 * `answers` kept on the state until the flow reaches their steps (`takePrefilled`). Pure.
 */
export function startState(flow: Flow, said: string | undefined, ctx: StepContext, now: Date): FlowState {
  const state: FlowState = {
    flowId: flow.id,
    flowVersion: flow.version,
    step: flow.start,
    data: {},
    history: [],
  };
  if (!said || !flow.prefill) return state;
  const slots = extractSlots(said, { now, timeZone: ctx.timeZone, tense: flow.prefill.tense ?? 'past' });
  const { data, answers } = flow.prefill.fill(slots, ctx);
  const given = Object.keys(answers ?? {}).length > 0 ? { prefill: { ...answers } } : {};
  return { ...state, data: { ...data }, ...given };
}

/**
 * At an ask step: the answer the starting message gave for it, if the step's own answer schema
 * accepts it now (the same check a typed answer gets); either way the answer is used up, so 返回
 * to this step asks it.
 */
export function takePrefilled(
  state: FlowState,
  step: AskStep,
  ctx: StepContext,
): { state: FlowState; answer: string | null } {
  const answer = state.prefill?.[step.id];
  if (answer === undefined || !state.prefill) return { state, answer: null };
  const { [step.id]: _used, ...rest } = state.prefill;
  const { prefill: _all, ...plain } = state;
  const left: FlowState = Object.keys(rest).length > 0 ? { ...plain, prefill: rest } : plain;
  const fits = step.answer(left.data, ctx).safeParse(answer).success;
  return { state: left, answer: fits ? answer : null };
}
