import { formatInt, formatPoints } from '../format';
import { CARE_KINDS } from '../program-labels';
import type { ProgramFile } from '../types';
import { Badge } from './badge';

type Care = NonNullable<ProgramFile['care']>;

/** 前 30、7 天; 前 7 天和当天; 当天 */
function ahead(days: readonly number[]): string {
  const before = days.filter((d) => d > 0).map(formatInt);
  const parts = [before.length ? `前 ${before.join('、')} 天` : '', days.includes(0) ? '当天' : ''];
  return parts.filter(Boolean).join('和');
}

/** When each care message goes, in words (the on/off state is shown beside it). */
function careTiming(kind: keyof typeof CARE_KINDS, care: Care): string {
  switch (kind) {
    case 'birthday':
      return '生日当天';
    case 'maintenanceDue': {
      const m = care.maintenanceDue;
      return `保养到期${ahead(m.daysBefore)}（上次保养后 ${formatInt(m.monthsAfterService)} 个月或 ${formatInt(m.kmAfterService)} 公里到期）`;
    }
    case 'insuranceRenewal':
      return `保险到期${ahead(care.insuranceRenewal.daysBefore)}`;
    case 'inspectionDue':
      return `年检到期${ahead(care.inspectionDue.daysBefore)}`;
    case 'pointsExpiring':
      return `积分到期${ahead(care.pointsExpiring.daysBefore)}，至少 ${formatPoints(care.pointsExpiring.minPoints)}才提醒`;
    case 'postService':
      return `服务后 ${formatInt(care.postService.delayDays)} 天`;
    case 'voucherExpiring':
      return `券到期${ahead(care.voucherExpiring.daysBefore)}`;
    default:
      return '';
  }
}

/** 21:00 至次日 09:00 */
function quietHoursText({ start, end }: { start: string; end: string }): string {
  return `${start} 至${end <= start ? '次日 ' : ' '}${end}`;
}

/**
 * 消息与提醒 in the 方案 summary: the marketing quiet hours and caps, and every care message (the
 * service notices) on or off with when it goes.
 */
export function MessageSettings({ file }: { file: ProgramFile }) {
  const { care, marketing } = file;
  if (!care || !marketing) return null;
  return (
    <div class="card" data-testid="message-settings">
      <h2>消息与提醒</h2>
      <dl class="facts">
        <dt>营销消息免打扰</dt>
        <dd>{quietHoursText(marketing.quietHours)}（期间的营销消息推迟到结束后发送）</dd>
        <dt>营销消息上限</dt>
        <dd>
          每人每天 {formatInt(marketing.caps.perDay)} 条，每月 {formatInt(marketing.caps.perMonth)} 条
        </dd>
        <dt>久未到店关怀</dt>
        <dd>
          {marketing.winBack.enabled
            ? `开启：${formatInt(marketing.winBack.afterDaysWithoutVisit)} 天未到店时发送`
            : '关闭'}
        </dd>
        <dt>关怀消息发送时间</dt>
        <dd>每天 {care.sendAt}</dd>
      </dl>
      <ul class="plain" aria-label="关怀消息">
        {Object.entries(CARE_KINDS).map(([kind, name]) => {
          const enabled = (care[kind as keyof Care] as { enabled?: boolean } | undefined)?.enabled ?? false;
          return (
            <li key={kind}>
              <Badge tone={enabled ? 'success' : 'neutral'}>{enabled ? '开启' : '关闭'}</Badge> {name}
              {enabled ? <span class="muted small">：{careTiming(kind, care)}</span> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
