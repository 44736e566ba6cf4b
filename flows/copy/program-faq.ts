import type { ProgramTopic } from '../../src/conversation/program-question';
import { formatInteger, formatMilli, formatPoints } from '../../src/rules/format-zh';
import type { ProgramFacts } from '../../src/rules/program-facts';

/**
 * Questions about the program (怎么升级银卡, 积分怎么算, 积分多久过期, 积分能换什么, 推荐朋友有什么
 * 奖励, 会员有什么等级), answered with the program's own numbers. Short, and each ends with what
 * the member can type next.
 */

type Tier = ProgramFacts['tiers'][number];

/** 950 → 9.5 折; 1000 → no discount. */
const discount = (milli: number) => (milli >= 1000 ? '' : `服务 ${formatMilli(milli * 10)} 折`);
const times = (milli: number) => `${formatMilli(milli)} 倍`;
const rate = (milli: number) => `${formatMilli(milli)} 分`;

function tierLine(tier: Tier, first: boolean): string {
  const parts = [
    first ? '入会即是' : `年度累计 ${formatPoints(tier.threshold)}`,
    `积分 ${times(tier.multiplierMilli)}`,
    discount(tier.serviceDiscountMilli),
    tier.freeMaintenancePerYear > 0 ? `每年 ${formatInteger(tier.freeMaintenancePerYear)} 次免费保养` : '',
    tier.birthdayGift ? '生日礼' : '',
  ].filter(Boolean);
  return `· ${tier.name}：${parts.join('，')}`;
}

function tiers(facts: ProgramFacts, asked: string): string {
  const target = facts.tiers.find((tier, index) => index > 0 && asked.includes(tier.name));
  const lines: string[] = [];
  if (target)
    lines.push(`升到${target.name}：一个会员年度内累计 ${formatPoints(target.threshold)}（定级积分）即可。`);
  lines.push(`会员共 ${formatInteger(facts.tiers.length)} 个等级：`);
  for (const [index, tier] of facts.tiers.entries()) lines.push(tierLine(tier, index === 0));
  lines.push(
    facts.maxLevelsDown > 0
      ? `每年入会周年日按当年积分复核等级，最多降 ${formatInteger(facts.maxLevelsDown)} 级。`
      : '每年入会周年日复核等级，等级不会下降。',
    '回复「查积分」看您的等级和离下一级还差多少。',
  );
  return lines.join('\n');
}

function earning(facts: ProgramFacts): string {
  // Categories with the same rate and waiting time share a line: 保养、维修、配件 1 分.
  const groups = new Map<string, string[]>();
  for (const category of facts.categories) {
    const wait = category.pendingDays > 0 ? `（${formatInteger(category.pendingDays)} 天后可用）` : '';
    const key = `${rate(category.rateMilli)}${wait}`;
    groups.set(key, [...(groups.get(key) ?? []), category.name]);
  }
  const lines = ['每实付 ¥1 积分：'];
  for (const [key, names] of groups) lines.push(`· ${names.join('、')}：${key}`);
  const boosted = facts.tiers.filter((tier) => tier.multiplierMilli !== 1000);
  if (boosted.length > 0)
    lines.push(
      `等级加倍：${boosted.map((tier) => `${tier.name} ${times(tier.multiplierMilli)}`).join('、')}。`,
    );
  const promotions: string[] = [];
  if (facts.memberDay)
    promotions.push(
      `每月 ${facts.memberDay.dayOfMonth} 日${facts.memberDay.name} ${times(facts.memberDay.multiplierMilli)}`,
    );
  if (facts.birthday) promotions.push(`生日当天 ${times(facts.birthday.multiplierMilli)}`);
  if (promotions.length > 0)
    lines.push(`${promotions.join('，')}${promotions.length > 1 ? '（不叠加，按最高的算）' : ''}。`);
  if (facts.firstTransactionBonusPercent > 0)
    lines.push(`首次消费再多送 ${formatInteger(facts.firstTransactionBonusPercent)}%。`);
  lines.push('回复「为什么」看最近一笔积分是怎么算的。');
  return lines.join('\n');
}

