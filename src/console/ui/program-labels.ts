import type { ProgramFile } from './types';

/**
 * What staff read for a setting of the program file, by its path with list positions as `[]` and
 * the keys staff choose (category codes, care-message kinds, template fields) as `*`. Every path
 * a change can touch has words here: a test walks the default program (and the optional parts)
 * and fails on any path missing. The item a path belongs to (a tier, a store, a reward, a
 * category, a care message) is named in front of it from the program itself: 「银卡 · 年度积分门槛」.
 */
export const PROGRAM_LABELS: Readonly<Record<string, string>> = {
  version: '方案版本名',
  timezone: '时区',
  programName: '方案名称',
  stores: '门店列表',
  'stores[]': '门店',
  'stores[].id': '门店编号',
  'stores[].name': '门店名称',
  'stores[].phone': '门店电话',
  'stores[].hours': '营业时间',
  'stores[].address': '门店地址',
  'stores[].booking': '预约设置',
  'stores[].booking.services': '预约 · 可约服务',
  'stores[].booking.weekdays': '预约 · 营业星期（1 为周一）',
  'stores[].booking.opens': '预约 · 开始时间',
  'stores[].booking.closes': '预约 · 结束时间',
  'stores[].booking.capacityPerSlot': '预约 · 每个时段可接车辆数',
  'stores[].booking.closedDates': '预约 · 本店休息日',
  tiers: '会员等级列表',
  'tiers[]': '会员等级',
  'tiers[].code': '等级代码',
  'tiers[].name': '等级名称',
  'tiers[].threshold': '年度积分门槛',
  'tiers[].multiplier': '积分倍数',
  'tiers[].serviceDiscount': '服务折扣',
  'tiers[].freeMaintenancePerYear': '每年免费保养次数',
  'tiers[].birthdayGift': '生日礼',
  'tiers[].personalAdvisor': '专属顾问',
  tierReview: '年度等级复核',
  'tierReview.maxLevelsDown': '年度复核最多降几级',
  categories: '消费类别',
  'categories.*': '消费类别',
  'categories.*.name': '类别名称',
  'categories.*.rate': '每消费 1 元积分',
  'categories.*.pendingDays': '积分到账等待天数',
  'categories.*.referralQualifying': '算作推荐有礼的首次消费',
  'categories.*.postServiceFollowUp': '服务后回访',
  promotions: '积分加倍活动',
  'promotions.memberDay': '会员日加倍',
  'promotions.memberDay.enabled': '会员日加倍 · 开关',
  'promotions.memberDay.name': '会员日加倍 · 名称',
  'promotions.memberDay.dayOfMonth': '会员日加倍 · 每月几号',
  'promotions.memberDay.multiplier': '会员日加倍 · 倍数',
  'promotions.birthday': '生日加倍',
  'promotions.birthday.enabled': '生日加倍 · 开关',
  'promotions.birthday.name': '生日加倍 · 名称',
  'promotions.birthday.multiplier': '生日加倍 · 倍数',
  firstTransactionBonus: '首笔消费奖励',
  'firstTransactionBonus.percent': '首笔消费奖励 · 百分比',
  expiry: '积分有效期',
  'expiry.months': '积分有效期 · 月数',
  'expiry.endOfMonth': '积分有效期 · 到期当月月底失效',
  redemption: '积分抵现与券码',
  'redemption.pointsPerYuan': '积分抵现 · 多少积分抵 ¥1',
  'redemption.voucherCode': '券码格式',
  'redemption.voucherCode.length': '券码格式 · 位数',
  'redemption.voucherCode.alphabet': '券码格式 · 可用字符',
  catalogue: '礼品目录',
  'catalogue[]': '礼品',
  'catalogue[].id': '礼品编号',
  'catalogue[].name': '礼品名称',
  'catalogue[].cost': '所需积分',
  'catalogue[].validityDays': '券有效天数',
  'catalogue[].stock': '初始库存',
  'catalogue[].perMemberLimit': '每人兑换限制',
  'catalogue[].perMemberLimit.count': '每人兑换限制 · 次数',
  'catalogue[].perMemberLimit.period': '每人兑换限制 · 周期',
  'catalogue[].minTier': '最低等级',
  'catalogue[].storeIds': '可用门店',
  welcome: '入会礼',
  'welcome.points': '入会礼 · 积分',
  'welcome.voucher': '入会礼 · 礼券',
  'welcome.voucher.name': '入会礼 · 礼券名称',
  'welcome.voucher.validityDays': '入会礼 · 礼券有效天数',
  referral: '推荐有礼',
  'referral.newMemberPoints': '推荐有礼 · 新会员积分',
  'referral.referrerOnSignupPoints': '推荐有礼 · 推荐人入会奖励',
  'referral.referrerOnFirstQualifyingPoints': '推荐有礼 · 推荐人首次消费奖励',
  'referral.windowDays': '推荐有礼 · 首次消费期限（天）',
  'referral.maxRewardedPerMembershipYear': '推荐有礼 · 每会员年度最多奖励人数',
  signup: '入会设置',
  'signup.privacyPolicyVersion': '隐私政策版本',
  'signup.sms': '短信验证码',
  'signup.sms.codeLength': '短信验证码 · 位数',
  'signup.sms.ttlSeconds': '短信验证码 · 有效秒数',
  'signup.sms.maxAttempts': '短信验证码 · 最多尝试次数',
  'signup.sms.resendSeconds': '短信验证码 · 重发间隔秒数',
  'signup.sms.maxPerNumberPerDay': '短信验证码 · 每个号码每天最多条数',
  care: '关怀消息',
  'care.sendAt': '关怀消息 · 发送时间',
  'care.birthday': '生日祝福',
  'care.birthday.enabled': '生日祝福 · 开关',
  'care.birthday.feb29On': '生日祝福 · 2 月 29 日生日在平年何时发送',
  'care.birthdayGiftVoucher': '生日礼遇券',
  'care.birthdayGiftVoucher.name': '生日礼遇券 · 名称',
  'care.birthdayGiftVoucher.validityDays': '生日礼遇券 · 有效天数',
  'care.maintenanceDue': '保养到期提醒',
  'care.maintenanceDue.enabled': '保养到期提醒 · 开关',
  'care.maintenanceDue.monthsAfterService': '保养到期提醒 · 上次保养后几个月',
  'care.maintenanceDue.kmAfterService': '保养到期提醒 · 上次保养后多少公里',
  'care.maintenanceDue.daysBefore': '保养到期提醒 · 提前几天提醒',
  'care.insuranceRenewal': '续保提醒',
  'care.insuranceRenewal.enabled': '续保提醒 · 开关',
  'care.insuranceRenewal.daysBefore': '续保提醒 · 提前几天提醒',
  'care.inspectionDue': '年检提醒',
  'care.inspectionDue.enabled': '年检提醒 · 开关',
  'care.inspectionDue.daysBefore': '年检提醒 · 提前几天提醒',
  'care.pointsExpiring': '积分到期提醒',
  'care.pointsExpiring.enabled': '积分到期提醒 · 开关',
  'care.pointsExpiring.daysBefore': '积分到期提醒 · 提前几天提醒',
  'care.pointsExpiring.minPoints': '积分到期提醒 · 至少多少积分才提醒',
  'care.postService': '服务回访',
  'care.postService.enabled': '服务回访 · 开关',
  'care.postService.delayDays': '服务回访 · 服务后几天发送',
  'care.postService.maxRating': '服务回访 · 评分满分',
  'care.postService.alertAtOrBelow': '服务回访 · 低于或等于几分提醒员工',
  'care.voucherExpiring': '券到期提醒',
  'care.voucherExpiring.enabled': '券到期提醒 · 开关',
  'care.voucherExpiring.daysBefore': '券到期提醒 · 提前几天提醒',
  'care.templates': '模板消息',
  'care.templates.*': '模板消息',
  'care.templates.*.templateId': '模板消息 · 模板编号',
  'care.templates.*.fields': '模板消息 · 字段',
  'care.templates.*.fields.*': '模板消息 · 字段内容',
  marketing: '营销消息',
  'marketing.caps': '营销消息上限',
  'marketing.caps.perDay': '营销消息上限 · 每人每天',
  'marketing.caps.perMonth': '营销消息上限 · 每人每月',
  'marketing.quietHours': '营销消息免打扰时段',
  'marketing.quietHours.start': '营销消息免打扰 · 开始时间',
  'marketing.quietHours.end': '营销消息免打扰 · 结束时间',
  'marketing.winBack': '久未到店关怀',
  'marketing.winBack.enabled': '久未到店关怀 · 开关',
  'marketing.winBack.afterDaysWithoutVisit': '久未到店关怀 · 多少天未到店',
  'marketing.massSend': '群发节奏',
  'marketing.massSend.batchSize': '群发节奏 · 每批人数',
  'marketing.massSend.perMinute': '群发节奏 · 每分钟批数',
  'marketing.massSend.settleSeconds': '群发节奏 · 等待结果秒数',
  bookings: '服务预约',
  'bookings.services': '预约服务列表',
  'bookings.services[]': '预约服务',
  'bookings.services[].id': '服务编号',
  'bookings.services[].name': '服务名称',
  'bookings.services[].freeMaintenance': '可用免费保养抵扣',
  'bookings.slotMinutes': '服务预约 · 每个时段分钟数',
  'bookings.earliestMinutes': '服务预约 · 至少提前多少分钟预约',
  'bookings.horizonDays': '服务预约 · 最多提前几天预约',
  'bookings.changeCutoffMinutes': '服务预约 · 开始前多少分钟内会员不能改约或取消',
  'bookings.closedDates': '服务预约 · 全部门店休息日',
  'bookings.reminder': '服务预约 · 前一天提醒',
  'bookings.reminder.enabled': '服务预约 · 前一天提醒是否开启',
  'bookings.reminder.dayBeforeAt': '服务预约 · 前一天几点提醒',
  nightlyRun: '夜间结算',
  'nightlyRun.at': '夜间结算 · 时间',
  complaints: '投诉处理',
  'complaints.callBackWithinHours': '投诉处理 · 门店几小时内回电',
};

