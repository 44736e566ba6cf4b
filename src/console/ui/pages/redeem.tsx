import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Badge } from '../components/badge';
import { ErrorBox, errorText } from '../components/error-box';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDate, formatInt, formatPoints } from '../format';
import { limitText, storeNames, tierName } from '../labels';
import { byEligibility, type Eligibility, redeemRefusalText, rewardEligibility } from '../reward-eligibility';
import { canServeMembers } from '../roles';
import { href } from '../route';
import { useSession } from '../session';
import type { Member, RedemptionResult, Reward } from '../types';
import { useLoad } from '../use-load';
import { NoPermission } from './no-permission';

/** 兑换礼品 at the counter for one member (`#/members/{id}/redeem`): store and admin keys only. */
export function Redeem({ memberId }: { memberId: string }) {
  const { role } = useSession();
  if (!canServeMembers(role)) return <NoPermission section="兑换礼品" />;
  return <RedeemForMember memberId={memberId} />;
}

interface Offer {
  reward: Reward;
  eligibility: Eligibility;
}

/**
 * The active rewards, those the member can take first; each says what stands in the way (points
 * missing, tier, stock, store). Choosing one asks for confirmation; the voucher issued is shown
 * large, ready to read out or to verify at once.
 */
function RedeemForMember({ memberId }: { memberId: string }) {
  const { api, program, storeId } = useSession();
  const path = `/members/${encodeURIComponent(memberId)}`;
  const member = useLoad(() => api.get<Member>(path), [memberId]);
  const rewards = useLoad(
    () => api.get<{ rewards: Reward[] }>('/rewards?active=true').then((r) => r.rewards),
    [],
  );
  const [choice, setChoice] = useState<Reward | null>(null);
  const [done, setDone] = useState<RedemptionResult | null>(null);

  const m = member.data;
  const back = (
    <a class="button" href={href('members', memberId)}>
      返回会员详情
    </a>
  );
  if (!m) {
    return (
      <section>
        <PageHeader title="兑换礼品" actions={back} />
        <ErrorBox error={member.error} />
        {member.loading ? <p class="muted">正在加载…</p> : null}
      </section>
    );
  }

  if (done) {
    return (
      <RedeemedVoucher
        member={m}
        result={done}
        back={back}
        onAnother={() => {
          setDone(null);
          void member.reload();
          void rewards.reload();
        }}
      />
    );
  }

  const offers: Offer[] = (rewards.data ?? [])
    .map((reward) => ({ reward, eligibility: rewardEligibility(reward, m, program, storeId) }))
    .sort(byEligibility);
  return (
    <section>
      <PageHeader
        title="兑换礼品"
        subtitle={
          <>
            为 <strong>{m.name ?? '（未留姓名）'}</strong>（{m.tier.name}）兑换 · 可用积分{' '}
            <strong data-testid="redeem-balance">{formatPoints(m.balance.available)}</strong>
          </>
        }
        actions={back}
      />
      <ErrorBox error={rewards.error} />
      {rewards.data ? (
        offers.length ? (
          <ul class="offers" aria-label="可兑换的礼品">
            {offers.map(({ reward, eligibility }) => (
              <li key={reward.id} class={`offer card${eligibility.ok ? '' : ' offer--unavailable'}`}>
                <h2 class="offer__name">{reward.name}</h2>
                <p class="offer__cost">{formatPoints(reward.cost)}</p>
                <dl class="facts facts--compact">
                  <dt>库存</dt>
                  <dd>{reward.stock === null ? '不限' : `剩 ${formatInt(reward.stock)} 份`}</dd>
                  <dt>兑换限制</dt>
                  <dd>{limitText(reward)}</dd>
                  <dt>等级要求</dt>
                  <dd>{reward.minTier ? `${tierName(reward.minTier, program)}及以上` : '不限'}</dd>
                  <dt>券有效期</dt>
                  <dd>{reward.validityDays} 天</dd>
                </dl>
                {eligibility.ok ? (
                  <button
                    type="button"
                    class="button button--primary button--block"
                    aria-label={`兑换${reward.name}`}
                    onClick={() => setChoice(reward)}
                  >
                    兑换
                  </button>
                ) : (
                  <p class="offer__problems" data-testid="offer-problems">
                    {eligibility.problems.join('；')}
                  </p>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">目前没有上架的礼品。</p>
        )
      ) : rewards.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
      {choice ? (
        <ConfirmRedemption
          member={m}
          reward={choice}
          onClose={() => setChoice(null)}
          onRedeemed={(result) => {
            setChoice(null);
            setDone(result);
          }}
        />
      ) : null}
    </section>
  );
}

/**
 * A request id for one confirmation: 0–9a-z, as `POST /members/{id}/redemptions` accepts. From
 * `crypto.getRandomValues`, which works on a plain-http counter PC too (randomUUID does not).
 */
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const random = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `console-${Date.now().toString(36)}-${random}`;
}

const IN_PROGRESS_RETRIES = 5;
const IN_PROGRESS_WAIT_MS = 700;

function ConfirmRedemption({
  member,
  reward,
  onClose,
  onRedeemed,
}: {
  member: Member;
  reward: Reward;
  onClose(): void;
  onRedeemed(result: RedemptionResult): void;
}) {
  const { api, program } = useSession();
  const notify = useToast();
  // One id for this confirmation, however many times it is sent: a double click, a retry after a
  // lost answer or a second press after an error all name the same redemption, which the server
  // carries out once (a repeat answers 200 `duplicate`).
  const requestId = useMemo(newRequestId, []);
  const sending = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async () => {
    // The second click of a double click arrives before the button re-renders as disabled.
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      const result = await postWithPatience(() =>
        api.post<RedemptionResult>(`/members/${encodeURIComponent(member.id)}/redemptions`, {
          rewardId: reward.id,
          requestId,
        }),
      );
      notify(result.duplicate ? '这次兑换之前已完成，没有重复扣分' : `已兑换「${result.rewardName}」`);
      onRedeemed(result);
    } catch (err) {
      sending.current = false;
      setBusy(false);
      if (err instanceof ApiError && err.status === 0) {
        setError(`${err.message}。再点「确认兑换」会重试同一次兑换，不会重复扣分。`);
      } else if (err instanceof ApiError && (err.status === 409 || err.status === 404)) {
        setError(redeemRefusalText(err, program));
      } else {
        setError(errorText(err));
      }
    }
  };

  const after = member.balance.available - reward.cost;
  return (
    <Modal title={`确认兑换：${reward.name}`} onClose={onClose}>
      <div class="modal__body">
        <p>
          为 <strong>{member.name ?? '（未留姓名）'}</strong> 兑换「{reward.name}」，扣除{' '}
          <strong>{formatPoints(reward.cost)}</strong>，兑换后剩余约 {formatPoints(Math.max(0, after))}。
        </p>
        <p class="muted">
          兑换后发放一张券，{reward.validityDays} 天内有效，可用门店：{storeNames(reward.storeIds, program)}。
          积分按先到期先使用扣除。
        </p>
      </div>
      {error ? (
        <div class="alert alert--danger" role="alert" data-testid="redeem-error">
          {error}
        </div>
      ) : null}
      <div class="actions">
        <button type="button" class="button" onClick={onClose}>
          返回
        </button>
        <button type="button" class="button button--primary" disabled={busy} onClick={() => void send()}>
          {busy ? '正在兑换…' : '确认兑换'}
        </button>
      </div>
    </Modal>
  );
}

/** Sends again while the server says the same request is still being carried out (a retry race). */
async function postWithPatience<T>(post: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await post();
    } catch (err) {
      const busy = err instanceof ApiError && err.code === 'redemption_in_progress';
      if (!busy || attempt >= IN_PROGRESS_RETRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_WAIT_MS));
    }
  }
}

function RedeemedVoucher({
  member,
  result,
  back,
  onAnother,
}: {
  member: Member;
  result: RedemptionResult;
  back: ComponentChildren;
  onAnother(): void;
}) {
  const { program } = useSession();
  return (
    <section>
      <PageHeader title="兑换成功" actions={back} />
      <div class="card voucher-issued" role="status">
        <p class="lead">
          {member.name ?? '会员'} 兑换了「{result.rewardName}」，扣除 {formatPoints(result.cost)}，当前可用{' '}
          {formatPoints(result.balance.available)}。
        </p>
        <p class="voucher-issued__label">券码（请会员出示或记下）</p>
        <p class="voucher-code" data-testid="redeemed-voucher">
          {result.voucher.code}
        </p>
        <p>
          <Badge tone="success">可使用</Badge> {result.voucher.name} · 有效期至{' '}
          {formatDate(result.voucher.expiresAt)} · 可用门店：{storeNames(result.voucher.storeIds, program)}
        </p>
        {result.duplicate ? (
          <p class="alert alert--info">
            这次兑换之前已经完成（同一兑换编号），这是当时发放的券，没有重复扣分。
          </p>
        ) : null}
        <div class="actions">
          <button type="button" class="button" onClick={onAnother}>
            继续兑换
          </button>
          <a class="button button--primary" href={href('vouchers', result.voucher.code)}>
            现在核销这张券
          </a>
        </div>
      </div>
    </section>
  );
}
