import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Badge } from '../components/badge';
import { cancellationText, useCancelVoucher } from '../components/cancel-voucher';
import { ErrorBox } from '../components/error-box';
import { TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDate, formatDateTime } from '../format';
import { storeNames, voucherStatus } from '../labels';
import { href } from '../route';
import { useSession } from '../session';
import type { CancellationResult, Program, Voucher } from '../types';

/** What a scanner or a person types: spaces and dashes dropped, letters in capitals. */
function normaliseCode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

type Answer = { tone: 'success' | 'danger' | 'warning'; text: string } | null;

/**
 * 核销: type or scan a code (a scanner types it and presses Enter), see what it is for and whose it
 * is, and verify it once. Used, expired, cancelled and unknown codes get a plain answer.
 */
export function Vouchers({ initialCode }: { initialCode: string }) {
  const { api, program } = useSession();
  const notify = useToast();
  const [code, setCode] = useState(initialCode);
  const [voucher, setVoucher] = useState<Voucher | null>(null);
  const [answer, setAnswer] = useState<Answer>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const cancelVoucher = useCancelVoucher();

  const lookUp = async (raw: string) => {
    const normalised = normaliseCode(raw);
    setAnswer(null);
    setError(null);
    setVoucher(null);
    if (!/^[A-Z0-9]{4,16}$/.test(normalised)) {
      setError(new ApiError(400, 'invalid_code', '券码应为 4–16 位字母或数字，请核对后重新输入', null, []));
      return;
    }
    setBusy(true);
    try {
      const found = await api.get<Voucher>(`/vouchers/${normalised}`);
      setVoucher(found);
      setAnswer(statusAnswer(found, program));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? unknownCode(normalised) : err);
    } finally {
      setBusy(false);
    }
  };

  // A link from a member's page carries the code: look it up once on arrival.
  useEffect(() => {
    input.current?.focus();
    if (initialCode) void lookUp(initialCode);
  }, []);

  const verify = async () => {
    if (!voucher) return;
    setBusy(true);
    setError(null);
    try {
      const used = await api.post<Voucher & { message: string }>(`/vouchers/${voucher.code}/verify`, {});
      setVoucher(used);
      setAnswer({ tone: 'success', text: `${used.message}（${formatDateTime(used.usedAt)}）` });
      notify(used.message);
      setCode('');
      input.current?.focus();
    } catch (err) {
      // Refused (used meanwhile, expired, cancelled, another store): the server says why.
      if (err instanceof ApiError && err.status === 409) {
        setAnswer({ tone: 'danger', text: err.message });
        try {
          setVoucher(await api.get<Voucher>(`/vouchers/${voucher.code}`));
        } catch {
          // The refusal above is the answer; a failed refresh changes nothing.
        }
      } else {
        setError(err instanceof ApiError && err.status === 404 ? unknownCode(voucher.code) : err);
      }
    } finally {
      setBusy(false);
    }
  };

  const refresh = async (current: string) => {
    try {
      setVoucher(await api.get<Voucher>(`/vouchers/${current}`));
    } catch {
      // The answer above is what matters; a failed refresh changes nothing.
    }
  };

  const cancel = async () => {
    if (!voucher) return;
    setError(null);
    let result: CancellationResult | null;
    try {
      result = await cancelVoucher(voucher);
    } catch (err) {
      // Used or expired meanwhile: the server says which, and the card shows the voucher as it is.
      if (err instanceof ApiError && err.status === 409) setAnswer({ tone: 'danger', text: err.message });
      else setError(err);
      await refresh(voucher.code);
      return;
    }
    if (!result) return;
    setAnswer({ tone: 'success', text: cancellationText(result) });
    await refresh(voucher.code);
  };

  return (
    <section>
      <PageHeader
        title="优惠券核销"
        keepFocus
        subtitle="输入或扫描券码，核对券和会员后核销。每张券只能核销一次；未使用的券可以作废（礼品券的积分退回会员）。"
      />
      <form
        class="card search"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void lookUp(code);
        }}
      >
        <TextField
          label="券码"
          value={code}
          onValue={setCode}
          inputRef={input}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          hint="扫码枪扫描后会自动查询"
        />
        <button type="submit" class="button button--primary" disabled={busy}>
          查询
        </button>
      </form>
      <ErrorBox error={error} />
      {voucher ? (
        <section class="card voucher" aria-labelledby="voucher-title">
          <h2 id="voucher-title">
            {voucher.name}{' '}
            <Badge tone={voucherStatus[voucher.status].tone}>{voucherStatus[voucher.status].label}</Badge>
          </h2>
          <dl class="facts">
            <dt>券码</dt>
            <dd>
              <code>{voucher.code}</code>
            </dd>
            <dt>会员</dt>
            <dd>
              <a href={href('members', voucher.member.id)}>{voucher.member.name ?? '（未留姓名）'}</a>{' '}
              {voucher.member.mobile ?? ''}
            </dd>
            <dt>有效期</dt>
            <dd>
              {formatDate(voucher.issuedAt)} 至 {formatDate(voucher.expiresAt)}
            </dd>
            <dt>可用门店</dt>
            <dd>{storeNames(voucher.storeIds, program)}</dd>
          </dl>
          {answer ? (
            <p class={`alert alert--${answer.tone}`} role="alert" data-testid="voucher-answer">
              {answer.text}
            </p>
          ) : null}
          {voucher.status === 'issued' ? (
            <div class="actions">
              <button
                type="button"
                class="button button--danger button--large"
                disabled={busy}
                onClick={() => void cancel()}
              >
                作废
              </button>
              <button
                type="button"
                class="button button--primary button--large"
                disabled={busy}
                onClick={() => void verify()}
              >
                确认核销
              </button>
            </div>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}

function unknownCode(code: string): ApiError {
  return new ApiError(404, 'not_found', `没有券码为 ${code} 的券，请核对后重新输入`, null, []);
}

function statusAnswer(voucher: Voucher, program: Program): Answer {
  switch (voucher.status) {
    case 'issued':
      return null;
    case 'used':
      return {
        tone: 'warning',
        text: `这张券已于 ${formatDateTime(voucher.usedAt)} 在${storeNames(voucher.usedStoreId ? [voucher.usedStoreId] : null, program)}核销，不能再次使用`,
      };
    case 'expired':
      return { tone: 'warning', text: `这张券已于 ${formatDate(voucher.expiresAt)} 过期，不能使用` };
    case 'cancelled':
      return { tone: 'danger', text: `这张券已于 ${formatDate(voucher.cancelledAt)} 作废，不能使用` };
  }
}
