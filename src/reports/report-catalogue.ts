/** The staff reports, in the order the console lists them. */
export const reportCatalogue = [
  { id: 'tiers', title: '会员等级分布', description: '当前有效会员按等级统计（不含已注销）' },
  {
    id: 'new-members',
    title: '每周新增会员',
    description: '按周统计新入会会员：推荐入会、自然入会、批量导入',
  },
  {
    id: 'points',
    title: '每周积分发放与消耗',
    description: '按周统计积分发放（含奖励与正向调整）、兑换消耗和过期',
  },
  {
    id: 'liability',
    title: '积分负债',
    description: '会员尚未使用的积分（可用与待生效）及其折合金额，按等级统计',
  },
  {
    id: 'campaign-funnel',
    title: '营销活动触达漏斗',
    description: '近期营销活动的目标人数、已发送、待群发、跳过、失败和赠送积分人数',
  },
  {
    id: 'care-outcomes',
    title: '关怀消息发送结果',
    description: '各类关怀消息的发送、跳过（按主要原因）和失败数量',
  },
  { id: 'ratings', title: '服务评价', description: '按周统计售后服务评价的回复数和平均分' },
] as const;

export type ReportId = (typeof reportCatalogue)[number]['id'];

export function isReportId(value: string): value is ReportId {
  return reportCatalogue.some((report) => report.id === value);
}
