import type { Tone } from './components/badge';
import type { CampaignStatus, Program, Reward, VoucherStatus } from './types';

/** The words staff see for the API's codes, in one place. */

export const campaignStatus: Record<CampaignStatus, { label: string; tone: Tone }> = {
  draft: { label: '草稿', tone: 'neutral' },
  scheduled: { label: '已安排', tone: 'info' },
  running: { label: '发送中', tone: 'warning' },
  paused: { label: '已暂停', tone: 'warning' },
  completed: { label: '已完成', tone: 'success' },
  cancelled: { label: '已取消', tone: 'danger' },
};

export const skipReasons: Record<string, string> = {
  unfollowed: '已取消关注',
  opted_out: '已退订',
  no_consent: '未同意接收营销消息',
  cap_reached: '已达发送次数上限',
  platform_cap: '已达平台群发上限',
  window_closed: '超出 48 小时互动窗口',
  no_template: '没有可用的模板消息',
  expired: '消息已过期',
  member_gone: '会员已注销',
};

export const voucherStatus: Record<VoucherStatus, { label: string; tone: Tone }> = {
  issued: { label: '可使用', tone: 'success' },
  used: { label: '已核销', tone: 'neutral' },
  expired: { label: '已过期', tone: 'warning' },
  cancelled: { label: '已作废', tone: 'danger' },
};

export const ledgerTypes: Record<string, string> = {
  earn: '消费积分',
  activate: '积分生效',
  redeem: '兑换',
  refund: '退款扣回',
  expire: '过期',
  adjust: '人工调整',
  cancel_redemption: '取消兑换退回',
  debt_payment: '抵扣欠分',
  bonus: '活动赠送',
  welcome: '入会礼',
  referral: '推荐奖励',
};

export const limitPeriods: Record<NonNullable<Reward['perMemberLimit']>['period'], string> = {
  month: '每月',
  year: '每年',
  membershipYear: '每个会员年度',
  lifetime: '每人累计',
};

/** 每月限 2 次, or 不限. */
export function limitText(reward: Pick<Reward, 'perMemberLimit'>): string {
  const limit = reward.perMemberLimit;
  return limit ? `${limitPeriods[limit.period]}限 ${limit.count} 次` : '不限';
}

/** A tier code by its name in the program (不限 for none). */
export function tierName(code: string | null, program: Program): string {
  if (!code) return '不限';
  return program.tiers.find((t) => t.code === code)?.name ?? code;
}

/** Store ids by their names (全部门店 for none: valid everywhere). */
export function storeNames(ids: readonly string[] | null, program: Program): string {
  if (!ids) return '全部门店';
  return ids.map((id) => program.stores.find((s) => s.id === id)?.name ?? id).join('、');
}

export const consentKinds: Record<string, string> = { privacy: '隐私政策', marketing: '营销消息' };

/** Why a member's WeChat binding changed (`bindingHistory[].reason`). */
export const bindingReasons: Record<string, string> = {
  signup: '入会绑定',
  rebind: '换绑到新微信',
  relink: '验证手机号绑定',
  unfollow: '取消关注解绑',
  erase: '注销解绑',
};

export const channels: Record<string, string> = {
  chat: '公众号',
  counter: '门店柜台',
  import: '批量导入',
  api: '接口',
  staff: '员工操作',
  test: '测试',
};
