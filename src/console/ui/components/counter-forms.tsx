import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import {
  counterTransactionId,
  formatDateTime,
  formatPoints,
  formatYuan,
  fromLocalInput,
  toLocalInput,
} from '../format';
import { parseYuanToFen } from '../parse-amount';
import { useSession } from '../session';
import type { RefundResult, TransactionResult } from '../types';
import { ErrorBox } from './error-box';
import { SelectField, TextField } from './field';
import { useToast } from './toasts';

/** How often the untouched 消费时间 field moves on to show the time it would record. */
const CLOCK_TICK_MS = 20_000;

/**
 * 记录消费 at the counter (`POST /transactions`): category, amount in yuan (as people write it:
 * `¥1,234.56`), time, and a generated `POS-…` number that makes a repeated submit harmless (the API
 * answers the same result). 消费时间 is the moment of 记录消费 unless staff changed the field.
 */
export function TransactionForm({ memberId, onRecorded }: { memberId: string; onRecorded(): void }) {
  const { api, program } = useSession();
  const notify = useToast();
  const categories = Object.entries(program.categories).map(([value, c]) => ({ value, label: c.name }));
  const [category, setCategory] = useState(categories[0]?.value ?? '');
  const [amount, setAmount] = useState('');
  const [occurredAt, setOccurredAt] = useState(() => toLocalInput(new Date()));
  /** True once staff typed a time: then that time is recorded, not the moment of submitting. */
  const [timeEdited, setTimeEdited] = useState(false);
  const [transactionId, setTransactionId] = useState(() => counterTransactionId(new Date()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<TransactionResult | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (timeEdited) return;
    const timer = setInterval(() => setOccurredAt(toLocalInput(new Date())), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [timeEdited]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const amountFen = parseYuanToFen(amount);
    const at = timeEdited ? fromLocalInput(occurredAt) : new Date().toISOString();
    const local: Record<string, string> = {};
    if (amountFen === null || amountFen <= 0)
      local.amountFen = '请填写消费金额（元），例如 680、680.50 或 ¥1,234.56';
    if (!at) local.occurredAt = '请选择消费时间';
    if (!transactionId.trim()) local.transactionId = '请填写单号';
    setErrors(local);
    if (Object.keys(local).length) {
      setError(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<TransactionResult>('/transactions', {
        transactionId: transactionId.trim(),
        memberId,
        category,
        amountFen,
        occurredAt: at,
      });
      setResult(answer);
      notify(answer.duplicate ? '这笔消费之前已记录，结果与上次相同' : `已记录消费，积分 +${answer.points}`);
      setAmount('');
      setTransactionId(counterTransactionId(new Date()));
      setTimeEdited(false);
      setOccurredAt(toLocalInput(new Date()));
      onRecorded();
    } catch (err) {
      if (err instanceof ApiError) {
        const byPath: Record<string, string> = {};
        for (const issue of err.issues) byPath[issue.path] ??= issue.message;
        setErrors(byPath);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="transaction-title">
      <h2 id="transaction-title">记录消费</h2>
      <div class="grid-2">
        <SelectField label="消费类别" value={category} onValue={setCategory} options={categories} />
        <TextField
          label="金额（元）"
          inputMode="decimal"
          required
          value={amount}
          onValue={setAmount}
          error={errors.amountFen}
        />
        <TextField
          label="消费时间"
          type="datetime-local"
          value={occurredAt}
          onValue={(value) => {
            setOccurredAt(value);
            setTimeEdited(true);
          }}
          error={errors.occurredAt}
          hint={timeEdited ? '按填写的时间记录' : '不修改则按点击「记录消费」的时间记录'}
        />
        <TextField
          label="单号"
          value={transactionId}
          onValue={setTransactionId}
          error={errors.transactionId}
          hint="已自动生成；有 DMS 单号时可改为 DMS 单号"
        />
      </div>
      <ErrorBox error={error} />
      {result ? (
        <div class="alert alert--success" role="status" data-testid="transaction-result">
          <p>
            <strong>
              {result.category && program.categories[result.category]?.name} {formatYuan(result.amountFen)}：
              {result.status === 'pending'
                ? `${formatPoints(result.points)}待生效（${formatDateTime(result.pendingUntil)} 生效）`
                : `获得 ${formatPoints(result.points)}`}
            </strong>
            {result.tier.upgradedFrom ? `，升级为${result.tier.name}` : ''}
          </p>
          <p>{result.explanation}</p>
          <p class="small">
            单号 {result.transactionId} · 当前可用 {formatPoints(result.balance.available)}
          </p>
        </div>
      ) : null}
      <div class="actions">
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? '正在记录…' : '记录消费'}
        </button>
      </div>
    </form>
  );
}

/** 退款 by transaction number, for a refund whose purchase is not in the recent ledger. */
export function RefundByNumber({ onRefunded }: { onRefunded(): void }) {
  const { api } = useSession();
  const notify = useToast();
  const [transactionId, setTransactionId] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<RefundResult | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!transactionId.trim()) {
      setError(new ApiError(400, 'invalid_request', '请填写要退款的单号', null, []));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<RefundResult>(
        `/transactions/${encodeURIComponent(transactionId.trim())}/refund`,
        reason.trim() ? { reason: reason.trim() } : {},
      );
      setResult(answer);
      notify(answer.duplicate ? '这笔消费之前已退款' : `已退款，扣回 ${formatPoints(answer.pointsReversed)}`);
      onRefunded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="refund-title">
      <h2 id="refund-title">退款</h2>
      <p class="muted">扣回这笔消费获得的积分；已用掉的部分记为欠分。也可以在下方积分明细中点「退款」。</p>
      <TextField label="消费单号" value={transactionId} onValue={setTransactionId} autoComplete="off" />
      <TextField label="退款原因" value={reason} onValue={setReason} maxLength={200} />
      <ErrorBox error={error} />
      {result ? (
        <p class="alert alert--success" role="status">
          {result.explanation}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class="button button--danger" disabled={busy}>
          {busy ? '正在退款…' : '退款'}
        </button>
      </div>
    </form>
  );
}