function expiry(facts: ProgramFacts): string {
  const months = formatInteger(facts.expiry.months);
  const rule = facts.expiry.endOfMonth
    ? `每笔积分在获得后第 ${months} 个月的月底过期（例如 1月获得的积分，${months} 个月后的 1月31日过期）。`
    : `每笔积分自获得之日起 ${months} 个月后过期。`;
  return `${rule}\n回复「查积分」看您有多少积分快到期。`;
}

function redemption(facts: ProgramFacts): string {
  const lines = ['积分可以这样用：', `· 到店消费抵现：${formatPoints(facts.pointsPerYuan)}抵 ¥1`];
  const cheapest = facts.rewards.slice(0, 3);
  if (cheapest.length > 0)
    lines.push(
      `· 兑换礼品：${cheapest.map((reward) => `${reward.name} ${formatPoints(reward.cost)}`).join('、')}等`,
    );
  lines.push('回复「兑换」看您现在能换的礼品。');
  return lines.join('\n');
}

function referral(facts: ProgramFacts): string {
  const terms = facts.referral;
  const rewards: string[] = [];
  if (terms.newMemberPoints > 0) rewards.push(`· 朋友入会得 ${formatPoints(terms.newMemberPoints)}`);
  const paid = terms.yearlyCap > 0;
  if (paid && terms.referrerOnSignupPoints > 0)
    rewards.push(`· 朋友入会，您得 ${formatPoints(terms.referrerOnSignupPoints)}`);
  if (paid && terms.referrerOnFirstQualifyingPoints > 0 && terms.qualifyingCategories.length > 0)
    rewards.push(
      `· 朋友首次${terms.qualifyingCategories.join('、')}消费，您再得 ${formatPoints(terms.referrerOnFirstQualifyingPoints)}`,
    );
  if (rewards.length === 0) return '目前推荐朋友入会暂无积分奖励。回复「推荐」领取您的推荐二维码。';
  const lines = [`推荐朋友入会（朋友扫码后 ${formatInteger(terms.windowDays)} 天内入会）：`, ...rewards];
  if (paid) lines.push(`每个会员年度最多奖励 ${formatInteger(terms.yearlyCap)} 位朋友。`);
  lines.push('回复「推荐」领取您的推荐二维码。');
  return lines.join('\n');
}

function overview(facts: ProgramFacts): string {
  const ladder = facts.tiers
    .map((tier, index) => (index === 0 ? tier.name : `${tier.name}（${formatPoints(tier.threshold)}）`))
    .join('、');
  const top = [...facts.categories].sort((a, b) => b.rateMilli - a.rateMilli)[0];
  const lines = ['会员规则一览：', `· 等级：${ladder}`];
  if (top) lines.push(`· 积分：${top.name}等每实付 ¥1 积 ${rate(top.rateMilli)}`);
  lines.push(
    `· 有效期：${formatInteger(facts.expiry.months)} 个月${facts.expiry.endOfMonth ? '（到期月的月底）' : ''}`,
    `· 使用：${formatPoints(facts.pointsPerYuan)}抵 ¥1，也能兑换礼品`,
    '想细问可以直接说，比如「怎么升级银卡」「积分多久过期」。回复「查积分」看您的积分。',
  );
  return lines.join('\n');
}

export const programFaqCopy = {
  answer(topic: ProgramTopic, facts: ProgramFacts, asked: string): string {
    switch (topic) {
      case 'tiers':
        return tiers(facts, asked);
      case 'earning':
        return earning(facts);
      case 'expiry':
        return expiry(facts);
      case 'redemption':
        return redemption(facts);
      case 'referral':
        return referral(facts);
      case 'overview':
        return overview(facts);
    }
  },
};
