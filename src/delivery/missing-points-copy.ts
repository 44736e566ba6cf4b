import { formatPoints, formatYuan } from '../rules/format-zh';
import { parseIsoDate } from '../rules/local-date';

export interface MissingPointsOutcomeFacts {
  /** The reported transaction's local date, `YYYY-MM-DD`. */
  date: string;
  amountFen: number;
  decision: { kind: 'resolve' | 'reject'; points: number; reason: string };
}

/**
 * What the member is told when staff decide their 积分没到账 report: which purchase, the points
 * credited or why not, and what to type next. Pure. The staff's reason is quoted as written, with
 * braces made full-width: delivery reads `{…}` as placeholders and would refuse an unknown one.
 */
export function missingPointsOutcomeText(facts: MissingPointsOutcomeFacts): string {
  const purchase = `您反映的 ${dateZh(facts.date)} ${formatYuan(facts.amountFen)} 消费的积分`;
  const reason = sentence(facts.decision.reason.replace(/\{/g, '｛').replace(/\}/g, '｝'));
  if (facts.decision.kind === 'resolve') {
    return `${purchase}，门店已核实并为您补上 ${formatPoints(facts.decision.points)}。说明：${reason}回复「查积分」看看最新余额，回复「明细」查看这笔记录。`;
  }
  return `${purchase}，门店核实后暂时无法补录。原因：${reason}如有疑问，回复「人工」联系门店。`;
}

/** `2026-11-24` → `2026年11月24日`. */
function dateZh(isoDate: string): string {
  const date = parseIsoDate(isoDate);
  return date ? `${date.year}年${date.month}月${date.day}日` : isoDate;
}

/** Ends the staff's words with a full stop unless they already end a sentence. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[。！？!?.]$/.test(trimmed) ? trimmed : `${trimmed}。`;
}
