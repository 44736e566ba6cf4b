import { z } from 'zod';
import { intentIds } from './intents/intent-id';

/** Where a member is inside a flow. `history` holds the ask steps answered, for 返回. */
export const flowStateSchema = z.strictObject({
  flowId: z.string(),
  flowVersion: z.number().int(),
  step: z.string(),
  data: z.record(z.string(), z.unknown()),
  history: z.array(z.string()),
  /** Answers the starting message already gave, per ask step id, not yet reached (slots). */
  prefill: z.record(z.string(), z.string()).optional(),
});
export type FlowState = z.infer<typeof flowStateSchema>;

/**
 * A member's conversation state (kept in Redis between messages, never in process memory). `v`
 * is the shape's version; `version` the optimistic-concurrency counter the store compares.
 */
export const sessionSchema = z.strictObject({
  v: z.literal(1),
  version: z.number().int().min(0),
  flow: flowStateSchema.nullable(),
  /** A flow interrupted by another intent, resumed with 继续. */
  suspended: flowStateSchema.nullable(),
  updatedAt: z.iso.datetime(),
  /** The numbered choices just offered (「1 查积分 2 积分没到账」): a reply of 1, 2… takes one. */
  choices: z.array(z.enum(intentIds)).max(3).optional(),
  /** Messages not understood in a row; at two, 人工 is offered directly. */
  misses: z.number().int().min(0).optional(),
  /** The 「回复「继续」」 hint for `suspended` was given: it is said once, not on every reply. */
  resumeHinted: z.literal(true).optional(),
  /** The message a numbered clarification asked about: kept for staff review unless a number answers it. */
  clarifying: z.string().max(500).optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export function emptySession(now: Date): Session {
  return { v: 1, version: 0, flow: null, suspended: null, updatedAt: now.toISOString() };
}
