import type { Effect, EffectResult } from './effect';
import type { Flow, FlowData, Step, StepContext, Transition } from './flow-schema';
import type { IntentId } from './intents/intent-id';
import { matchCommand, requestAfterCancel } from './intents/match-command';
import { matchIntent, matchMenuNumber } from './intents/match-intent';
import type { Classification, IntentScore } from './intents/model/train-intent-model';
import { LEAVE_FLOW_SCORE, type RoutedIntent, understandMessage } from './intents/route-message';
import { startState, takePrefilled } from './prefill';
import type { Reply } from './reply';
import type { RuntimeCopy } from './runtime-copy';
import { emptySession, type FlowState, type Session } from './session';
import { smalltalkTopic } from './smalltalk';

/** A session idle for longer than this is over: the member is told, and starts afresh. */
export const SESSION_TIMEOUT_MS = 10 * 60_000;

export type StepInput =
  | { type: 'text'; text: string }
  /** A photo: an answer to a question that takes one (an invoice), otherwise not understood. */
  | { type: 'image'; mediaId: string; imageUrl: string }
  /** A voice message WeChat did not turn into text (no speech recognition): asked to type. */
  | { type: 'voice' }
  | { type: 'intent'; intent: IntentId }
  | { type: 'effect_result'; result: EffectResult };

export interface RunContext extends StepContext {
  flows: readonly Flow[];
  copy: RuntimeCopy;
  /** The trained intent model (pure: the same text always gets the same scores). */
  classify: (text: string) => Classification;
  /**
   * For a chat user without a membership: when the membership this WeChat account held moved to
   * another account (ISO instant), so members-only requests are told why instead of "join first".
   */
  movedAwayAt?: string | null;
}

export interface StepResult {
  session: Session;
  replies: Reply[];
  /** At most one: the step waiting for it resumes with an `effect_result` input. */
  effects: Effect[];
  /** Messages the assistant did not understand, for staff to review (absent when none). */
  misread?: Misread[];
}

/**
 * A message not understood (`not_understood`), or one a numbered clarification asked about that
 * the member then did not answer with a number (`unresolved_clarification`), with the model's
 * two closest intents: staff label these into new examples.
 */
export interface Misread {
  text: string;
  kind: 'not_understood' | 'unresolved_clarification';
  closest: IntentScore[];
}

/**
 * One conversation step, PURE: the session, what the member did (or what an effect answered),
 * the context and the time → the new session, the replies and the effects to carry out.
 * Global commands work anywhere: 取消 ends the flow, 返回 asks the previous question again,
 * 帮助/菜单 and other intents interrupt (the flow is kept for 继续), and a flow idle for over
 * 10 minutes is dropped politely.
 */
/** A sentence no choice question accepts: a question that does accept it takes free text. */
const FREE_TEXT_PROBE = '随便写的一句话';

export function runStep(session: Session | null, input: StepInput, ctx: RunContext, now: Date): StepResult {
  const run = new StepRun(session ?? emptySession(now), ctx, now);
  run.handle(input);
  return run.result();
}

class StepRun {
  private readonly replies: Reply[] = [];
  private readonly effects: Effect[] = [];
  private flow: FlowState | null;
  private suspended: FlowState | null;
  /** Numbered choices offered by this step (kept for the next message), and misses in a row. */
  private choices: IntentId[] = [];
  private misses: number;
  /** The choices the previous step offered (forgotten when the session timed out). */
  private readonly offered: readonly IntentId[];
  /** What the member wrote in this message ('' for clicks, photos and effect results). */
  private text = '';
  // Edges (issue 15 §5–7): the 继续 hint said once, a clarification asked this step, misreads.
  private resumeHinted: boolean;
  private clarifying: string | null = null;
  private readonly misread: Misread[] = [];

  constructor(
    private readonly session: Session,
    private readonly ctx: RunContext,
    private readonly now: Date,
  ) {
    this.flow = session.flow;
    this.suspended = session.suspended;
    this.misses = session.misses ?? 0;
    this.resumeHinted = session.resumeHinted === true;
    const idle = now.getTime() - Date.parse(session.updatedAt);
    this.offered = idle > SESSION_TIMEOUT_MS ? [] : (session.choices ?? []);
    if (idle > SESSION_TIMEOUT_MS) {
      if (this.flow) this.say(ctx.copy.timedOut);
      this.flow = null;
      this.suspended = null;
      this.misses = 0;
    }
    // A flow whose definition changed shape since is restarted rather than resumed, and one that no
    // longer fits the person (erased or unlinked meanwhile, or signed up elsewhere) is dropped.
    if (this.flow && !this.resumable(this.flow)) this.flow = null;
    if (this.suspended && !this.resumable(this.suspended)) this.suspended = null;
  }

