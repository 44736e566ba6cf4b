import { useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import type { BenefitUse, MemberBenefits } from '../types';
import { useLoad } from '../use-load';
import { useConfirm } from './confirm';
import { ErrorBox } from './error-box';
import { useToast } from './toasts';

/** A request id the server keeps the use under: a retry after a lost answer uses it once. */
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `console-${Date.now().toString(36)}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function sourceText(use: BenefitUse): string {
  if (use.source.kind === 'booking') return `预约 ${use.source.bookingNumber ?? use.source.bookingId} 到店`;
  return '柜台';
}

/**
 * The member's free maintenances this membership year: used / left, each use (date, store, booking
 * or counter), 「使用一次免费保养」 with a confirm, and an undo of the last use.
 */
export function FreeMaintenanceCard({
  memberId,
  homeStoreId,
  canUse,
  onChanged,
}: {
  memberId: string;
  homeStoreId: string;
  canUse: boolean;
  onChanged: () => void;
}) {
  const { api, storeId } = useSession();
  const confirm = useConfirm();
  const notify = useToast();
  const path = `/members/${encodeURIComponent(memberId)}/benefits`;
  const benefits = useLoad(() => api.get<MemberBenefits>(path), [memberId]);
  const pending = useRef<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!benefits.data) return null;
  const standing = benefits.data;
  const free = standing.benefits.find((b) => b.benefitId === 'free_maintenance');
  if (!free) return null;
  const lastUse = free.uses.find((use) => use.status === 'used' && use.yearStart === standing.yearStart);

  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      notify(await run());
      await benefits.reload();
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const use = async () => {
    const yes = await confirm({
      title: '使用一次免费保养',
      message: `本会员年还剩 ${free.left} 次，确认为这位会员使用一次免费基础保养吗？`,
      confirmLabel: '确认使用',
    });
    if (!yes) return;
    pending.current ??= newRequestId();
    const requestId = pending.current;
    await act(async () => {
      const answer = await api.post<{ duplicate: boolean; left: number }>(`${path}/free_maintenance/use`, {
        requestId,
        ...(storeId ? {} : { storeId: homeStoreId }),
      });
      pending.current = null;
      return answer.duplicate ? '这次使用之前已记录' : `已使用一次免费保养，还剩 ${answer.left} 次`;
    });
  };

  const undo = async (target: BenefitUse) => {
    const yes = await confirm({
      title: '撤销这次使用',
      message: `撤销 ${target.usedAt ? formatDateTime(target.usedAt) : ''} 的免费保养使用，次数退回给会员？`,
      confirmLabel: '撤销',
      danger: true,
    });
    if (!yes) return;
    await act(async () => {
      const answer = await api.post<{ left: number }>(
        `${path}/free_maintenance/use/${encodeURIComponent(target.requestId)}/undo`,
        {},
      );
      return `已撤销，还剩 ${answer.left} 次`;
    });
  };

  return (
    <div class="card">
      <h2>免费保养</h2>
      <p class="lead">
        本会员年已用 {free.used} 次，还剩 {free.left} 次
      </p>
      <p class="muted">
        {standing.tierName}每个会员年 {free.allowance} 次（{standing.yearStart} 至 {standing.yearEnd}）
      </p>
      <ErrorBox error={error} />
      {canUse ? (
        <div class="actions">
          <button
            type="button"
            class="button button--primary"
            disabled={busy || free.left === 0}
            onClick={use}
          >
            使用一次免费保养
          </button>
          {lastUse ? (
            <button type="button" class="button" disabled={busy} onClick={() => undo(lastUse)}>
              撤销最近一次
            </button>
          ) : null}
        </div>
      ) : null}
      {free.uses.length > 0 ? (
        <ul class="plain" aria-label="免费保养使用记录">
          {free.uses.map((use) => (
            <li key={use.requestId}>
              {use.usedAt ? formatDateTime(use.usedAt) : '—'} · {use.storeName ?? use.storeId ?? '—'} ·{' '}
              {sourceText(use)}
              {use.status === 'undone' ? '（已撤销）' : ''}
              {use.yearStart !== standing.yearStart ? '（上一会员年）' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">本会员年还没有使用记录。</p>
      )}
    </div>
  );
}
