import type { RewardPeriod } from '../../src/config/program-schema';
import type { CarFacts, EffectResults } from '../../src/conversation/effect';
import type { IntentId } from '../../src/conversation/intents/intent-id';
import type { ServiceKind } from '../../src/conversation/intents/slots';
import type { ReferralWelcome } from '../../src/conversation/referral-welcome';
import type { RuntimeCopy } from '../../src/conversation/runtime-copy';
import type { OfferedReward, RewardHold } from '../../src/rules/catalogue-offer';
import { formatDateZh, formatInteger, formatPoints } from '../../src/rules/format-zh';
import { smalltalkReply } from './smalltalk';

/**
 * Everything the assistant says, in one place: short, friendly Simplified Chinese that always
 * ends with what the member can type next. Numbers for people: `1,234 积分`, `2029年3月31日`.
 */

const MENU = [
  '1 查积分',
  '2 积分明细',
  '3 为什么（积分怎么算的）',
  '4 积分兑换',
  '5 推荐有礼',
  '6 入会',
  '7 退订活动消息',
  '8 恢复订阅',
  '9 注销会员',
  '预约保养、维修：回复「预约」',
  '改期或取消预约：回复「我的预约」',
  '本会员年的权益还剩多少：回复「权益」',
  '还可以回复：「我的车」「积分没到账」「我的券」「门店」「积分规则」「投诉」「人工」',
].join('\n');

/** How intents are named in a numbered choice (「您是想：1 查积分 2 积分没到账？」). */
const INTENT_LABELS: Record<IntentId, string> = {
  balance: '查积分',
  history: '积分明细',
  why: '积分怎么算',
  redeem: '积分兑换',
  referral: '推荐有礼',
  my_car: '我的车',
  missing_points: '积分没到账',
  unsubscribe: '退订活动消息',
  subscribe: '恢复订阅',
  erase: '注销会员',
  help: '看菜单',
  human: '人工服务',
  rate_service: '服务评价',
  signup: '入会',
  my_vouchers: '我的券',
  stores: '门店信息',
  complaint: '投诉',
  program_faq: '会员规则',
  booking: '预约服务',
  my_bookings: '我的预约',
  benefits: '会员权益',
};

/** `2026-11-21` → `11月21日`. */
export function isoMonthDayZh(isoDate: string): string {
  const [, month, day] = isoDate.split('-').map(Number);
  return `${month}月${day}日`;
}

