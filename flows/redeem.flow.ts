import { z } from 'zod';
import type { EffectResults } from '../src/conversation/effect';
import { defineFlow, effectStep, type FlowData } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { yesNo } from './answers';
import { answerCopy, redeemCopy } from './copy/zh-CN';

type Catalogue = EffectResults['load_catalogue'];
type ChosenReward = Pick<Catalogue['rewards'][number], 'id' | 'name' | 'cost'>;
const PAGE_SIZE = 5;

/**
 * 积分兑换: what the member can redeem now, numbered, a page at a time, and on the last page the
 * rest apart with what each is missing → choose by number (or by name: a held reward is answered
 * with what it needs) → confirm → voucher code.
 */
export const redeemFlow = defineFlow({
  id: 'redeem',
  // 2: the catalogue carries each reward's hold; a v1 session (without them) restarts.
  version: 2,
  intent: 'redeem',
  title: '积分兑换',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_catalogue'>({
      id: 'load',
      effect: () => ({ type: 'load_catalogue' }),
      onResult: (catalogue) => {
        if (!catalogue.rewards.length) return { replies: [text(redeemCopy.empty)], next: null };
        const { offered, held } = split(catalogue);
        if (!offered.length)
          return { replies: [text(redeemCopy.nothingYet(catalogue.available, held))], next: null };
        return { data: { catalogue, page: 0 }, next: 'choose' };
      },
    }),
    {
      type: 'ask',
      id: 'choose',
      prompt: (data) => {
        const { catalogue, page } = view(data);
        const { offered, held } = split(catalogue);
        const more = (page + 1) * PAGE_SIZE < offered.length;
        const items = offered
          .slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)
          .map((reward, i) => ({ number: page * PAGE_SIZE + i + 1, name: reward.name, cost: reward.cost }));
        return [
          text(redeemCopy.page({ available: catalogue.available, items, held: more ? [] : held, more })),
        ];
      },
      answer: (data) => {
        const { catalogue } = view(data);
        const { offered } = split(catalogue);
        return z.string().transform((answer, ctx) => {
          const normal = normalizeText(answer);
          if (['下一页', '更多', '下页', 'n'].includes(normal)) return { more: true } as const;
          const number = Number(normal);
          if (Number.isInteger(number) && number >= 1 && number <= offered.length)
            return { rewardId: offered[number - 1]!.id };
          // Any listed reward by its name; one held back is then answered with what it needs.
          const named = catalogue.rewards.find((reward) => normalizeText(reward.name) === normal);
          if (named) return { rewardId: named.id };
          ctx.addIssue({ code: 'custom', message: redeemCopy.badChoice });
          return z.NEVER;
        });
      },
      save: 'choice',
      next: (value, data) => {
        const { catalogue, page } = view(data);
        // What this step's answer schema produced.
        const choice = value as { more: true } | { rewardId: string };
        if ('more' in choice) {
          const last = Math.max(0, Math.ceil(split(catalogue).offered.length / PAGE_SIZE) - 1);
          return { data: { page: page >= last ? 0 : page + 1 }, next: 'choose' };
        }
        const chosen = catalogue.rewards.find((reward) => reward.id === choice.rewardId)!;
        if (chosen.hold)
          return {
            replies: [text(redeemCopy.held(chosen, chosen.hold, catalogue.tierName))],
            next: 'choose',
          };
        const reward = { id: chosen.id, name: chosen.name, cost: chosen.cost };
        return { data: { reward }, next: 'confirm' };
      },
    },
    {
      type: 'ask',
      id: 'confirm',
      prompt: (data) => {
        const reward = data.reward as ChosenReward;
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
        rewardId: (data.reward as ChosenReward).id,
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

/** What the member can redeem now (numbered, in catalogue order) and what is held back. */
function split(catalogue: Catalogue): { offered: Catalogue['rewards']; held: Catalogue['rewards'] } {
  return {
    offered: catalogue.rewards.filter((reward) => reward.hold === null),
    held: catalogue.rewards.filter((reward) => reward.hold !== null),
  };
}
