import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import {
  type Availability,
  type BookingAnswer,
  bookableStores,
  dayLabel,
  newBookingRequestId,
  storeServices,
} from '../booking-board';
import { ErrorBox, errorText } from '../components/error-box';
import { SelectField, TextAreaField, TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { canWorkBookings } from '../roles';
import { navigate } from '../route';
import { useSession } from '../session';
import type { Member } from '../types';
import { useLoad } from '../use-load';
import { boardHref, SlotChoice } from './bookings';
import { NoPermission } from './no-permission';

const MOBILE = /^1[3-9]\d{9}$/;

/** 新建预约 (`#/bookings/new?store=&date=`): a booking taken on the phone, store and admin keys only. */
export function NewBooking({ store, date }: { store: string | null; date: string | null }) {
  const { role } = useSession();
  if (!canWorkBookings(role)) return <NoPermission section="新建预约" />;
  return <NewBookingForm store={store} date={date} />;
}

/**
 * Find the member by mobile or plate (the member search API), pick the car, the service, a day
 * and a slot with room (availability), mileage and a note; one request id per form, resent on a
 * retry, so a double click or a lost answer books once.
 */
function NewBookingForm({ store: wantedStore, date }: { store: string | null; date: string | null }) {
  const { api, program, storeId: keyStore } = useSession();
  const notify = useToast();
  const stores = bookableStores(program);
  const [store, setStore] = useState(keyStore ?? wantedStore ?? stores[0]?.id ?? '');
  const services = storeServices(program, store);
  const [serviceId, setServiceId] = useState(services[0]?.id ?? '');
  const [lookup, setLookup] = useState('');
  const [matches, setMatches] = useState<Member[] | null>(null);
  const [lookupError, setLookupError] = useState<unknown>(null);
  const [member, setMember] = useState<Member | null>(null);
  const [plate, setPlate] = useState('');
  const [day, setDay] = useState<string | null>(date);
  const [slot, setSlot] = useState<string | null>(null);
  const [mileage, setMileage] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const requestId = useMemo(newBookingRequestId, [member?.id, plate, store, serviceId, slot]);

  const horizon = (program as { bookings?: { horizonDays: number } }).bookings?.horizonDays ?? 14;
  const availability = useLoad(async () => {
    if (!store || !serviceId) return null;
    const query = new URLSearchParams({ storeId: store, serviceId, days: String(Math.min(31, horizon + 1)) });
    return api.get<Availability>(`/bookings/availability?${query}`);
  }, [store, serviceId]);
  const openDays = (availability.data?.days ?? []).filter((d) => d.slots.length > 0);
  const chosenDay = openDays.find((d) => d.date === day) ?? openDays[0] ?? null;

  const search = async (event: Event) => {
    event.preventDefault();
    const typed = lookup.trim();
    if (!typed) return;
    setLookupError(null);
    setMatches(null);
    const mobile = typed.replace(/[\s-]/g, '');
    const param = MOBILE.test(mobile)
      ? `mobile=${encodeURIComponent(mobile)}`
      : `plate=${encodeURIComponent(typed)}`;
    try {
      const found = (await api.get<{ members: Member[] }>(`/members?${param}`)).members;
      setMatches(found);
      if (found.length === 1) choose(found[0]!, typed);
    } catch (err) {
      setLookupError(err);
    }
  };

  const choose = (picked: Member, typed: string) => {
    setMember(picked);
    const plates = picked.vehicles.flatMap((v) => (v.plate ? [v.plate] : []));
    const typedPlate = typed.replace(/[\s·-]/g, '').toUpperCase();
    setPlate(plates.find((p) => p === typedPlate) ?? plates[0] ?? '');
    const car = picked.vehicles.find((v) => v.plate === (plates.find((p) => p === typedPlate) ?? plates[0]));
    if (car?.mileageKm != null && !mileage) setMileage(String(car.mileageKm));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending.current) return;
    const local: Record<string, string> = {};
    if (!member) local.member = '请先查找并选择会员';
    else if (!plate) local.plate = '这位会员名下没有车辆，请先在会员页添加车辆';
    if (!serviceId) local.service = '请选择服务';
    if (!slot) local.slot = '请选择时段';
    const km = mileage.trim().replace(/[,，\s]/g, '');
    if (km && !/^\d{1,7}$/.test(km)) local.mileage = '里程请填整数公里';
    setErrors(local);
    if (Object.keys(local).length || !member || !slot) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<BookingAnswer>('/bookings', {
        requestId,
        memberId: member.id,
        plate,
        storeId: store,
        serviceId,
        slotStart: slot,
        ...(km ? { mileageKm: Number(km) } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      const b = answer.booking;
      notify(`已预约 ${b.plate} ${dayLabel(b.day)} ${b.time}（${b.number}）`);
      navigate(boardHref(keyStore ? null : store, b.day));
    } catch (err) {
      sending.current = false;
      setBusy(false);
      if (err instanceof ApiError && err.code === 'slot_full') {
        setSlot(null);
        void availability.reload();
      }
      setError(err);
    }
  };

  return (
    <section class="board">
      <PageHeader
        title="新建预约"
        subtitle="客户来电预约：查找会员，选服务、日期和有空位的时段。"
        actions={
          <a class="button button--large" href={boardHref(keyStore ? null : store, date)}>
            返回预约看板
          </a>
        }
      />
      <form class="card search" onSubmit={search} noValidate>
        <TextField
          label="会员手机号或车牌号"
          value={lookup}
          onValue={setLookup}
          autoComplete="off"
          hint="例如 13812345678 或 粤B12345"
          error={errors.member}
        />
        <button type="submit" class="button button--primary button--large">
          查找会员
        </button>
      </form>
      <ErrorBox error={lookupError} />
      {matches && matches.length === 0 ? (
        <p class="muted" role="status">
          没有找到「{lookup.trim()}」对应的会员。
        </p>
      ) : null}
      {matches && matches.length > 1 ? (
        <ul class="member-picker__matches" aria-label="匹配的会员">
          {matches.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                class="button button--large"
                aria-pressed={member?.id === m.id}
                onClick={() => choose(m, lookup)}
              >
                {m.name ?? '（未留姓名）'} · {m.mobile ?? '无手机号'} · {m.tier.name}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form class="card form-narrow" onSubmit={submit} noValidate>
        <p data-testid="booking-member">
          会员：
          {member ? (
            <strong>
              {member.name ?? '（未留姓名）'} · {member.mobile ?? '无手机号'} · {member.tier.name}
            </strong>
          ) : (
            <span class="muted">尚未选择</span>
          )}
        </p>
        {member ? (
          <SelectField
            label="车辆"
            value={plate}
            onValue={setPlate}
            error={errors.plate}
            options={member.vehicles.flatMap((v) =>
              v.plate ? [{ value: v.plate, label: v.model ? `${v.plate}（${v.model}）` : v.plate }] : [],
            )}
          />
        ) : null}
        {keyStore ? null : (
          <SelectField
            label="门店"
            value={store}
            onValue={(value) => {
              setStore(value);
              setServiceId(storeServices(program, value)[0]?.id ?? '');
              setSlot(null);
            }}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
          />
        )}
        <SelectField
          label="服务"
          value={serviceId}
          onValue={(value) => {
            setServiceId(value);
            setSlot(null);
          }}
          error={errors.service}
          options={services.map((s) => ({ value: s.id, label: s.name }))}
        />
        <ErrorBox error={availability.error} />
        {availability.data && openDays.length === 0 ? <p class="empty">可预约的日子都已约满。</p> : null}
        {chosenDay ? (
          <>
            <SelectField
              label="日期"
              value={chosenDay.date}
              onValue={(value) => {
                setDay(value);
                setSlot(null);
              }}
              options={openDays.map((d) => ({
                value: d.date,
                label: `${dayLabel(d.date)}（余 ${d.free} 个位置）`,
              }))}
            />
            <SlotChoice legend="时段" slots={chosenDay.slots} value={slot} onValue={setSlot} />
            {errors.slot ? (
              <p class="field__error" role="alert">
                {errors.slot}
              </p>
            ) : null}
          </>
        ) : availability.loading ? (
          <p class="muted">正在查询空位…</p>
        ) : null}
        <TextField
          label="当前里程（公里）"
          inputMode="numeric"
          value={mileage}
          onValue={setMileage}
          error={errors.mileage}
          hint="选填，客户报的大概里程即可"
        />
        <TextAreaField
          label="备注"
          rows={2}
          maxLength={200}
          value={note}
          onValue={setNote}
          hint="选填，例如客户描述的问题"
        />
        {error ? (
          <div class="alert alert--danger" role="alert" data-testid="booking-error">
            {errorText(error)}
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="button button--primary button--large" disabled={busy}>
            {busy ? '正在预约…' : '确认预约'}
          </button>
        </div>
      </form>
    </section>
  );
}
