import type { IntentId } from './intent-id';

/**
 * How members ask for each intent. `exact`: whole messages (after `normalizeText`), also matched
 * with one typo when at least two characters long; `contains`: phrases that decide the intent
 * wherever they appear in a longer sentence (checked in table order, so put the specific first);
 * `initials`: pinyin-initial shortcuts typed as the whole message (`jf` for 积分).
 */
export interface IntentPhrases {
  intent: IntentId;
  exact: readonly string[];
  contains: readonly string[];
  initials: readonly string[];
}

export const intentTable: readonly IntentPhrases[] = [
  {
    intent: 'program_faq',
    exact: ['积分规则', '会员规则', '积分怎么算', '等级规则', '会员等级有哪些', '积分多久过期', '积分有效期'],
    contains: ['积分规则', '会员规则', '等级规则', '有效期', '多久过期', '怎么升级'],
    initials: ['jfgz'],
  },
  {
    intent: 'complaint',
    exact: ['投诉', '我要投诉', '我想投诉', '投诉门店', '投诉服务', '差评'],
    contains: ['投诉', '差评'],
    initials: [],
  },
  {
    intent: 'my_bookings',
    exact: ['我的预约', '改预约', '取消预约', '改约', '查预约', '预约改期', '改期', '预约记录'],
    contains: ['我的预约', '改预约', '取消预约', '预约取消', '改约', '预约改', '约的时间', '查预约'],
    initials: ['wdyy'],
  },
  {
    intent: 'booking',
    exact: ['预约', '预约保养', '约个时间做保养', '我要修车', '我要预约', '预约维修', '保养预约', '约保养'],
    contains: ['预约', '约个时间', '约保养', '修车', '约一下'],
    initials: ['yy', 'yyby'],
  },
  {
    intent: 'why',
    exact: ['为什么', '为啥', '怎么算的'],
    contains: ['为什么', '为啥', '怎么算', '怎么来的', '怎么这么少'],
    initials: ['wsm'],
  },
  {
    intent: 'missing_points',
    exact: ['积分没到账', '没到账', '积分没到', '漏积分'],
    contains: ['没到账', '没有到账', '没加积分', '没给积分', '积分没到', '漏积分'],
    initials: ['mdz'],
  },
  {
    intent: 'history',
    exact: ['明细', '积分明细', '积分记录', '记录', '流水', '账单'],
    contains: ['明细', '积分记录', '积分流水', '积分历史'],
    initials: ['mx', 'jfmx'],
  },
  {
    intent: 'redeem',
    exact: ['兑换', '积分兑换', '兑礼品', '换礼品', '礼品', '商城', '积分商城'],
    contains: ['兑换', '换礼', '兑礼', '礼品', '商城', '能换什么', '换什么'],
    initials: ['dh', 'jfdh'],
  },
  {
    intent: 'referral',
    exact: ['推荐', '推荐有礼', '邀请', '邀请好友', '推荐好友', '我的二维码', '推荐码', '邀请码'],
    contains: ['推荐', '邀请', '二维码', '拉新'],
    initials: ['tj', 'yq', 'tjyl'],
  },
  {
    intent: 'unsubscribe',
    exact: ['退订', 'td', 'T', '取消订阅', '不要推送', '别发了'],
    contains: ['退订', '取消订阅', '不要推送', '别再发', '不想收'],
    initials: [],
  },
  {
    intent: 'subscribe',
    exact: ['订阅', '恢复订阅', '重新订阅', '接收推送'],
    contains: ['恢复订阅', '重新订阅', '接收推送'],
    initials: ['dy'],
  },
  {
    intent: 'erase',
    exact: ['注销', '注销会员', '删除我的数据', '删除数据', '删除信息'],
    contains: ['注销', '删除我的', '删除数据', '删除信息', '删掉我的'],
    initials: ['zx'],
  },
  {
    intent: 'signup',
    exact: ['入会', '注册', '加入会员', '成为会员', '开通会员', '办会员', '办卡', '加入'],
    contains: ['入会', '注册', '加入会员', '成为会员', '开通会员', '办会员'],
    initials: ['rh', 'zc'],
  },
  {
    intent: 'my_car',
    exact: ['我的车', '爱车', '车辆信息', '我的爱车'],
    contains: ['我的车', '爱车', '车辆信息', '保险到期', '年检'],
    initials: ['wdc'],
  },
  {
    intent: 'my_vouchers',
    exact: ['我的券', '我的优惠券', '卡券', '我的卡券', '优惠券', '查券'],
    contains: ['我的券', '优惠券', '卡券'],
    initials: ['wdq'],
  },
  {
    intent: 'stores',
    exact: ['门店', '门店地址', '门店电话', '营业时间', '店在哪', '地址'],
    contains: ['门店地址', '门店电话', '营业时间'],
    initials: ['md'],
  },
  {
    intent: 'benefits',
    exact: ['权益', '会员权益', '我的权益', '我有什么权益', '等级权益'],
    contains: ['权益', '免费保养还有', '免费保养剩'],
    initials: ['qy'],
  },
  {
    intent: 'human',
    exact: ['人工', '人工客服', '客服', '转人工', '真人'],
    contains: ['人工', '客服', '真人'],
    initials: ['rg', 'kf'],
  },
  {
    intent: 'balance',
    exact: [
      '查积分',
      '积分',
      '积分余额',
      '余额',
      '我的积分',
      '查分',
      '多少分',
      '等级',
      '我的等级',
      '会员等级',
    ],
    contains: [
      '多少分',
      '多少积分',
      '积分余额',
      '查积分',
      '剩多少',
      '还有多少',
      '我的积分',
      '几分',
      '等级',
      '积分',
    ],
    initials: ['jf', 'cjf', 'jfye'],
  },
  {
    intent: 'help',
    exact: ['帮助', '菜单', 'help', 'menu', '功能', '你好', '您好', 'hi', 'hello', '在吗'],
    contains: ['帮助', '菜单', '怎么用', '能做什么', '有什么功能'],
    initials: ['bz', 'cd'],
  },
];

/** The help menu's numbers (also the numbers members type). */
export const menuNumbers: Readonly<Record<string, IntentId>> = {
  '1': 'balance',
  '2': 'history',
  '3': 'why',
  '4': 'redeem',
  '5': 'referral',
  '6': 'signup',
  '7': 'unsubscribe',
  '8': 'subscribe',
  '9': 'erase',
};

/**
 * Official-account menu CLICK keys (configured in the MP admin). Keys are matched case-insensitively;
 * an intent id in capitals (`BALANCE`, `MY_CAR`) also works, so a new menu entry needs no code.
 */
export const clickKeys: Readonly<Record<string, IntentId>> = {
  MENU_BALANCE: 'balance',
  MENU_HISTORY: 'history',
  MENU_REDEEM: 'redeem',
  MENU_REFERRAL: 'referral',
  MENU_SIGNUP: 'signup',
  MENU_HELP: 'help',
  MENU_HUMAN: 'human',
  MENU_MY_CAR: 'my_car',
};
