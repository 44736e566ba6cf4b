import type { IntentId } from './intents/intent-id';
import type { SmalltalkTopic } from './smalltalk';

/** The runtime's own words (menu, cancel, timeout…); flows supply them from `flows/copy/`. */
export interface RuntimeCopy {
  menu(isMember: boolean): string;
  timedOut: string;
  cancelled: string;
  nothingToCancel: string;
  firstStep: string;
  nothingToContinue: string;
  resumeHint(title: string): string;
  unknown(isMember: boolean): string;
  /** An intent the assistant understands but cannot handle in chat yet. */
  unsupported: string;
  membersOnly: string;
  /** Members-only, to a WeChat account whose membership moved to another account at `movedAt` (ISO). */
  membershipMoved(movedAt: string, timeZone: string): string;
  alreadyMember: string;
  /** A photo sent where a written answer was asked for. */
  textNeeded: string;
  /** A photo outside any question: what photos are for (补登积分), and what to type. */
  imageReceived(isMember: boolean): string;
  /** A voice message without recognised text while a question waits (the question follows). */
  voiceInFlow: string;
  /** A voice message without recognised text: a polite ask to type, with the menu keyword. */
  voiceNotHeard(isMember: boolean): string;
  /** What an intent is called in a numbered choice (「查积分」). */
  intentLabel(intent: IntentId): string;
  /** Two close readings: one short question with both as numbers. */
  clarify(first: string, second: string): string;
  /** Not understood: the closest two as 1 and 2, 人工 as 3. */
  notUnderstood(first: string, second: string): string;
  /** The second misunderstanding in a row: said before the 人工 flow starts. */
  escalate: string;
  /** 你好, 谢谢, 在吗, 好的…: a short friendly answer that fits (null: small talk of another kind), with the menu hint. */
  smalltalk(topic: SmalltalkTopic | null, isMember: boolean): string;
  /** A bad answer: the reason, then the question again. */
  retry(reason: string): string;
}
