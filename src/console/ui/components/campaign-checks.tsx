import { useEffect, useRef, useState } from 'preact/hooks';
import type { BuiltCampaign } from '../campaign-form';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import type { CampaignTemplate } from '../types';

/** How long the form must stay still before it is checked again. */
const CHECK_DEBOUNCE_MS = 400;

/**
 * The server's warnings for the campaign as typed (`POST /campaigns/check`: a window that misses
 * the holiday the text names, a bonus the text does not mention). Nothing while the form cannot
 * be sent yet (its problems are shown by the fields); late answers are dropped.
 */
export function useCampaignWarnings(built: BuiltCampaign): string[] {
  const { api } = useSession();
  const [warnings, setWarnings] = useState<string[]>([]);
  const generation = useRef(0);
  const key = JSON.stringify(built);
  // `key` stands for `built`: checked again only when the request would change.
  useEffect(() => {
    const mine = ++generation.current;
    const timer = setTimeout(async () => {
      if (Object.keys(built.problems).length) {
        setWarnings([]);
        return;
      }
      const body = {
        ...built.body,
        name: (built.body.name as string) || '检查',
        text: (built.body.text as string) || '（消息内容）',
      };
      try {
        const answer = await api.post<{ warnings: string[] }>('/campaigns/check', body);
        if (mine === generation.current) setWarnings(answer.warnings);
      } catch {
        // The preview beside the form says what is wrong with the request.
        if (mine === generation.current) setWarnings([]);
      }
    }, CHECK_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, api]);
  return warnings;
}

/** Visible, not blocking: staff may save anyway. */
export function CampaignWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <div class="alert alert--warning" role="status" data-testid="campaign-warnings">
      <p>
        <strong>请检查：</strong>
      </p>
      {warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}

/** 2027-02-06 → 2027年2月6日 */
export function localDateZh(value: string): string {
  const [y, m, d] = value.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** What the chosen template proposes for its holiday's next occurrence. */
export function TemplateProposal({ template }: { template: CampaignTemplate }) {
  const { holiday, startAt, window } = template.proposal;
  if (!holiday) return null;
  const period =
    holiday.first === holiday.last
      ? localDateZh(holiday.day)
      : `${localDateZh(holiday.day)}（${localDateZh(holiday.first)}至${localDateZh(holiday.last)}）`;
  return (
    <p class="alert alert--info" data-testid="template-proposal">
      下一个{holiday.name}：{period}。已建议 {formatDateTime(startAt)} 发送
      {window ? `，${window.multiplier} 倍积分覆盖节日期间` : ''}，可按需修改。
    </p>
  );
}
