import { holidayAround, holidaysNamedIn } from '../rules/chinese-holidays';
import { formatInteger, formatPoints } from '../rules/format-zh';
import type { LocalDate } from '../rules/local-date';
import { localDateOf, localDateTimeOf } from '../rules/zoned-time';
import type { CampaignInput } from './campaign-input';
import { periodOf } from './campaign-proposal';
import { placeholdersIn } from './render-message';

/** A minute of slack: a window typed as ending 23:59 on the last day still covers it. */
const SLACK_MS = 60_000;

/**
 * What staff should check before saving a campaign, in Chinese (`POST /campaigns/check`, shown
 * in the editor; none of it blocks saving):
 * - bonus points the message does not mention (neither `{bonusPoints}` nor the number itself),
 *   or `{bonusPoints}` in a campaign that gives none;
 * - a holiday the message names (春节, 中秋…) whose period the promotion window does not cover:
 *   its occurrence on or after the send date (during 春节, this 春节).
 */
export function campaignWarnings(input: CampaignInput, timeZone: string): string[] {
  const warnings: string[] = [];
  const texts = input.genericText === input.text ? [input.text] : [input.text, input.genericText];
  const bonus = formatPoints(input.bonusPoints);
  if (input.bonusPoints > 0) {
    const silent = texts.filter((text) => !mentionsBonus(text, input.bonusPoints));
    if (silent.length === texts.length)
      warnings.push(`每人赠送 ${bonus}，但消息没有提到：请加入 {bonusPoints}（发送时显示为「${bonus}」）。`);
    else if (silent.length > 0)
      warnings.push(`每人赠送 ${bonus}，但群发版本没有提到：请加入 {bonusPoints}。`);
  } else if (texts.some((text) => placeholdersIn(text).includes('bonusPoints'))) {
    warnings.push('消息里有 {bonusPoints}，但赠送积分为 0：会员会看到「0 积分」。');
  }

  const sendDate = localDateOf(input.startAt, timeZone);
  for (const id of holidaysNamedIn(texts.join('\n'))) {
    const holiday = holidayAround(id, sendDate);
    if (!holiday || !input.window) continue;
    const period = periodOf(holiday, timeZone);
    const covered =
      input.window.startsAt.getTime() <= period.startsAt.getTime() &&
      input.window.endsAt.getTime() >= period.endsAt.getTime() - SLACK_MS;
    if (!covered) {
      const days =
        holiday.first.year === holiday.last.year &&
        holiday.first.month === holiday.last.month &&
        holiday.first.day === holiday.last.day
          ? dateZh(holiday.first)
          : `${dateZh(holiday.first)}至${dateZh(holiday.last)}`;
      warnings.push(
        `消息提到${holiday.name}（${days}），但积分加倍时段是 ${timeZh(input.window.startsAt, timeZone)} 至 ${timeZh(input.window.endsAt, timeZone)}，没有覆盖${holiday.name}。`,
      );
    }
  }
  return warnings;
}

function mentionsBonus(text: string, bonusPoints: number): boolean {
  if (placeholdersIn(text).includes('bonusPoints')) return true;
  // The number written out, not as part of a longer number (188 in 1880 does not count).
  const digits = new RegExp(`(^|[^\\d,])(${bonusPoints}|${formatInteger(bonusPoints)})(?![\\d,])`);
  return digits.test(text);
}

function dateZh(date: LocalDate): string {
  return `${date.year}年${date.month}月${date.day}日`;
}

function timeZh(instant: Date, timeZone: string): string {
  const t = localDateTimeOf(instant, timeZone);
  return `${dateZh(t)} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}