  handle(input: StepInput): void {
    if (input.type === 'effect_result') {
      this.onEffectResult(input.result);
      return;
    }
    this.noteUnresolvedClarification(input);
    if (input.type === 'voice') {
      this.onVoice();
      return;
    }
    if (input.type === 'intent') {
      this.startIntent(input.intent);
      return;
    }
    if (input.type === 'image') {
      this.onImage(input);
      return;
    }
    this.text = input.text;
    const command = matchCommand(input.text);
    if (command === 'cancel') {
      this.cancel();
      return;
    }
    if (command === 'back') {
      this.back();
      return;
    }
    if (command === 'continue') {
      this.resume();
      return;
    }
    const current = this.flow ? this.stepOf(this.flow) : null;
    if (this.flow && current?.type === 'ask') {
      this.inFlow(this.flow, current, input.text);
      return;
    }
    this.outsideFlow(input.text);
  }

  /**
   * A valid answer to the question is never taken for an intent: only an exact keyword of another
   * intent, or (when the answer does not fit) a message the model is sure means something else,
   * leaves the flow (kept for 继续).
   */
  private inFlow(state: FlowState, step: Step & { type: 'ask' }, text: string): void {
    const own = this.definition(state)?.intent;
    const keyword = matchIntent(text, { mode: 'strict' });
    if (keyword && keyword !== own) {
      this.startIntent(keyword, text);
      return;
    }
    const answer = step.answer(state.data, this.ctx);
    const fits = answer.safeParse(text).success;
    // Edges: the flow's own keyword (兑换 while choosing a reward) starts it again from its first
    // step, unless it is one of the question's own answers (「改期」 is a 我的预约 keyword and the
    // answer to its 改期-or-取消 question). A question taking any text (a name) cannot tell the
    // two apart, so there the keyword restarts (「入会」 is not a name). The model's reading of
    // the same intent does not restart (「车牌」 while 我的车 asks which field is a bad answer).
    const takesAnyText = fits && answer.safeParse(FREE_TEXT_PROBE).success;
    if (keyword && (!fits || takesAnyText)) {
      this.restart(state);
      return;
    }
    if (!fits) {
      // After 「算了，」 the member has said they are leaving: a clear reading of the rest is enough.
      const request = requestAfterCancel(text);
      const classification = this.ctx.classify(request ?? text);
      const understood = understandMessage(classification);
      const score = request ? 1 : classification.top.score;
      if (
        understood.kind === 'intent' &&
        understood.intent !== own &&
        understood.intent !== 'smalltalk' &&
        understood.intent !== 'help' &&
        score >= LEAVE_FLOW_SCORE
      ) {
        this.startIntent(understood.intent, request ?? text);
        return;
      }
    }
    this.answer(state, step, text);
  }

  /** Exact keywords and menu numbers first (fast and certain), then the model's reading. */
  private outsideFlow(text: string): void {
    const offered = this.offered;
    const picked = /^\s*([1-3])\s*$/.exec(text.normalize('NFKC'));
    const choice = picked ? offered[Number(picked[1]) - 1] : undefined;
    if (choice) {
      this.startIntent(choice);
      return;
    }
    if (!text.trim()) {
      // Nothing written (a link, a voice message without text): the usual hint, not a guess.
      this.say(this.ctx.copy.unknown(this.ctx.member !== null));
      return;
    }
    // 你好, 谢谢, 在吗, 好的, 👍: answered as what they are, before 你好 is taken for the menu.
    if (smalltalkTopic(text)) {
      this.startIntent('smalltalk');
      return;
    }
    const keyword = matchIntent(text, { mode: 'strict' }) ?? matchMenuNumber(text);
    if (keyword) {
      this.startIntent(keyword, text);
      return;
    }
    const classification = this.ctx.classify(text);
    const understood = understandMessage(classification);
    if (understood.kind === 'intent') {
      this.startIntent(understood.intent, text);
      return;
    }
    // Edges: kept for staff review (a clarification only once the member leaves it unanswered).
    if (understood.kind === 'not_understood') this.noteMisread(text, 'not_understood', classification);
    if (this.misses >= 1) {
      this.say(this.ctx.copy.escalate);
      this.startIntent('human');
      return;
    }
    this.misses += 1;
    const copy = this.ctx.copy;
    if (understood.kind === 'clarify') {
      const [first, second] = understood.choices;
      this.choices = [first, second];
      this.clarifying = text.slice(0, 500);
      this.say(copy.clarify(copy.intentLabel(first), copy.intentLabel(second)));
      return;
    }
    const [first, second] = understood.closest;
    this.choices = [first, second, 'human'];
    this.say(copy.notUnderstood(copy.intentLabel(first), copy.intentLabel(second)));
  }

