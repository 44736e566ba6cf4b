import { normalizeMessage } from './intents/model/normalize-message';

/** What a question about the program asks: tiers, earning, expiry, spending points, referrals. */
export type ProgramTopic = 'tiers' | 'earning' | 'expiry' | 'redemption' | 'referral' | 'overview';

/**
 * Words that decide the topic, checked in this order (the first topic with a word in the message
 * wins): 「推荐朋友有什么奖励」 is about referrals though it says 奖励, 「积分多久过期」 about expiry
 * though it says 积分, 「积分能换什么」 about spending.
 */
const TOPIC_WORDS: readonly (readonly [ProgramTopic, readonly string[]])[] = [
  ['referral', ['推荐', '邀请', '介绍', '朋友', '好友', '拉新', 'refer', 'invite']],
  ['expiry', ['过期', '有效期', '清零', '到期', '失效', '作废', 'expire']],
  ['redemption', ['换', '兑', '抵', '花', '当钱', '能用', '怎么用', '用在', 'redeem']],
  ['tiers', ['升级', '升', '等级', '级别', '降级', '保级', '卡', 'vip', 'tier', 'level']],
  [
    'earning',
    [
      '怎么算',
      '计算',
      '怎么得',
      '怎么赚',
      '获得',
      '积几分',
      '比例',
      '一块钱',
      '每消费',
      '积多少',
      '会员日',
      '生日',
      '双倍',
      'earn',
    ],
  ],
];

/**
 * The topic of a question about the program (pure): by the words above, a tier's name (金卡) counting
 * as a tiers word; anything else (积分规则, a numbered choice) gets the overview.
 */
export function programTopic(text: string, tierNames: readonly string[] = []): ProgramTopic {
  const normal = normalizeMessage(text);
  for (const [topic, words] of TOPIC_WORDS) {
    if (topic === 'tiers' && tierNames.some((name) => normal.includes(normalizeMessage(name)))) return topic;
    if (words.some((word) => normal.includes(word))) return topic;
  }
  return 'overview';
}
