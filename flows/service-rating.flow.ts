import { z } from 'zod';
import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { parseRating, RATING_SCALE_LIMIT } from '../src/conversation/parse-rating';
import { text } from '../src/conversation/reply';
import { serviceRatingCopy } from './copy/zh-CN';

const SKIP = new Set(['跳过', '没有', '无', '不用', '不了', 'skip']);

const ratingAnswer = z.string().transform((answer, ctx) => {
  // Up to the largest scale: the service checks the program's own `maxRating` and says which.
  const rating = parseRating(answer, RATING_SCALE_LIMIT);
  if (rating !== null) return rating;
  ctx.addIssue({ code: 'custom', message: serviceRatingCopy.notARating });
  return z.NEVER;
});

/** An optional comment; null for 跳过. */
const commentAnswer = z.string().transform((answer, ctx) => {
  const trimmed = answer.trim();
  if (!trimmed || SKIP.has(normalizeText(trimmed))) return null;
  if ([...trimmed].length > 500) {
    ctx.addIssue({ code: 'custom', message: serviceRatingCopy.badComment });
    return z.NEVER;
  }
  return trimmed;
});

/**
 * The answer to a post-service question (「您 11月18日在本店的保养服务满意吗？回复 1–5 分」). The
 * conversation service starts it when a member with an open question sends a rating (5, 五, 5分,
 * 五星) and hands that message to the first step, so the member never sees the question twice.
 * The rating is recorded once; an optional comment follows.
 */
export const serviceRatingFlow = defineFlow({
  id: 'service_rating',
  version: 1,
  intent: 'rate_service',
  title: '服务评价',
  audience: 'member',
  start: 'rating',
  steps: [
    {
      type: 'ask',
      id: 'rating',
      prompt: () => [text(serviceRatingCopy.askRating)],
      answer: () => ratingAnswer,
      save: 'rating',
      next: 'save_rating',
    },
    effectStep<'record_rating'>({
      id: 'save_rating',
      effect: (data) => ({ type: 'record_rating', rating: Number(data.rating) }),
      onResult: (result) => {
        if (result.ok) {
          return {
            replies: [text(serviceRatingCopy.thanks(result.alerted))],
            data: { feedbackId: result.feedbackId },
            next: 'comment',
          };
        }
        if (result.reason === 'out_of_range')
          return { replies: [text(`${serviceRatingCopy.badRating(result.max)}。`)], next: 'rating' };
        const reply =
          result.reason === 'already_rated' ? serviceRatingCopy.alreadyRated : serviceRatingCopy.noneOpen;
        return { replies: [text(reply)], next: null };
      },
    }),
    {
      type: 'ask',
      id: 'comment',
      prompt: () => [text(serviceRatingCopy.askComment)],
      answer: () => commentAnswer,
      save: 'comment',
      next: (comment) =>
        comment === null
          ? { replies: [text(serviceRatingCopy.skipped)], next: null }
          : { data: { comment }, next: 'save_comment' },
    },
    effectStep<'record_feedback_comment'>({
      id: 'save_comment',
      effect: (data) => ({
        type: 'record_feedback_comment',
        feedbackId: String(data.feedbackId),
        comment: String(data.comment),
      }),
      onResult: () => ({ replies: [text(serviceRatingCopy.commentSaved)], next: null }),
    }),
  ],
});
