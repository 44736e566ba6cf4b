import { useEffect, useRef } from 'preact/hooks';
import type { BuiltCampaign } from '../campaign-form';
import { formatInt, formatPoints, formatYuan } from '../format';
import { useSession } from '../session';
import type { CampaignPreview } from '../types';
import { errorText } from './error-box';

/** How long the form must stay still before the audience and cost are asked for again. */
const PREVIEW_DEBOUNCE_MS = 400;

export type PreviewState =
  | { state: 'idle' }
  | { state: 'loading'; last: CampaignPreview | null }
  | { state: 'ready'; preview: CampaignPreview }
  | { state: 'error'; message: string };

/** Asks `POST /campaigns/preview` once the form has been still for a moment; late answers are dropped. */
export function useLivePreview(
  built: BuiltCampaign,
  setPreview: (update: (p: PreviewState) => PreviewState) => void,
) {
  const { api } = useSession();
  const generation = useRef(0);
  const key = JSON.stringify(built);
  // `key` stands for `built`: the preview is asked again only when the request would change.
  useEffect(() => {
    const mine = ++generation.current;
    setPreview((p) => ({
      state: 'loading',
      last: p.state === 'ready' ? p.preview : p.state === 'loading' ? p.last : null,
    }));
    const timer = setTimeout(async () => {
      const problems = Object.values(built.problems);
      if (problems.length) {
        setPreview(() => ({ state: 'error', message: problems.join('；') }));
        return;
      }
      // The audience and cost are useful before the name and the message are written.
      const body = {
        ...built.body,
        name: (built.body.name as string) || '预览',
        text: (built.body.text as string) || '（消息内容）',
      };
      try {
        const preview = await api.post<CampaignPreview>('/campaigns/preview', body);
        if (mine === generation.current) setPreview(() => ({ state: 'ready', preview }));
      } catch (err) {
        if (mine === generation.current) setPreview(() => ({ state: 'error', message: errorText(err) }));
      }
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, api]);
}

export function PreviewPanel({ preview }: { preview: PreviewState }) {
  const shown =
    preview.state === 'ready' ? preview.preview : preview.state === 'loading' ? preview.last : null;
  return (
    <div aria-live="polite" aria-busy={preview.state === 'loading'}>
      {preview.state === 'error' ? <p class="alert alert--warning">预览暂不可用：{preview.message}</p> : null}
      {shown ? (
        <>
          <dl class="stats stats--compact" aria-label="覆盖人数和成本">
            <div class="stat">
              <dt>符合条件的会员</dt>
              <dd data-testid="audience-size">{formatInt(shown.audienceSize)} 人</dd>
            </div>
            <div class="stat">
              <dt>可接收营销消息</dt>
              <dd data-testid="recipients">{formatInt(shown.recipients)} 人</dd>
            </div>
            <div class="stat">
              <dt>预计积分成本</dt>
              <dd data-testid="liability">{formatYuan(shown.liability.totalFen)}</dd>
            </div>
          </dl>
          <p class="muted small">
            赠送 {formatPoints(shown.liability.bonusPoints)}（{formatYuan(shown.liability.bonusFen)}）
            {shown.liability.windowExtraPoints || shown.liability.windowExtraFen
              ? `；加倍活动预计多发 ${formatPoints(shown.liability.windowExtraPoints)}（${formatYuan(shown.liability.windowExtraFen)}，按近 30 天消费估算）`
              : ''}
          </p>
          <h3>消息示例</h3>
          {shown.samples.length ? (
            <ol class="samples">
              {shown.samples.map((s) => (
                <li key={s.memberId} class="bubble">
                  {s.text}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">没有可接收消息的会员，无法生成示例。</p>
          )}
        </>
      ) : preview.state !== 'error' ? (
        <p class="muted">正在计算…</p>
      ) : null}
      {preview.state === 'loading' && shown ? <p class="muted small">正在更新…</p> : null}
    </div>
  );
}