  result(): StepResult {
    const {
      choices: _offered,
      misses: _misses,
      resumeHinted: _hinted,
      clarifying: _asked,
      ...session
    } = this.session;
    return {
      session: {
        ...session,
        flow: this.flow,
        suspended: this.suspended,
        updatedAt: this.now.toISOString(),
        ...(this.choices.length > 0 ? { choices: this.choices } : {}),
        ...(this.misses > 0 ? { misses: this.misses } : {}),
        ...(this.suspended && this.resumeHinted ? { resumeHinted: true as const } : {}),
        ...(this.clarifying !== null ? { clarifying: this.clarifying } : {}),
      },
      replies: this.replies,
      effects: this.effects,
      ...(this.misread.length > 0 ? { misread: this.misread } : {}),
    };
  }

  /** `said`: the member's words that asked for it, whose slots may answer the flow's questions. */
  private startIntent(intent: RoutedIntent, said?: string): void {
    this.misses = 0;
    // An unfinished question is kept for 继续; a flow waiting on an effect has nothing to resume.
    if (this.flow && this.stepOf(this.flow)?.type === 'ask') {
      this.suspended = this.flow;
      this.resumeHinted = false;
    }
    this.flow = null;
    const isMember = this.ctx.member !== null;
    if (intent === 'help') {
      this.say(this.ctx.copy.menu(isMember));
      this.hintResume();
      return;
    }
    if (intent === 'smalltalk') {
      this.say(this.ctx.copy.smalltalk(smalltalkTopic(this.text), isMember));
      this.hintResume();
      return;
    }
    const flow = this.ctx.flows.find((candidate) => candidate.intent === intent);
    if (!flow) {
      this.say(this.ctx.copy.unsupported);
      this.hintResume();
      return;
    }
    if (flow.audience === 'member' && !isMember) {
      const moved = this.ctx.movedAwayAt;
      this.say(moved ? this.ctx.copy.membershipMoved(moved, this.ctx.timeZone) : this.ctx.copy.membersOnly);
      this.hintResume();
      return;
    }
    if (flow.audience === 'guest' && isMember) {
      this.say(this.ctx.copy.alreadyMember);
      this.hintResume();
      return;
    }
    if (this.suspended?.flowId === flow.id) this.suspended = null;
    this.enter(startState(flow, said, this.ctx, this.now));
  }

  private cancel(): void {
    if (!this.flow && !this.suspended) {
      this.say(this.ctx.copy.nothingToCancel);
      return;
    }
    this.flow = null;
    this.suspended = null;
    this.say(this.ctx.copy.cancelled);
  }

  private back(): void {
    const state = this.flow;
    if (!state) {
      this.resume();
      return;
    }
    const previous = state.history.at(-1);
    if (!previous) {
      this.say(this.ctx.copy.firstStep);
      this.enter(state);
      return;
    }
    this.enter({ ...state, step: previous, history: state.history.slice(0, -1) });
  }

  private resume(): void {
    if (this.flow) {
      this.enter(this.flow);
      return;
    }
    if (!this.suspended) {
      this.say(this.ctx.copy.nothingToContinue);
      return;
    }
    const state = this.suspended;
    this.suspended = null;
    this.enter(state);
  }

  /** A question that takes a photo gets it; another question says it needs words and asks again. */
  private onImage(image: { mediaId: string; imageUrl: string }): void {
    const step = this.flow ? this.stepOf(this.flow) : null;
    if (this.flow && step?.type === 'ask') {
      this.answer(this.flow, step, { mediaId: image.mediaId, imageUrl: image.imageUrl });
      return;
    }
    this.say(this.ctx.copy.imageReceived(this.ctx.member !== null));
  }

  /** Edges: voice without recognised text: asked to type (the waiting question again, if any). */
  private onVoice(): void {
    const step = this.flow ? this.stepOf(this.flow) : null;
    if (this.flow && step?.type === 'ask') {
      this.say(this.ctx.copy.voiceInFlow);
      this.enter(this.flow);
      return;
    }
    this.say(this.ctx.copy.voiceNotHeard(this.ctx.member !== null));
  }

  /** Edges: the flow from its first step, an earlier suspended flow kept as it was. */
  private restart(state: FlowState): void {
    const flow = this.definition(state)!;
    this.misses = 0;
    this.enter({ flowId: flow.id, flowVersion: flow.version, step: flow.start, data: {}, history: [] });
  }

