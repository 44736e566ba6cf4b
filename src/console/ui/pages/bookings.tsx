import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Badge } from '../components/badge';
import { ErrorBox, errorText } from '../components/error-box';
import { TextAreaField } from '../components/field';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { Stats } from '../components/stat';
import { useConfirm } from '../components/confirm';
import { useToast } from '../components/toasts';
import {
  type Availability,
  actionLabels,
  actionsFor,
  type BoardAction,
  type BoardBooking,
  type BookingAnswer,
  type BookingBoard,
  bookableStores,
  bookingStatus,
  boardSections,
  dayLabel,
  mileageText,
  newBookingRequestId,
  shiftDate,
} from '../booking-board';
import { formatInt } from '../format';
import { canWorkBookings } from '../roles';
import { href, navigate } from '../route';
import { useSession } from '../session';
import { useLoad } from '../use-load';

/** The board's address: `#/bookings?store=north&date=2026-12-09` (no date: the store's today). */
export function boardHref(store: string | null, date: string | null): string {
  const query = new URLSearchParams();
  if (store) query.set('store', store);
  if (date) query.set('date', date);
  const search = query.toString();
  return search ? `${href('bookings')}?${search}` : href('bookings');
}

/**
 * 预约: one store's day at the service desk. Counts at the top; today the bookings still to come
 * first, then those arrived, then the rest; every booking by its slot with plate, member, service,
 * state and mileage, and the actions its state allows. A store key sees its own store only.
 */
