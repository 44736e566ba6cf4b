import { z } from 'zod';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { defineFlow, effectStep, type FlowData } from '../src/conversation/flow-schema';
import type { EffectResults } from '../src/conversation/effect';
import { text } from '../src/conversation/reply';
import { answerCopy, redeemCopy } from './copy/zh-CN';
import { yesNo } from './answers';

type Catalogue = EffectResults['load_catalogue'];
const PAGE_SIZE = 5;

/** 积分兑换: the catalogue a page at a time → choose by number → confirm → voucher code. */
export const redeemFlow = defineFlow({
  id: 'redeem',
  version: 1,
  intent: 'redeem',
  title: '积分兑换',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_catalogue'>({
      id: 'load',
      effect: () => ({ type: 'load_catalogue' }),
      onResult: (catalogue) =>
        catalogue.rewards.length
          ? { data: { catalogue, page: 0 }, next: 'choose' }
          : { replies: [text(redeemCopy.empty)], next: null },
    }),
    {
      type: 'ask',
      id: 'choose',
      prompt: (data) => {
        const { catalogue, page } = view(data);
        const items = catalogue.rewards
          .slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)
          .map((reward, i) => ({ number: page * PAGE_SIZE + i + 1, name: reward.name, cost: reward.cost }));
        return [
          text(
            redeemCopy.page(catalogue.available, items, (page + 1) * PAGE_SIZE < catalogue.rewards.length),
          ),
        ];
      },
      answer: (data) => {
        const { catalogue } = view(data);
        return z.string().transform((answer, ctx) => {
          const normal = normalizeText(answer);
          if (['下一页', '更多', '下页', 'n'].includes(normal)) return 'more' as const;
          const number = Number(normal);
          if (Number.isInteger(number) && number >= 1 && number <= catalogue.rewards.length)
            return number - 1;
          ctx.addIssue({ code: 'custom', message: redeemCopy.badChoice });
          return z.NEVER;
        });
      },
      save: 'choice',
      next: (value, data) => {
        const { catalogue, page } = view(data);
        if (value === 'more') {
          const last = Math.max(0, Math.ceil(catalogue.rewards.length / PAGE_SIZE) - 1);
          return { data: { page: page >= last ? 0 : page + 1 }, next: 'choose' };
        }
        const reward = catalogue.rewards[value as number]!;
        if (reward.cost > catalogue.available) {
          const missing = reward.cost - catalogue.available;
          return { replies: [text(redeemCopy.notEnough(reward.name, reward.cost, missing))], next: 'choose' };
        }
        return { data: { reward }, next: 'confirm' };
      },
    },
    {
      type: 'ask',
      id: 'confirm',
      prompt: (data) => {
        const reward = data.reward as Catalogue['rewards'][number];
        return [text(redeemCopy.confirm(reward.name, reward.cost))];
      },
      answer: () => yesNo(answerCopy.confirmOrNot),
      save: 'confirmed',
      next: (value) => (value ? { next: 'redeem' } : { replies: [text(redeemCopy.declined)], next: null }),
    },
    effectStep<'redeem'>({
      id: 'redeem',
      effect: (data, ctx) => ({
        type: 'redeem',
        rewardId: (data.reward as Catalogue['rewards'][number]).id,
        // The confirming message's id: a re-delivery of it redeems nothing twice.
        requestId: `chat:${ctx.messageId}`,
      }),
      onResult: (result, _data, ctx) => {
        if (result.ok) return { replies: [text(redeemCopy.done(result, ctx.timeZone))], next: null };
        if (result.reason === 'insufficient_points') {
          return { replies: [text(redeemCopy.insufficient(result.missing))], next: null };
        }
        return { replies: [text(redeemCopy.unavailable(result.message))], next: null };
      },
    }),
  ],
});

function view(data: FlowData): { catalogue: Catalogue; page: number } {
  return { catalogue: data.catalogue as Catalogue, page: typeof data.page === 'number' ? data.page : 0 };
}