  /**
   * Edges: the message a clarification asked about, when the member's next action is not one of
   * its numbers (they rephrased, asked for something else or gave up), is kept for staff review.
   */
  private noteUnresolvedClarification(input: StepInput): void {
    const asked = this.session.clarifying;
    if (!asked) return;
    const picked = input.type === 'text' ? /^\s*([1-3])\s*$/.exec(input.text.normalize('NFKC')) : null;
    if (picked && this.offered[Number(picked[1]) - 1]) return;
    this.noteMisread(asked, 'unresolved_clarification', this.ctx.classify(asked));
  }

  private noteMisread(text: string, kind: Misread['kind'], classification: Classification): void {
    const closest = classification.ranked.filter((entry) => entry.intent !== 'none').slice(0, 2);
    this.misread.push({ text, kind, closest });
  }

  private answer(state: FlowState, step: Step & { type: 'ask' }, answer: string | object): void {
    const parsed = step.answer(state.data, this.ctx).safeParse(answer);
    if (!parsed.success) {
      // A photo where words were asked for fails the schema's type check, which has no Chinese.
      const reason =
        typeof answer === 'string' ? (parsed.error.issues[0]?.message ?? '') : this.ctx.copy.textNeeded;
      this.say(this.ctx.copy.retry(reason));
      this.enter(state);
      return;
    }
    // Asking the same question again (a wrong code) leaves one entry, so 返回 goes further back.
    const history = state.history.at(-1) === step.id ? state.history : [...state.history, step.id];
    const answered = { ...state, history };
    if (typeof step.next === 'function') {
      this.follow(answered, step.next(parsed.data, state.data, this.ctx));
      return;
    }
    this.follow(answered, { next: step.next, data: { [step.save]: parsed.data } });
  }

  private onEffectResult(result: EffectResult): void {
    const state = this.flow;
    const step = state ? this.stepOf(state) : null;
    // A result nobody waits for (the flow was cancelled or timed out meanwhile) is dropped.
    if (!state || step?.type !== 'effect') return;
    this.follow(state, step.onResult(result, state.data, this.ctx));
  }

  private follow(state: FlowState, transition: Transition): void {
    if (transition.replies) this.replies.push(...transition.replies);
    const data: FlowData = { ...state.data, ...transition.data };
    if (transition.next === null) {
      this.finish();
      return;
    }
    this.enter({ ...state, step: transition.next, data });
  }

  /** Runs steps from `state.step` until one waits for the member or an effect, or the flow ends. */
  private enter(state: FlowState): void {
    let current = state;
    for (let hops = 0; hops < 50; hops++) {
      const step = this.stepOf(current);
      if (!step) {
        this.finish();
        return;
      }
      if (step.type === 'ask') {
        // Slots: what the starting message already answered is taken, unasked, when the step's
        // own schema accepts it (`takePrefilled`); otherwise the question is asked as usual.
        const prefilled = takePrefilled(current, step, this.ctx);
        current = prefilled.state;
        if (prefilled.answer !== null) {
          this.answer(current, step, prefilled.answer);
          return;
        }
        this.replies.push(...step.prompt(current.data, this.ctx));
        this.flow = current;
        return;
      }
      if (step.type === 'effect') {
        this.effects.push(step.effect(current.data, this.ctx));
        this.flow = current;
        return;
      }
      this.replies.push(...step.say(current.data, this.ctx));
      if (step.next === null) {
        this.finish();
        return;
      }
      current = { ...current, step: step.next };
    }
    throw new Error(`flow ${state.flowId} loops through say steps`);
  }

  private finish(): void {
    this.flow = null;
    this.hintResume();
  }

  /** Edges: said once per suspended flow (the session remembers), not on every later reply. */
  private hintResume(): void {
    if (!this.suspended || this.resumeHinted) return;
    const title = this.definition(this.suspended)?.title;
    if (title) this.say(this.ctx.copy.resumeHint(title));
    this.resumeHinted = true;
  }

  private resumable(state: FlowState): boolean {
    const flow = this.definition(state);
    if (!flow || flow.version !== state.flowVersion) return false;
    const isMember = this.ctx.member !== null;
    return flow.audience === 'anyone' || (flow.audience === 'member') === isMember;
  }

  private definition(state: FlowState): Flow | undefined {
    return this.ctx.flows.find((flow) => flow.id === state.flowId);
  }

  private stepOf(state: FlowState): Step | undefined {
    return this.definition(state)?.steps.find((step) => step.id === state.step);
  }

  private say(value: string): void {
    this.replies.push({ text: value });
  }
}