export function Bookings({ store: wantedStore, date }: { store: string | null; date: string | null }) {
  const { api, role, program, storeId: keyStore } = useSession();
  const stores = bookableStores(program);
  const store = keyStore ?? wantedStore ?? stores[0]?.id ?? null;
  const board = useLoad(async () => {
    if (!store) return null;
    const query = new URLSearchParams({ storeId: store });
    if (date) query.set('date', date);
    return api.get<BookingBoard>(`/bookings/board?${query}`);
  }, [store, date]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [moving, setMoving] = useState<BoardBooking | null>(null);
  const [cancelling, setCancelling] = useState<BoardBooking | null>(null);
  const notify = useToast();
  const confirm = useConfirm();
  /** Bookings with an action on its way: a second click meanwhile is dropped. */
  const inFlight = useRef(new Set<string>());
  const mayWork = canWorkBookings(role);
  const b = board.data;

  const act = async (booking: BoardBooking, action: Exclude<BoardAction, 'move' | 'cancel'>) => {
    if (inFlight.current.has(booking.id)) return;
    if (action === 'no-show') {
      const yes = await confirm({
        title: '标记未到店',
        message: `${booking.plate}（${booking.time} ${booking.serviceName}）标记为未到店后不能再办理到店。`,
        confirmLabel: '标记未到店',
        danger: true,
      });
      if (!yes) return;
    }
    if (inFlight.current.has(booking.id)) return;
    inFlight.current.add(booking.id);
    setActionError(null);
    try {
      const answer = await api.post<BookingAnswer>(`/bookings/${booking.id}/${action}`, {
        requestId: newBookingRequestId(),
      });
      notify(`${booking.plate}：${answer.booking.statusName}`);
    } catch (err) {
      setActionError(actionErrorText(booking, err));
    } finally {
      inFlight.current.delete(booking.id);
      await board.reload();
    }
  };

  const changeStore = (next: string) => navigate(boardHref(next, date));
  const changeDate = (next: string | null) => navigate(boardHref(keyStore ? null : store, next));

  return (
    <section class="board">
      <PageHeader
        title="预约"
        subtitle={
          mayWork
            ? '门店每天的预约：确认、改期、到店、未到店、取消。'
            : '查看门店每天的预约（市场角色只能查看）。'
        }
        actions={
          mayWork && store ? (
            <a
              class="button button--primary button--large"
              href={`${href('bookings', 'new')}?${new URLSearchParams({ store, ...(b ? { date: b.date } : {}) })}`}
            >
              新建预约
            </a>
          ) : null
        }
      />
      {stores.length === 0 ? <p class="empty">方案中没有接受预约的门店。</p> : null}
      {store ? (
        <div class="card board__toolbar">
          {keyStore ? (
            <p class="board__store">
              门店：<strong>{stores.find((s) => s.id === store)?.name ?? store}</strong>
            </p>
          ) : (
            <div class="field">
              <label for="board-store">门店</label>
              <select id="board-store" value={store} onChange={(e) => changeStore(e.currentTarget.value)}>
                {stores.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class="board__days">
            <button
              type="button"
              class="button button--large"
              disabled={!b}
              onClick={() => b && changeDate(shiftDate(b.date, -1))}
            >
              前一天
            </button>
            <div class="field">
              <label for="board-date">日期</label>
              <input
                id="board-date"
                type="date"
                value={b?.date ?? date ?? ''}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) changeDate(value);
                }}
              />
            </div>
            <button
              type="button"
              class="button button--large"
              disabled={!b}
              onClick={() => b && changeDate(shiftDate(b.date, 1))}
            >
              后一天
            </button>
            <button
              type="button"
              class="button button--large"
              disabled={b ? b.date === b.today : !date}
              onClick={() => changeDate(null)}
            >
              今天
            </button>
          </div>
        </div>
      ) : null}
      <ErrorBox error={board.error} />
      {b ? (
        <>
          <h2 class="board__day" data-testid="board-day">
            {dayLabel(b.date)}
            {b.date === b.today ? '（今天）' : ''}
          </h2>
          <Stats
            label="当天预约统计"
            items={[
              {
                name: '已预约',
                value: formatInt(b.counts.open),
                note: `其中已确认 ${formatInt(b.counts.confirmed)}`,
              },
              { name: '已到店', value: formatInt(b.counts.checkedIn) },
              { name: '未到店', value: formatInt(b.counts.noShow) },
              { name: '已取消', value: formatInt(b.counts.cancelled) },
            ]}
          />
          {b.closed ? <p class="alert alert--info">这一天门店不营业（休息日或节假日）。</p> : null}
          {actionError ? (
            <div class="alert alert--danger" role="alert" data-testid="board-error">
              {actionError}
            </div>
          ) : null}
          {b.bookings.length === 0 ? <p class="empty">这一天还没有预约。</p> : null}
          {boardSections(b).map((section) => (
            <section key={section.id} class="board__section" aria-labelledby={`board-${section.id}`}>
              <h2 id={`board-${section.id}`} class="board__section-title">
                {section.title}
              </h2>
              {section.groups.map((group) => {
                const slot = b.slots.find((s) => s.time === group.time);
                return (
                  <div key={group.time} class="board__slot">
                    <h3 class="board__slot-time">
                      {group.time}
                      {slot ? (
                        <span class="board__slot-room">
                          已约 {slot.held}/{b.capacityPerSlot}
                        </span>
                      ) : null}
                    </h3>
                    <ul class="board__list" aria-label={`${section.title} ${group.time}`}>
                      {group.bookings.map((booking) => (
                        <BookingRow
                          key={booking.id}
                          booking={booking}
                          actions={mayWork ? actionsFor(booking.status) : []}
                          onAction={(action) => {
                            if (action === 'move') setMoving(booking);
                            else if (action === 'cancel') setCancelling(booking);
                            else void act(booking, action);
                          }}
                        />
                      ))}
                    </ul>
                  </div>
                );
              })}
            </section>
          ))}
        </>
      ) : board.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
      {moving && b ? (
        <MoveDialog
          booking={moving}
          from={[b.date, b.today].sort()[1] ?? b.date}
          onClose={() => setMoving(null)}
          onDone={(text) => {
            setMoving(null);
            notify(text);
            void board.reload();
          }}
        />
      ) : null}
      {cancelling ? (
        <CancelDialog
          booking={cancelling}
          onClose={() => setCancelling(null)}
          onDone={(text) => {
            setCancelling(null);
            notify(text);
            void board.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function BookingRow({
  booking,
  actions,
  onAction,
}: {
  booking: BoardBooking;
  actions: BoardAction[];
  onAction(action: BoardAction): void;
}) {
  const status = bookingStatus[booking.status];
  const cancelReason =
    booking.status === 'cancelled' ? booking.history.findLast((e) => e.action === 'cancel')?.reason : null;
  return (
    <li class="booking-row" data-testid="booking-row" data-status={booking.status}>
      <div class="booking-row__time">{booking.time}</div>
      <div class="booking-row__who">
        <span class="booking-row__plate">{booking.plate}</span>
        <span>
          {booking.member ? (
            <>
              {booking.member.name ?? '（未留姓名）'} · {booking.member.mobile ?? '无手机号'}
            </>
          ) : (
            '会员已注销'
          )}
        </span>
      </div>
      <div class="booking-row__what">
        <span>{booking.serviceName}</span>
        <span class="small muted">
          里程 {mileageText(booking.mileageKm)} · {booking.number}
          {booking.channel === 'staff' ? ' · 电话预约' : ''}
        </span>
        {booking.useFreeMaintenance ? (
          <span class="small">{freeMaintenanceText(booking.freeMaintenanceUse)}</span>
        ) : null}
        {booking.note ? <span class="small">备注：{booking.note}</span> : null}
        {cancelReason ? <span class="small">取消原因：{cancelReason}</span> : null}
      </div>
      <div class="booking-row__status">
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      {actions.length ? (
        <div class="booking-row__actions">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              class={`button ${action === 'check-in' ? 'button--primary' : action === 'cancel' || action === 'no-show' ? 'button--danger' : ''}`}
              onClick={() => onAction(action)}
            >
              {actionLabels[action]}
            </button>
          ))}
        </div>
      ) : null}
    </li>
  );
}

/** A refusal in words: a 409 names the state the booking is in now, never a crash. */
function actionErrorText(booking: BoardBooking, err: unknown): string {
  if (err instanceof ApiError && err.code === 'wrong_state') {
    return `${booking.plate}：${err.message}已刷新为最新状态。`;
  }
  return `${booking.plate}：${errorText(err)}`;
}

function MoveDialog({
  booking,
  from,
  onClose,
  onDone,
}: {
  booking: BoardBooking;
  from: string;
  onClose(): void;
  onDone(text: string): void;
}) {
  const { api } = useSession();
  const days = useLoad(
    () =>
      api.get<Availability>(
        `/bookings/availability?${new URLSearchParams({ storeId: booking.storeId, serviceId: booking.serviceId, from, days: '7' })}`,
      ),
    [booking.id, from],
  );
  const open = (days.data?.days ?? []).filter((d) => d.slots.some((s) => s.start !== booking.slotStart));
  const [day, setDay] = useState<string | null>(null);
  const chosenDay = open.find((d) => d.date === day) ?? open[0] ?? null;
  const [slot, setSlot] = useState<string | null>(null);
  // One id for this move, resent on a retry: a lost answer or a double press moves once.
  const requestId = useMemo(newBookingRequestId, [slot]);
  const sending = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending.current) return;
    if (!slot) {
      setError('请选择新的时段');
      return;
    }
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<BookingAnswer>(`/bookings/${booking.id}/move`, {
        requestId,
        slotStart: slot,
      });
      onDone(`${booking.plate} 已改到 ${dayLabel(answer.booking.day)} ${answer.booking.time}`);
    } catch (err) {
      sending.current = false;
      setBusy(false);
      setError(errorText(err));
      if (err instanceof ApiError && err.code === 'slot_full') void days.reload();
    }
  };

  return (
    <Modal title={`改期：${booking.plate}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          现在：{dayLabel(booking.day)} {booking.time} · {booking.serviceName}
        </p>
        <ErrorBox error={days.error} />
        {days.loading && !days.data ? <p class="muted">正在查询空位…</p> : null}
        {days.data && open.length === 0 ? <p class="empty">近 7 天没有空位。</p> : null}
        {chosenDay ? (
          <>
            <div class="field">
              <label for="move-day">日期</label>
              <select
                id="move-day"
                value={chosenDay.date}
                onChange={(e) => {
                  setDay(e.currentTarget.value);
                  setSlot(null);
                }}
              >
                {open.map((d) => (
                  <option key={d.date} value={d.date}>
                    {dayLabel(d.date)}（余 {d.free} 个位置）
                  </option>
                ))}
              </select>
            </div>
            <SlotChoice
              legend="新的时段"
              slots={chosenDay.slots.filter((s) => s.start !== booking.slotStart)}
              value={slot}
              onValue={setSlot}
            />
          </>
        ) : null}
        {error ? (
          <div class="alert alert--danger" role="alert">
            {error}
          </div>
        ) : null}
        <div class="actions">
          <button type="button" class="button button--large" onClick={onClose}>
            返回
          </button>
          <button type="submit" class="button button--primary button--large" disabled={busy}>
            {busy ? '正在改期…' : '确认改期'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Slots with room as large radio tiles: a finger on a tablet hits the one it means. */
export function SlotChoice({
  legend,
  slots,
  value,
  onValue,
}: {
  legend: string;
  slots: { start: string; time: string; free: number }[];
  value: string | null;
  onValue(start: string): void;
}) {
  return (
    <fieldset class="slot-choice">
      <legend>{legend}</legend>
      {slots.length === 0 ? <p class="muted">这一天没有空位。</p> : null}
      <div class="slot-choice__grid">
        {slots.map((s) => (
          <label
            key={s.start}
            class={`slot-choice__slot${value === s.start ? ' slot-choice__slot--chosen' : ''}`}
          >
            <input
              type="radio"
              name={legend}
              value={s.start}
              checked={value === s.start}
              onChange={() => onValue(s.start)}
            />
            <span>
              {s.time}
              <span class="slot-choice__free">余 {s.free}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CancelDialog({
  booking,
  onClose,
  onDone,
}: {
  booking: BoardBooking;
  onClose(): void;
  onDone(text: string): void;
}) {
  const { api } = useSession();
  const requestId = useMemo(newBookingRequestId, []);
  const sending = useRef(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending.current) return;
    if (!reason.trim()) {
      setReasonError('请填写取消原因');
      return;
    }
    setReasonError(null);
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      await api.post<BookingAnswer>(`/bookings/${booking.id}/cancel`, { requestId, reason: reason.trim() });
      onDone(`${booking.plate} 的预约已取消`);
    } catch (err) {
      sending.current = false;
      setBusy(false);
      setError(errorText(err));
    }
  };

  return (
    <Modal title={`取消预约：${booking.plate}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {dayLabel(booking.day)} {booking.time} · {booking.serviceName} · {booking.member?.name ?? '会员'}
          。取消后这个位置立即空出。
        </p>
        <TextAreaField
          label="取消原因"
          required
          rows={2}
          maxLength={200}
          value={reason}
          onValue={setReason}
          error={reasonError}
          hint="例如：客户来电改约到下周"
        />
        {error ? (
          <div class="alert alert--danger" role="alert">
            {error}
          </div>
        ) : null}
        <div class="actions">
          <button type="button" class="button button--large" onClick={onClose}>
            返回
          </button>
          <button type="submit" class="button button--danger button--large" disabled={busy}>
            {busy ? '正在取消…' : '确认取消'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** What the desk needs to know about a booking paid with a free maintenance. */
function freeMaintenanceText(use: BoardBooking['freeMaintenanceUse']): string {
  if (use === 'used') return '免费保养：已核销 1 次';
  if (use === 'none_left') return '免费保养：到店时已用完，按正常价格结算';
  return '使用免费保养（到店核销）';
}