/** The care messages by their key in the program (`care.<kind>`, `care.templates.<kind>`). */
export const CARE_KINDS: Readonly<Record<string, string>> = {
  birthday: '生日祝福',
  maintenanceDue: '保养到期提醒',
  insuranceRenewal: '续保提醒',
  inspectionDue: '年检提醒',
  pointsExpiring: '积分到期提醒',
  postService: '服务回访',
  voucherExpiring: '券到期提醒',
};

type Segment = string | number;

/** `catalogue[2].storeIds[0]` → ['catalogue', 2, 'storeIds', 0]. */
function segmentsOf(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      out.push(part);
      continue;
    }
    if (match[1]) out.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/** The table key of a path: positions as `[]`, chosen keys as `*`. */
function patternOf(segments: readonly Segment[]): string {
  let pattern = '';
  segments.forEach((segment, i) => {
    const parent = segments.slice(0, i).join('.');
    const chosen =
      (i === 1 && segments[0] === 'categories') ||
      (i === 2 && parent === 'care.templates') ||
      (i === 4 && segments[1] === 'templates' && segments[3] === 'fields');
    if (typeof segment === 'number') pattern += '[]';
    else pattern += `${pattern ? '.' : ''}${chosen ? '*' : segment}`;
  });
  return pattern;
}