/** `2027-03-31` → `2027年3月31日`. */
export function isoDateZh(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

export const runtimeCopy: RuntimeCopy = {
  menu: (isMember) =>
    `${isMember ? '有什么可以帮您？' : '您好！您还不是会员，回复「入会」即可加入，领取入会礼。'}回复数字或文字：\n${MENU}\n随时回复「取消」结束当前操作，「返回」回到上一步。`,
  timedOut: '上次的操作已超时，已为您取消。需要的话可以重新开始。',
  cancelled: '好的，已取消。回复「菜单」看看还能做什么。',
  nothingToCancel: '现在没有进行中的操作。回复「菜单」看看我能做什么。',
  firstStep: '已经是第一步了。',
  nothingToContinue: '没有需要继续的操作。回复「菜单」看看我能做什么。',
  resumeHint: (title) => `刚才的「${title}」还没完成，回复「继续」接着办。`,
  unknown: (isMember) =>
    isMember
      ? '抱歉，我没太明白。可以回复「查积分」「明细」「兑换」「推荐」，或回复「菜单」看全部功能。'
      : '抱歉，我没太明白。回复「入会」加入会员，或回复「菜单」看全部功能。',
  unsupported: '这件事暂时还不能在聊天里办理，请联系门店。回复「菜单」看看我能做什么。',
  membersOnly: '这项服务需要先入会。回复「入会」，一分钟就能加入。',
  membershipMoved: (movedAt, timeZone) => rebindCopy.movedAway(movedAt, timeZone),
  alreadyMember: '您已经是会员了。回复「查积分」看看您的积分吧。',
  textNeeded: '这一步需要您打字回答，不用发图片',
  imageReceived: (isMember) =>
    isMember
      ? '收到图片啦。如需补登积分，回复「积分没到账」，按提示发小票照片；其他事情请打字告诉我，或回复「菜单」看全部功能。'
      : '收到图片啦。我还看不懂图片，请打字告诉我您想办什么，回复「入会」加入会员，或回复「菜单」看全部功能。',
  voiceInFlow: '抱歉，我还听不懂语音，请打字回答：',
  voiceNotHeard: (isMember) =>
    isMember
      ? '抱歉，我还听不懂语音，请打字告诉我您想办什么，比如回复「查积分」，或回复「菜单」看全部功能。'
      : '抱歉，我还听不懂语音，请打字告诉我您想办什么，回复「入会」加入会员，或回复「菜单」看全部功能。',
  intentLabel: (intent) => INTENT_LABELS[intent],
  clarify: (first, second) => `您是想：1 ${first} 2 ${second}？回复数字即可。`,
  notUnderstood: (first, second) =>
    `抱歉，我没太明白。您是想：\n1 ${first}\n2 ${second}\n3 人工服务\n回复数字即可，或回复「菜单」看全部功能。`,
  escalate: '抱歉，我还是没弄明白您的意思，请门店同事来帮您。',
  smalltalk: (topic, isMember) => smalltalkReply(topic, isMember),
  retry: (reason) => (reason ? `${reason}。请再试一次：` : '没看懂这个回答，请再试一次：'),
};

export const welcomeCopy = {
  newcomer: `欢迎关注！这里是车主会员俱乐部。回复「入会」即可加入会员，领取入会礼。\n${MENU}`,
  member: (name: string | null) => `${name ? `${name}，` : ''}欢迎回来！回复数字或文字：\n${MENU}`,
  /** A follow through a referral QR: who invited them (masked) and what joining brings. */
  referredFollow: (v: ReferralWelcome, timeZone: string) =>
    `欢迎关注！您的${inviterPhrase(v.inviter)}邀请您加入车主会员俱乐部。${referredOffer(v, timeZone)}\n${MENU}`,
  /** An existing follower scanning a referral QR. */
  referredScan: (v: ReferralWelcome, timeZone: string) =>
    `收到！您的${inviterPhrase(v.inviter)}邀请您加入会员。${referredOffer(v, timeZone)}`,
};

export const balanceCopy = {
  summary(v: EffectResults['load_balance'], timeZone: string): string {
    const lines = [`您现在有 ${formatPoints(v.available)}可用。`];
    if (v.expiringIn30Days > 0)
      lines.push(`其中 ${formatPoints(v.expiringIn30Days)}将在 30 天内到期，记得尽快使用。`);
    if (v.pending > 0) lines.push(`另有 ${formatPoints(v.pending)}待到账。`);
    lines.push(
      v.next
        ? `会员等级：${v.tierName}，再获得 ${formatPoints(v.next.pointsToGo)}可升级为${v.next.name}。`
        : `会员等级：${v.tierName}，已是最高等级。`,
    );
    if (v.freeMaintenance.allowance > 0) lines.push(freeMaintenanceLine(v.freeMaintenance));
    for (const voucher of v.vouchers) {
      lines.push(
        `可用券：${voucher.name}（券码 ${voucher.code}，${formatDateZh(new Date(voucher.expiresAt), timeZone)}到期）`,
      );
    }
    lines.push('回复「明细」看最近的积分变化，「兑换」用积分换礼品。');
    return lines.join('\n');
  },
};

/** 「本会员年免费基础保养已用 1 次，还剩 1 次。」 */
function freeMaintenanceLine(count: { allowance: number; used: number; left: number }): string {
  if (count.used === 0) return `本会员年可享免费基础保养 ${count.allowance} 次，还未使用。`;
  return count.left > 0
    ? `本会员年免费基础保养已用 ${count.used} 次，还剩 ${count.left} 次。`
    : `本会员年免费基础保养 ${count.allowance} 次已用完。`;
}

export const benefitsCopy = {
  summary(v: EffectResults['load_benefits']): string {
    const lines = [`您是${v.tierName}会员，本会员年（到 ${isoDateZh(v.yearEnd)}）的权益：`];
    if (v.freeMaintenance.allowance > 0) lines.push(`· ${freeMaintenanceLine(v.freeMaintenance)}`);
    if (v.serviceDiscountZhe !== null) lines.push(`· 到店保养维修工时配件享 ${v.serviceDiscountZhe} 折。`);
    if (v.birthdayGift) {
      const { birthday, voucherName } = v.birthdayGift;
      lines.push(
        birthday
          ? `· 生日礼：${birthday.month}月${birthday.day}日生日当天送「${voucherName}」。`
          : `· 生日礼：生日当天送「${voucherName}」，告诉门店您的生日就能收到。`,
      );
    }
    if (v.personalAdvisor) lines.push('· 专属服务顾问：一对一为您安排保养和用车事宜。');
    lines.push(
      v.freeMaintenance.left > 0
        ? '想用免费保养，回复「预约」约个时间，预约时选用即可；「查积分」看积分。'
        : '回复「预约」约保养，「查积分」看积分。',
    );
    return lines.join('\n');
  },
};

export const historyCopy = {
  empty: '您还没有积分记录。到店消费、推荐好友都能获得积分。回复「推荐」看看推荐有礼。',
  list(entries: EffectResults['load_history']['entries'], timeZone: string): string {
    const lines = entries.map(
      (entry) =>
        `· ${formatDateZh(new Date(entry.at), timeZone)} ${entry.points >= 0 ? '+' : ''}${formatPoints(entry.points)}\n  ${entry.explanation}`,
    );
    return `最近的积分变化：\n${lines.join('\n')}\n回复「为什么」看最近一笔是怎么算的，「查积分」看余额。`;
  },
  why(entry: EffectResults['load_history']['entries'][number], timeZone: string): string {
    const sign = entry.points >= 0 ? '+' : '';
    return `最近一笔是 ${formatDateZh(new Date(entry.at), timeZone)} ${sign}${formatPoints(entry.points)}，是这样来的：\n${entry.explanation}\n想看更多记录，回复「明细」。`;
  },
};

export const referralCopy = {
  share(v: EffectResults['load_referral']): string {
    const { terms } = v;
    const rewards: string[] = [];
    if (terms.newMemberPoints > 0)
      rewards.push(
        `· 朋友入会即得 ${formatPoints(terms.newMemberPoints)}${terms.welcomeGift ? '（入会礼另送）' : ''}`,
      );
    const referrerPaid = terms.yearlyCap > 0;
    if (referrerPaid && terms.referrerOnSignupPoints > 0)
      rewards.push(`· 朋友入会当天，您得 ${formatPoints(terms.referrerOnSignupPoints)}`);
    if (referrerPaid && terms.referrerOnFirstQualifyingPoints > 0 && terms.qualifyingCategories.length > 0)
      rewards.push(
        `· 朋友首次到店${joinOr(terms.qualifyingCategories)}，您再得 ${formatPoints(terms.referrerOnFirstQualifyingPoints)}`,
      );
    const lines = [`您的推荐码：${v.code}`, '把下面的二维码或链接发给朋友。'];
    if (rewards.length > 0) {
      lines.push(`朋友扫码关注后 ${terms.windowDays} 天内入会：`, ...rewards);
      if (referrerPaid && (terms.referrerOnSignupPoints > 0 || terms.referrerOnFirstQualifyingPoints > 0))
        lines.push(
          v.rewardedThisYear >= terms.yearlyCap
            ? `每个会员年最多奖励 ${formatInteger(terms.yearlyCap)} 位朋友，您本会员年的名额已用完${terms.newMemberPoints > 0 ? '，朋友入会照样有奖励' : ''}。`
            : `每个会员年最多奖励 ${formatInteger(terms.yearlyCap)} 位朋友，您本会员年已奖励 ${formatInteger(v.rewardedThisYear)} 位。`,
        );
    } else {
      lines.push('目前推荐朋友入会暂无积分奖励。');
    }
    lines.push(
      v.friendsJoined > 0
        ? `已有 ${formatInteger(v.friendsJoined)} 位朋友通过您加入，您共获得 ${formatPoints(v.pointsEarned)}。`
        : '还没有朋友通过您加入，快分享给身边的车主吧。',
      '回复「明细」看奖励到账记录，「查积分」看余额。',
    );
    return lines.join('\n');
  },
};

/** `['购车', '保养', '维修']` → `购车、保养或维修`. */
function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('、')}或${items.at(-1)}`;
}

/** 朋友王先生 / 朋友 138****5678 / 朋友 (the label is masked already, `inviterLabel`). */
function inviterPhrase(inviter: string | null): string {
  if (!inviter) return '朋友';
  return /^\d/.test(inviter) ? `朋友 ${inviter} ` : `朋友${inviter}`;
}

function referredOffer(v: ReferralWelcome, timeZone: string): string {
  const points = formatPoints(v.newMemberPoints);
  if (v.newMemberPoints > 0)
    return `${formatDateZh(v.deadline, timeZone)}前回复「入会」加入会员，${v.welcomeGift ? `除了入会礼，还能多得 ${points}推荐奖励` : `可得 ${points}推荐奖励`}。`;
  return v.welcomeGift ? '回复「入会」即可加入会员，领取入会礼。' : '回复「入会」即可加入会员。';
}

export const marketingCopy = {
  unsubscribed: '已为您退订活动和优惠消息。积分变动、保养提醒等服务通知照常发送。想恢复时回复「订阅」。',
  alreadyUnsubscribed: '您已经退订过活动消息了。想恢复时回复「订阅」。',
  subscribed: '已恢复接收活动和优惠消息，有好活动第一时间告诉您。不想收时回复「退订」。',
  alreadySubscribed: '您已经在接收活动消息了。不想收时回复「退订」。',
};

export const eraseCopy = {
  confirm:
    '注销后，您的称呼、手机号、生日、车辆信息和微信绑定会被删除，剩余积分和未使用的券将作废，且无法恢复。\n确定注销请回复「确认注销」，不注销请回复「取消」。',
  notConfirmed: '需要回复「确认注销」四个字才能注销',
  done: '已为您注销会员并删除个人信息。感谢一直以来的支持，期待再次为您服务。',
};

export const signupCopy = {
  askName: '欢迎加入车主会员！先告诉我怎么称呼您？（例如：王先生、李女士）',
  askMobile: (name: string) => `${name}您好！请输入您的手机号，我们会发一条短信验证码确认是您本人。`,
  askCode: '请回复短信里的验证码。没收到的话，稍等一会儿回复「重发」。',
  codeSent: (masked: string) => `验证码已发送到 ${masked}，5 分钟内有效。`,
  tooSoon: (seconds: number) => `验证码刚发过，请 ${seconds} 秒后再回复「重发」。`,
  dailyLimit: '这个号码今天收到的验证码已达上限，请明天再试。回复「菜单」看看我能做什么。',
  smsUnavailable: '短信暂时发不出去，请稍后再回复「入会」试试。',
  wrongCode: (left: number) => `验证码不对，还可以再试 ${left} 次。`,
  codeExpired: '验证码已失效，请回复「重发」获取新的验证码。',
  tooManyTries: '错误次数太多，这个验证码已作废。请回复「重发」获取新的验证码。',
  askPrivacy:
    '入会需要您同意《会员隐私政策》：我们只用您的信息提供会员服务，不会出售给任何人，您可以随时回复「注销」删除。同意请回复「同意」。',
  privacyRequired: '须同意隐私政策才能入会。回复「同意」继续，或回复「取消」放弃',
  askMarketing: '要不要接收节日活动和会员优惠消息？回复「要」或「不要」（以后随时可以回复「退订」）。',
  askBirthday: '您的生日是哪天？生日当天有惊喜。（例如 1990-05-20 或 05-20，不想填可回复「跳过」）',
  askPlate: '最后一步：您的车牌号是？（例如 沪A12345，不想填可回复「跳过」）',
  welcome(v: Extract<EffectResults['enrol'], { ok: true }>, name: string, timeZone: string): string {
    const gifts = [`入会礼 ${formatPoints(v.welcomePoints)}`];
    if (v.referralPoints > 0) gifts.push(`推荐奖励 ${formatPoints(v.referralPoints)}`);
    const thanks = v.referralPoints > 0 ? `感谢${inviterPhrase(v.inviter)}的邀请！` : '';
    const voucher = v.voucher
      ? `\n还有一张「${v.voucher.name}」，${formatDateZh(new Date(v.voucher.expiresAt), timeZone)}前到店使用。`
      : '';
    return `入会成功，欢迎您，${name}！\n已送您${gifts.join('、')}。${thanks}${voucher}\n回复「查积分」看看吧，或回复「菜单」看我还能做什么。`;
  },
  relinked: '这个手机号已经是会员了，已帮您把微信和会员账号关联好。回复「查积分」看看吧。',
  openidLinked: '您的微信已经绑定了会员账号。回复「查积分」看看吧。',
  notVerified: '手机号还没有验证成功，请重新输入手机号。',
  failed: (message: string) => `入会没有成功：${message}。回复「入会」重新开始。`,
};

export const redeemCopy = {
  empty: '暂时没有可兑换的礼品，过几天再来看看吧。回复「查积分」看您的积分。',
  /**
   * One page: what the member can redeem now, numbered; on the last page the rest apart, each
   * with what is missing (not numbered: they cannot be chosen).
   */
  page(v: {
    available: number;
    items: { number: number; name: string; cost: number }[];
    held: readonly OfferedReward[];
    more: boolean;
  }): string {
    const lines = [`您有 ${formatPoints(v.available)}可用。可兑换的礼品：`];
    lines.push(...v.items.map((item) => `${item.number}. ${item.name} — ${formatPoints(item.cost)}`));
    if (v.held.length > 0) lines.push(HELD_HEADING, ...heldLines(v.held));
    lines.push(v.more ? '回复序号选择，回复「下一页」看更多。' : '回复序号选择。');
    return lines.join('\n');
  },
  /** Nothing to redeem yet: what each reward still needs. */
  nothingYet: (available: number, held: readonly OfferedReward[]) =>
    [
      `您有 ${formatPoints(available)}可用，暂时还没有能兑换的礼品。`,
      HELD_HEADING,
      ...heldLines(held),
      '到店消费、推荐朋友都能攒积分。回复「推荐」看看推荐有礼，「查积分」看您的积分。',
    ].join('\n'),
  badChoice: '请回复礼品前面的序号',
  /** A reward the member cannot redeem, chosen by its name: what is missing. */
  held(reward: OfferedReward, hold: RewardHold, tierName: string): string {
    const again = '换一个试试，或回复「取消」。';
    switch (hold.kind) {
      case 'points':
        return redeemCopy.notEnough(reward.name, reward.cost, hold.missing);
      case 'tier': {
        const who = hold.top ? hold.tierName : `${hold.tierName}及以上`;
        return `「${reward.name}」仅限${who}会员兑换，您现在是${tierName}。${again}`;
      }
      case 'sold_out':
        return `「${reward.name}」已经兑完了。${again}`;
      case 'limit':
        return `「${reward.name}」${PERIOD_LIMIT[hold.period]}限兑 ${formatInteger(hold.count)} 次，您已兑满。${again}`;
    }
  },
  notEnough: (name: string, cost: number, missing: number) =>
    `兑换「${name}」需要 ${formatPoints(cost)}，您还差 ${formatPoints(missing)}。换一个试试，或回复「取消」。`,
  confirm: (name: string, cost: number) =>
    `确认用 ${formatPoints(cost)}兑换「${name}」吗？回复「确认」或「不了」。`,
  declined: '好的，这次先不兑换。回复「兑换」可以再看看。',
  done: (v: Extract<EffectResults['redeem'], { ok: true }>, timeZone: string) =>
    `兑换成功！「${v.rewardName}」券码：${v.code}\n${formatDateZh(new Date(v.expiresAt), timeZone)}前到店出示券码即可使用。剩余 ${formatPoints(v.available)}。`,
  insufficient: (missing: number) => `积分不够，还差 ${formatPoints(missing)}。回复「兑换」换一个试试。`,
  unavailable: (message: string) => `这次没有兑换成功：${message}。回复「兑换」换一个试试。`,
};

const HELD_HEADING = '暂时换不了的礼品：';
const PERIOD_LIMIT: Record<RewardPeriod, string> = {
  month: '每月',
  year: '每年',
  membershipYear: '每个会员年',
  lifetime: '每人',
};

/** 金卡及以上, or 钻石卡专享 for the highest tier. */
function tierReach(hold: { tierName: string; top: boolean }): string {
  return hold.top ? `${hold.tierName}专享` : `${hold.tierName}及以上`;
}

/** What a held reward is missing, in a few words: 还差 320 积分 / 金卡及以上 / 已兑完. */
function holdText(hold: RewardHold): string {
  switch (hold.kind) {
    case 'points':
      return `还差 ${formatPoints(hold.missing)}`;
    case 'tier':
      return tierReach(hold);
    case 'sold_out':
      return '已兑完';
    case 'limit':
      return `${PERIOD_LIMIT[hold.period]}限兑 ${formatInteger(hold.count)} 次，已兑满`;
  }
}

/** Held rewards listed at most, so the page stays one WeChat message (2,048 bytes). */
const MAX_HELD_LINES = 8;

/** `· 品牌车载香氛 — 3,000 积分（还差 1,000 积分）` for each reward held back (the first few). */
function heldLines(held: readonly OfferedReward[]): string[] {
  const lines = held
    .slice(0, MAX_HELD_LINES)
    .map(
      (reward) =>
        `· ${reward.name} — ${formatPoints(reward.cost)}${reward.hold ? `（${holdText(reward.hold)}）` : ''}`,
    );
  if (held.length > MAX_HELD_LINES) lines.push(`· ……另有 ${formatInteger(held.length - MAX_HELD_LINES)} 件`);
  return lines;
}

/** Service words as the chat names them back (slots, `ServiceKind`). */
export const SERVICE_LABELS: Record<ServiceKind, string> = {
  maintenance: '保养',
  repair: '维修',
  'body-paint': '钣喷',
  insurance: '保险',
  inspection: '年检',
};

export const missingPointsCopy = {
  askDate: '哪天的消费没拿到积分？（例如 2026-11-20、11-20，或「今天」「昨天」）',
  askDayIn: (label: string, from: string, to: string) =>
    `${label}（${from}–${to}）哪天的消费没拿到积分？回复星期几（例如 周六）或日期（例如 11-20）。`,
  badDate: '日期应为今天或以前的真实日期，例如 2026-11-20 或 11-20',
  askAmount: '消费金额是多少元？（例如 1280 或 1280.50）',
  badAmount: '金额应为大于 0 的数字，最多两位小数，例如 1280.50',
  askStore: (stores: readonly { name: string }[]) =>
    `在哪家门店消费的？回复序号：\n${stores.map((store, i) => `${i + 1}. ${store.name}`).join('\n')}`,
  badStore: '请回复门店前面的序号',
  askInvoice: '有发票或小票的照片吗？有的话直接发过来，没有请回复「跳过」。',
  badInvoice: '请发一张照片，或回复「跳过」',
  done: (date: string, amount: string, service: ServiceKind | null = null) =>
    `已收到：${date} ${service ? SERVICE_LABELS[service] : ''}消费 ${amount}。门店核实后会在这里告诉您结果。回复「查积分」看看您的积分。`,
};

const CAR_LABELS = ['车牌', '车型', '里程', '保险到期日', '年检日期'] as const;

const CAR_LABELS_BY_FIELD: Record<keyof CarFacts, string> = {
  plate: '车牌',
  model: '车型',
  mileageKm: '里程',
  insuranceEndsOn: '保险到期日',
  inspectionDueOn: '年检日期',
};

function carValueZh(field: keyof CarFacts, value: string | number): string {
  if (field === 'mileageKm') return `${formatInteger(Number(value))} 公里`;
  if (field === 'insuranceEndsOn' || field === 'inspectionDueOn') return isoDateZh(String(value));
  return String(value);
}

export const myCarCopy = {
  summary(car: CarFacts | null): string {
    const value = (text: string | null) => text ?? '未填';
    const lines = car
      ? [
          `车牌：${value(car.plate)}`,
          `车型：${value(car.model)}`,
          `里程：${car.mileageKm === null ? '未填' : `${formatInteger(car.mileageKm)} 公里`}`,
          `保险到期：${car.insuranceEndsOn ? isoDateZh(car.insuranceEndsOn) : '未填'}`,
          `年检日期：${car.inspectionDueOn ? isoDateZh(car.inspectionDueOn) : '未填'}`,
        ]
      : ['还没有登记车辆信息。'];
    return `您的爱车：\n${lines.join('\n')}`;
  },
  askField: `要更新哪一项？回复序号：\n${CAR_LABELS.map((label, i) => `${i + 1} ${label}`).join('\n')}\n不改了就回复「取消」。保险和年检日期填好后，到期前我们会提醒您。`,
  badField: '请回复 1–5 的序号',
  askValue: {
    plate: '请输入车牌号（例如 沪A12345）：',
    model: '请输入车型（例如 途观L 2023款）：',
    mileageKm: '请输入现在的里程数，单位公里（例如 35000）：',
    insuranceEndsOn: '请输入保险到期日（例如 2027-03-31）：',
    inspectionDueOn: '请输入下次年检日期（例如 2027-06-30）：',
  },
  plateNeeded: '这里需要填车牌号，不改了就回复「取消」',
  badModel: '车型请填 1–40 个字',
  badMileage: '里程应为 0–2,000,000 之间的整数公里数',
  badDate: '日期应为真实日期，例如 2027-03-31',
  confirmChange: (field: keyof CarFacts, value: string | number) =>
    `把${CAR_LABELS_BY_FIELD[field]}改为 ${carValueZh(field, value)}？回复「确认」保存，不改了回复「不了」。`,
  notChanged: '好的，没有改动。还要改别的，回复「我的车」。',
  updated: (car: CarFacts) => `已更新。\n${myCarCopy.summary(car)}\n还要改别的，回复「我的车」。`,
};

export const answerCopy = {
  yesOrNo: '请回复「要」或「不要」',
  confirmOrNot: '请回复「确认」或「不了」',
  mobile: '手机号应为 11 位中国大陆手机号，例如 13812345678',
  name: '称呼应为 1–20 个字',
  code: '验证码是短信里的几位数字',
  birthday: '生日应为真实日期，例如 1990-05-20 或 05-20',
  plate: '车牌号格式不正确，例如 沪A12345 或 粤BD12345',
};

export const serviceRatingCopy = {
  askRating: '请为这次服务打分，回复数字即可（分数越高越满意）。',
  badRating: (max: number) => `请回复 1–${max} 之间的数字`,
  notARating: '请回复一个数字打分，例如 5',
  thanks: (alerted: boolean) =>
    alerted ? '收到您的评分。很抱歉这次没让您满意，门店负责人会尽快跟进。' : '收到您的评分，谢谢您的支持！',
  askComment: '可以说说哪里做得好或需要改进吗？回复「跳过」结束',
  badComment: '建议请控制在 500 字以内',
  commentSaved: '已记下您的建议，谢谢！我们会继续改进。回复「菜单」看看我能做什么。',
  skipped: '好的，感谢您的评价！回复「菜单」看看我能做什么。',
  alreadyRated: '您已经评过分了，再次感谢您的反馈！回复「菜单」看看我能做什么。',
  noneOpen: '目前没有需要评价的服务。回复「菜单」看看我能做什么。',
};

export const humanCopy = {
  contact: (contact: EffectResults['load_store_contact']) =>
    `需要人工服务的话，可以直接联系${contact.name}：\n电话：${contact.phone ?? '请到店咨询'}\n营业时间：${contact.hours ?? '以门店公告为准'}${contact.address ? `\n地址：${contact.address}` : ''}`,
  guestHint: '回复「入会」加入会员，还可以在这里预约回电。',
  offer: '也可以请门店工作人员给您回电：回复「回电」；不需要就回复「不用」。',
  badOffer: '请回复「回电」或「不用」',
  askNote: '请用一句话说说想咨询什么（例如：想预约周六上午保养），回复「跳过」直接提交。',
  badNote: '说明请控制在 200 字以内',
  declined: '好的。有需要随时回复「人工」。',
  done: (storeName: string) =>
    `已为您登记回电，${storeName}的工作人员会在营业时间内联系您。回复「菜单」看看我能做什么。`,
};

/** Re-binding a membership to another WeChat account (issue 11, accounts). */
export const rebindCopy = {
  /** After the SMS code, to the new WeChat account: the member's summary, nothing asked again. */
  welcomeBack(v: Extract<EffectResults['rebind_member'], { status: 'rebound' }>): string {
    const lines = [
      `${v.name ? `${v.name}，` : ''}欢迎回来！您的会员已绑定到这个微信。`,
      `可用积分：${formatPoints(v.available)}`,
      `会员等级：${v.tierName}`,
    ];
    if (v.tookOver) lines.push('原来绑定的微信不再接收会员消息。');
    lines.push('回复「查积分」看详情，或回复「菜单」看我还能做什么。');
    return lines.join('\n');
  },
  /** Two WeChat accounts verified the same mobile at once, and the other one was first. */
  conflict: '这个会员刚刚绑定到了另一个微信。如果不是您本人操作，请回复「人工」联系门店。',
  /** The old account asks for something members-only after its membership moved. */
  movedAway: (movedAt: string, timeZone: string) =>
    `您的会员已于${formatDateZh(new Date(movedAt), timeZone)}绑定到另一个微信，这个微信暂时不能使用会员服务。如果不是您本人操作，请回复「人工」联系门店找回；也可以回复「入会」用其他手机号加入。`,
};

/** 我的券: the member's open vouchers. */
export const myVouchersCopy = {
  list(vouchers: EffectResults['load_balance']['vouchers'], timeZone: string): string {
    if (vouchers.length === 0)
      return '您现在没有可用的券。回复「兑换」用积分换礼品，或回复「菜单」看看我能做什么。';
    const lines = [`您有 ${formatInteger(vouchers.length)} 张可用券：`];
    for (const voucher of vouchers) {
      lines.push(
        `· ${voucher.name}\n  券码 ${voucher.code}，${formatDateZh(new Date(voucher.expiresAt), timeZone)}到期`,
      );
    }
    lines.push('到店出示券码即可使用。回复「查积分」看积分，「菜单」看全部功能。');
    return lines.join('\n');
  },
};

/** 门店: every store of the program with its address, phone and hours. */
export const storesCopy = {
  list(
    stores: readonly {
      name: string;
      phone?: string | undefined;
      hours?: string | undefined;
      address?: string | undefined;
    }[],
  ): string {
    const lines = stores.map(
      (store) =>
        `${store.name}${store.address ? `\n  地址：${store.address}` : ''}\n  电话：${store.phone ?? '请到店咨询'}\n  营业时间：${store.hours ?? '以门店公告为准'}`,
    );
    return `我们的门店：\n${lines.join('\n')}\n需要门店同事回电请回复「人工」，回复「菜单」看全部功能。`;
  },
};
