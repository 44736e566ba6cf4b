import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { programTopic } from '../src/conversation/program-question';
import { text } from '../src/conversation/reply';
import { programFaqCopy } from './copy/program-faq';

/**
 * A question about the program (怎么升级银卡, 积分怎么算, 积分多久过期, 积分能换什么, 推荐朋友有什么
 * 奖励): answered from the program in force, the topic picked from the member's words; anything
 * else about the rules (积分规则, a numbered choice) gets the overview. For members and guests.
 */
export const programFaqFlow = defineFlow({
  id: 'program_faq',
  version: 1,
  intent: 'program_faq',
  title: '会员规则',
  audience: 'anyone',
  start: 'answer',
  steps: [
    effectStep<'load_program_facts'>({
      id: 'answer',
      effect: () => ({ type: 'load_program_facts' }),
      onResult: (facts, _data, ctx) => {
        const asked = ctx.text ?? '';
        const topic = programTopic(
          asked,
          facts.tiers.map((tier) => tier.name),
        );
        return { replies: [text(programFaqCopy.answer(topic, facts, asked))], next: null };
      },
    }),
  ],
});