/**
 * The segments that name one item of a list or a keyed set: `tiers[1]`, `categories.x`,
 * `care.templates.x`, `bookings.services[2]`.
 */
function itemDepth(segments: readonly Segment[]): number | null {
  const [head, second] = segments;
  if (head === 'tiers' || head === 'stores' || head === 'catalogue' || head === 'categories') return 2;
  if (head === 'care' && second === 'templates') return 3;
  if (head === 'bookings' && second === 'services') return 3;
  return null;
}

/** The item a path belongs to, by its name in the program: a tier, a store, a reward, a category, a care message. */
function subjectOf(segments: readonly Segment[], files: readonly (ProgramFile | null)[]): string | null {
  const depth = itemDepth(segments);
  if (depth === null || segments.length < depth) return null;
  const [head, second] = segments;
  const named = (pick: (file: ProgramFile) => unknown): string | null => {
    for (const file of files) {
      const name = file ? pick(file) : undefined;
      if (typeof name === 'string' && name) return name;
    }
    return null;
  };
  if (head === 'care') return CARE_KINDS[String(segments[2])] ?? String(segments[2]);
  if (head === 'bookings') {
    const index = Number(segments[2]);
    return (
      named((file) => {
        const services = (file as { bookings?: { services?: { name?: unknown }[] } }).bookings?.services;
        return services?.[index]?.name;
      }) ?? `第 ${index + 1} 个预约服务`
    );
  }
  if (head === 'categories') {
    const code = String(second);
    return named((file) => (file.categories?.[code] as { name?: unknown } | undefined)?.name) ?? code;
  }
  const kind = head === 'tiers' ? '等级' : head === 'stores' ? '门店' : '礼品';
  const index = Number(second);
  return (
    named((file) => {
      const list = file[String(head)];
      return Array.isArray(list) ? (list[index] as { name?: unknown } | undefined)?.name : undefined;
    }) ?? `第 ${index + 1} 个${kind}`
  );
}

/**
 * A change's path in words: `marketing.quietHours.end` → 营销消息免打扰 · 结束时间,
 * `tiers[1].threshold` → 银卡 · 年度积分门槛, `care.maintenanceDue.daysBefore[0]` → 保养到期提醒 ·
 * 提前几天提醒（第 1 项）, `categories.wash` (a new category) → 消费类别「洗车」. Names come from the
 * program in force, else from the changed one. A path outside the table (a newer program than this
 * console) still reads: its nearest labelled parent and the rest as it is.
 */
export function labelProgramPath(path: string, ...files: (ProgramFile | null)[]): string {
  const segments = segmentsOf(path);
  const last = segments.at(-1);
  // A position at the end of a list of plain values: the list's label and which item it is.
  const itemOfList = typeof last === 'number' && itemDepth(segments) !== segments.length;
  const own = itemOfList ? segments.slice(0, -1) : segments;
  const pattern = patternOf(own);
  let label = PROGRAM_LABELS[pattern];
  let rest: Segment[] = [];
  for (let n = own.length - 1; n > 0 && !label; n--) {
    label = PROGRAM_LABELS[patternOf(own.slice(0, n))];
    rest = own.slice(n);
  }
  // A template field is the template's own key (thing1, keyword2), as the MP admin names it.
  if (pattern === 'care.templates.*.fields.*') rest = [];
  const field = pattern === 'care.templates.*.fields.*' ? `（${String(own[4])}）` : '';
  const text = `${label ?? String(own[0])}${rest.length ? ` · ${rest.join(' · ')}` : ''}${field}${
    itemOfList ? `（第 ${Number(last) + 1} 项）` : ''
  }`;
  const subject = subjectOf(own, files);
  if (!subject) return text;
  return own.length === itemDepth(own) ? `${text}「${subject}」` : `${subject} · ${text}`;
}
