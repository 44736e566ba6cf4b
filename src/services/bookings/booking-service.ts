import {
  type BookingAction,
  decideTransition,
  mayMove,
  openStatuses,
} from '../../bookings/booking-transitions';
import { benefitYear } from '../../benefits/benefit-year';
import { decideFreeMaintenanceChoice } from '../../benefits/decide-free-maintenance-choice';
import { decideBookingRequest, memberMayChange } from '../../bookings/decide-booking';
import { nearestFreeSlots } from '../../bookings/nearest-slots';
import type { OpenBookingUse } from '../../bookings/open-booking-problems';
import { duplicateKeyField } from '../../data/duplicate-key-field';
import type { BookingEvent, BookingRecord } from '../../data/models/booking-model';
import { newId } from '../../lib/new-id';
import { formatIsoDate } from '../../rules/local-date';
import { normalizePlate } from '../../rules/normalize-plate';
import { localDateOf } from '../../rules/zoned-time';
import type { ServiceContext } from '../service-context';
import { type Availability, availability } from './booking-availability';
import type { BookingFailure, BookingOutcome } from './booking-outcomes';
import { bookingView } from './booking-view';

export interface BookingActor {
  channel: 'member' | 'staff';
  role: string | null;
  storeId: string | null;
}

export interface CreateBookingInput {
  requestId: string;
  member: { id: string } | { mobile: string };
  plate: string;
  storeId: string;
  serviceId: string;
  slotStart: Date;
  mileageKm: number | null;
  /** Staff's note on a phone booking. */
  note?: string | null;
  /** Pay with one of the member's free maintenances (used at check-in); false when left out. */
  useFreeMaintenance?: boolean;
  actor: BookingActor;
}

/** Runs after a check-in whose booking chose a free maintenance (the benefit's use, keyed by booking). */
export type CheckInListener = (booking: BookingRecord) => Promise<unknown>;

/** Points where a test can make the process "crash" (throw) between the steps of a booking. */
export interface BookingFaults {
  afterIntent?: () => void | Promise<void>;
  afterSeat?: () => void | Promise<void>;
  afterNewSeat?: () => void | Promise<void>;
}

/** A booking changed by a move or a transition (not a repeat): what listeners (notices) hear. */
export interface BookingChange {
  action: BookingAction;
  /** The booking before and after the change. */
  before: BookingRecord;
  after: BookingRecord;
  actor: BookingActor;
  reason: string | null;
  requestId: string | null;
}

export type BookingChangeListener = (change: BookingChange) => Promise<void>;

export interface BookingFilter {
  storeId?: string | undefined;
  day?: string | undefined;
  status?: BookingRecord['status'] | undefined;
  updatedSince?: Date | undefined;
}

/**
 * Service bookings: create, move, confirm, check in, no-show, cancel. The decisions are the pure
 * functions of src/bookings/; places are the seats of `BookingStore`.
 *
 * Create records the intent first (a `pending` booking holding the car's day), then takes a seat for
 * it, then marks it booked: a crash in between leaves a pending booking and maybe an unsettled seat,
 * which the recovery sweep completes or releases (`BookingRecovery`). Move takes the new seat before
 * it gives up the old one, so the booking always holds at least one place and others only ever see
 * fewer free places than exist for a moment, never more.
 */
export class BookingService {
  private readonly listeners: BookingChangeListener[] = [];
  private checkInListener: CheckInListener | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly faults: BookingFaults = {},
  ) {}

  /** Called after each applied move and transition (the member's notices, withdrawn reminders). */
  onChange(listener: BookingChangeListener): void {
    this.listeners.push(listener);
  }

  /** The change is recorded: a listener that fails is logged, never undoes it or fails the request. */
  private async changed(change: BookingChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (err) {
        this.ctx.logger.error(
          { err, bookingId: change.after._id, action: change.action },
          'booking listener failed',
        );
      }
    }
  }

  /** Runs after a check-in whose booking chose a free maintenance (the benefit's use). */
  onCheckedIn(listener: CheckInListener): void {
    this.checkInListener = listener;
  }

  async create(input: CreateBookingInput): Promise<BookingOutcome> {
    const { db, clock } = this.ctx;
    const now = clock();
    const requestKey = `${input.actor.channel}:${input.requestId}`;
    const earlier = await db.bookings.bookings.findOne({ requestKey }).lean<BookingRecord>();
    if (earlier) return repeated(earlier, input);
    const program = this.ctx.program.current();
    const decision = decideBookingRequest(program, input, now);
    if (!decision.ok) return decision;
    if (input.actor.storeId && input.actor.storeId !== input.storeId) {
      return { ok: false, reason: 'forbidden_store', message: '此密钥只能操作本门店的预约' };
    }
    const member = await db.memberStore.findActive(input.member);
    if (!member)
      return { ok: false, reason: 'unknown_member', message: '没有找到这位会员，请核对手机号或会员编号。' };
    const plate = normalizePlate(input.plate);
    if (!plate || !member.vehicles.some((vehicle) => vehicle.plate === plate)) {
      return {
        ok: false,
        reason: 'unknown_car',
        message: '这位会员名下没有这辆车，请核对车牌，或先为会员添加车辆。',
      };
    }
    if (input.useFreeMaintenance) {
      const choice = decideFreeMaintenanceChoice(
        program.bookings?.services ?? [],
        input.serviceId,
        benefitYear(member, now, program).freeMaintenance,
      );
      if (!choice.ok) return choice;
    }
    // A slot already full is answered without writing anything.
    if ((await db.bookingStore.freePlaces(input.storeId, input.slotStart, decision.capacity)) === 0) {
      return this.full(input.storeId, input.serviceId, input.slotStart);
    }
    const id = newId();
    const record: BookingRecord = {
      _id: id,
      number: bookingNumber(),
      requestKey,
      memberId: member._id,
      plate,
      storeId: input.storeId,
      serviceId: input.serviceId,
      slotStart: input.slotStart,
      day: decision.day,
      time: decision.time,
      mileageKm: input.mileageKm,
      note: input.note ?? null,
      channel: input.actor.channel,
      status: 'pending',
      openDayKey: `${plate}|${decision.day}`,
      seatKey: null,
      history: [event('create', now, input.actor, input.requestId)],
      useFreeMaintenance: input.useFreeMaintenance ?? false,
      freeMaintenanceUse: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await db.bookings.bookings.create(record);
    } catch (err) {
      const field = duplicateKeyField(err);
      if (field === 'requestKey') {
        const winner = await db.bookings.bookings.findOne({ requestKey }).lean<BookingRecord>();
        if (winner) return repeated(winner, input);
      }
      if (field === 'openDayKey') {
        return {
          ok: false,
          reason: 'car_already_booked',
          message: `${plate} 在 ${decision.day} 已有预约，可改约或取消后再约。`,
        };
      }
      if (field === 'number') return this.create(input);
      throw err;
    }
    await this.faults.afterIntent?.();
    const seat = await db.bookingStore.takeSeat(input.storeId, input.slotStart, decision.capacity, id, now);
    if (!seat) {
      // Nothing written stays: the intent goes, so a retry of the same request may try again.
      await db.bookings.bookings.deleteOne({ _id: id, status: 'pending' });
      return this.full(input.storeId, input.serviceId, input.slotStart);
    }
    await this.faults.afterSeat?.();
    const booked = await db.bookings.bookings
      .findOneAndUpdate(
        { _id: id, status: 'pending' },
        { $set: { status: 'booked', seatKey: seat, updatedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<BookingRecord>();
    if (!booked) {
      // The sweep finished it meanwhile (it found the seat): report what it recorded.
      const current = await db.bookings.bookings.findById(id).lean<BookingRecord>();
      if (current?.seatKey !== seat) await db.bookingStore.release(seat, id);
      if (!current) throw new Error(`booking ${id} vanished while being made`);
      return { ok: true, duplicate: false, booking: bookingView(current) };
    }
    await db.bookingStore.settle(seat, id, now);
    return { ok: true, duplicate: false, booking: bookingView(booked) };
  }

  async move(
    id: string,
    request: { requestId: string; slotStart: Date; actor: BookingActor; reason?: string | null },
  ): Promise<BookingOutcome> {
    const { db, clock } = this.ctx;
    const now = clock();
    const found = await this.find(id, request.actor);
    if (!found.ok) return found;
    const booking = found.booking;
    if (booking.history.some((e) => e.action === 'move' && e.requestId === request.requestId)) {
      return { ok: true, duplicate: true, booking: bookingView(booking) };
    }
    if (!mayMove(booking.status)) return wrongState(booking);
    const program = this.ctx.program.current();
    if (
      request.actor.channel === 'member' &&
      program.bookings &&
      !memberMayChange(program.bookings, booking.slotStart, now)
    ) {
      return afterCutoff(program.bookings.changeCutoffMinutes);
    }
    if (new Date(booking.slotStart).getTime() === request.slotStart.getTime()) {
      return { ok: true, duplicate: true, booking: bookingView(booking) };
    }
    const decision = decideBookingRequest(
      program,
      { storeId: booking.storeId, serviceId: booking.serviceId, slotStart: request.slotStart },
      now,
    );
    if (!decision.ok) return decision;
    const oldSeat = booking.seatKey;
    if (oldSeat) await db.bookingStore.unsettle(oldSeat, id, now);
    const seat = await db.bookingStore.takeSeat(
      booking.storeId,
      request.slotStart,
      decision.capacity,
      id,
      now,
    );
    const keepOld = async () => {
      if (oldSeat) await db.bookingStore.settle(oldSeat, id, now);
    };
    if (!seat) {
      await keepOld();
      return this.full(booking.storeId, booking.serviceId, request.slotStart);
    }
    await this.faults.afterNewSeat?.();
    let moved: BookingRecord | null;
    try {
      moved = await db.bookings.bookings
        .findOneAndUpdate(
          { _id: id, seatKey: oldSeat, status: { $in: openStatuses } },
          {
            $set: {
              slotStart: request.slotStart,
              day: decision.day,
              time: decision.time,
              seatKey: seat,
              openDayKey: `${booking.plate}|${decision.day}`,
              updatedAt: now,
            },
            $push: {
              history: {
                ...event('move', now, request.actor, request.requestId),
                reason: request.reason ?? null,
                fromSlot: booking.slotStart,
              },
            },
          },
          { returnDocument: 'after' },
        )
        .lean<BookingRecord>();
    } catch (err) {
      if (duplicateKeyField(err) !== 'openDayKey') throw err;
      await db.bookingStore.release(seat, id);
      await keepOld();
      return {
        ok: false,
        reason: 'car_already_booked',
        message: `${booking.plate} 在 ${decision.day} 已有预约，请选择其他日期。`,
      };
    }
    if (!moved) {
      // Another move or a cancel won: give back the place taken for this one.
      await db.bookingStore.release(seat, id);
      const current = await db.bookings.bookings.findById(id).lean<BookingRecord>();
      if (current?.seatKey === oldSeat) await keepOld();
      if (current?.history.some((e) => e.action === 'move' && e.requestId === request.requestId)) {
        return { ok: true, duplicate: true, booking: bookingView(current) };
      }
      if (current && !mayMove(current.status)) return wrongState(current);
      return { ok: false, reason: 'conflict', message: '这条预约刚被修改，请刷新后再试。' };
    }
    if (oldSeat) await db.bookingStore.release(oldSeat, id);
    await db.bookingStore.settle(seat, id, now);
    await this.changed({
      action: 'move',
      before: booking,
      after: moved,
      actor: request.actor,
      reason: request.reason ?? null,
      requestId: request.requestId,
    });
    return { ok: true, duplicate: false, booking: bookingView(moved) };
  }

  /** confirm, check-in, no-show, cancel: a repeat is a duplicate, a wrong state is named. */
  async transition(
    id: string,
    action: Exclude<BookingAction, 'move'>,
    request: { actor: BookingActor; reason?: string | null; requestId?: string | null },
  ): Promise<BookingOutcome> {
    const { db, clock } = this.ctx;
    const now = clock();
    const found = await this.find(id, request.actor);
    if (!found.ok) return found;
    const booking = found.booking;
    const decision = decideTransition(booking.status, action);
    if (decision.kind === 'duplicate') {
      return { ok: true, duplicate: true, booking: bookingView(await this.afterCheckIn(booking)) };
    }
    if (decision.kind === 'wrong_state') return wrongState(booking);
    const config = this.ctx.program.current().bookings;
    if (
      action === 'cancel' &&
      request.actor.channel === 'member' &&
      config &&
      !memberMayChange(config, booking.slotStart, now)
    ) {
      return afterCutoff(config.changeCutoffMinutes);
    }
    const releases = action === 'cancel';
    if (releases && booking.seatKey) await db.bookingStore.unsettle(booking.seatKey, id, now);
    const updated = await db.bookings.bookings
      .findOneAndUpdate(
        { _id: id, status: booking.status, seatKey: booking.seatKey },
        {
          $set: {
            status: decision.to,
            updatedAt: now,
            ...(releases ? { openDayKey: null, seatKey: null } : {}),
            // The free maintenance is due with the check-in itself, so a crash before it is used
            // leaves a mark the recovery sweep finds.
            ...(action === 'check_in' && booking.useFreeMaintenance ? { freeMaintenanceUse: 'pending' } : {}),
          },
          $push: {
            history: {
              ...event(action, now, request.actor, request.requestId ?? null),
              reason: request.reason ?? null,
            },
          },
        },
        { returnDocument: 'after' },
      )
      .lean<BookingRecord>();
    if (!updated) {
      const current = await db.bookings.bookings.findById(id).lean<BookingRecord>();
      if (!current) return notFound();
      if (releases && current.seatKey) await db.bookingStore.settle(current.seatKey, id, now);
      const again = decideTransition(current.status, action);
      if (again.kind === 'duplicate') {
        return { ok: true, duplicate: true, booking: bookingView(await this.afterCheckIn(current)) };
      }
      if (again.kind === 'wrong_state') return wrongState(current);
      return { ok: false, reason: 'conflict', message: '这条预约刚被修改，请刷新后再试。' };
    }
    // A cancelled place is free again at once.
    if (releases && booking.seatKey) await db.bookingStore.release(booking.seatKey, id);
    const after = await this.afterCheckIn(updated);
    await this.changed({
      action,
      before: booking,
      after,
      actor: request.actor,
      reason: request.reason ?? null,
      requestId: request.requestId ?? null,
    });
    return { ok: true, duplicate: false, booking: bookingView(after) };
  }

  /** A checked-in booking whose free maintenance is still due: use it now (idempotent), as it is then. */
  private async afterCheckIn(booking: BookingRecord): Promise<BookingRecord> {
    if (booking.freeMaintenanceUse !== 'pending' || !this.checkInListener) return booking;
    await this.checkInListener(booking);
    return (await this.ctx.db.bookings.bookings.findById(booking._id).lean<BookingRecord>()) ?? booking;
  }

  async list(filter: BookingFilter, limit = 500) {
    const query: Record<string, unknown> = {};
    if (filter.storeId) query.storeId = filter.storeId;
    if (filter.day) query.day = filter.day;
    if (filter.status) query.status = filter.status;
    else query.status = { $ne: 'pending' };
    if (filter.updatedSince) query.updatedAt = { $gt: filter.updatedSince };
    const records = await this.ctx.db.bookings.bookings
      .find(query)
      .sort(filter.updatedSince ? { updatedAt: 1, _id: 1 } : { slotStart: 1, _id: 1 })
      .limit(limit)
      .lean<BookingRecord[]>();
    return records.map(bookingView);
  }

  /** Open bookings (booked or confirmed, not yet started) by store and service: what a publish must keep. */
  async openUses(): Promise<OpenBookingUse[]> {
    const records = await this.ctx.db.bookings.bookings
      .find(
        { status: { $in: openStatuses }, slotStart: { $gte: this.ctx.clock() } },
        { storeId: 1, serviceId: 1, number: 1 },
      )
      .sort({ slotStart: 1 })
      .lean<Pick<BookingRecord, 'storeId' | 'serviceId' | 'number'>[]>();
    const uses = new Map<string, OpenBookingUse>();
    for (const record of records) {
      const key = `${record.storeId}|${record.serviceId}`;
      const use = uses.get(key) ?? { storeId: record.storeId, serviceId: record.serviceId, numbers: [] };
      use.numbers.push(record.number);
      uses.set(key, use);
    }
    return [...uses.values()];
  }

  availability(
    storeId: string,
    serviceId: string,
    from: string,
    days: number,
  ): Promise<Availability | BookingFailure> {
    return availability(this.ctx, storeId, serviceId, from, days);
  }

  private async find(
    id: string,
    actor: BookingActor,
  ): Promise<{ ok: true; booking: BookingRecord } | BookingFailure> {
    const booking = await this.ctx.db.bookings.bookings.findById(id).lean<BookingRecord>();
    if (!booking || booking.status === 'pending') return notFound();
    if (actor.storeId && booking.storeId !== actor.storeId) {
      return { ok: false, reason: 'forbidden_store', message: '这条预约不属于本门店' };
    }
    return { ok: true, booking };
  }

  /** A full slot, answered with the nearest free ones of that day and the next days. */
  private async full(storeId: string, serviceId: string, wanted: Date): Promise<BookingOutcome> {
    const program = this.ctx.program.current();
    const open = await availability(
      this.ctx,
      storeId,
      serviceId,
      formatIsoDate(localDateOf(wanted, program.timezone)),
      3,
    );
    const free =
      'days' in open
        ? open.days.flatMap((day) =>
            day.slots.map((slot) => ({ ...slot, day: day.date, start: new Date(slot.start) })),
          )
        : [];
    const alternatives = nearestFreeSlots(free, wanted).map((slot) => ({
      ...slot,
      start: slot.start.toISOString(),
    }));
    const offer = alternatives.map((slot) => `${slot.day.slice(5)} ${slot.time}`).join('、');
    return {
      ok: false,
      reason: 'slot_full',
      message:
        alternatives.length > 0
          ? `这个时间已约满，最近可约：${offer}。`
          : '这个时间已约满，近几天也没有空位，请选择更晚的日期。',
      alternatives,
    };
  }
}

function event(action: string, at: Date, actor: BookingActor, requestId: string | null): BookingEvent {
  return {
    action,
    at,
    by: { channel: actor.channel, role: actor.role, storeId: actor.storeId },
    requestId,
    reason: null,
    fromSlot: null,
  };
}

function repeated(earlier: BookingRecord, input: CreateBookingInput): BookingOutcome {
  const same =
    earlier.storeId === input.storeId &&
    earlier.serviceId === input.serviceId &&
    new Date(earlier.slotStart).getTime() === input.slotStart.getTime() &&
    earlier.plate === normalizePlate(input.plate);
  // A later move changes the slot; the request is still the same one.
  if (!same && !earlier.history.some((e) => e.action === 'move')) {
    return {
      ok: false,
      reason: 'request_reused',
      message: '这个 requestId 已用于另一条预约，请换一个新的 requestId。',
    };
  }
  return { ok: true, duplicate: true, booking: bookingView(earlier) };
}

function wrongState(booking: BookingRecord): BookingFailure {
  const view = bookingView(booking);
  return {
    ok: false,
    reason: 'wrong_state',
    status: booking.status,
    message: `这条预约当前为「${view.statusName}」，不能进行此操作。`,
  };
}

function notFound(): BookingFailure {
  return { ok: false, reason: 'not_found', message: '没有这条预约' };
}

function afterCutoff(minutes: number): BookingFailure {
  const lead = minutes % 60 === 0 ? `${minutes / 60} 小时` : `${minutes} 分钟`;
  return {
    ok: false,
    reason: 'after_cutoff',
    message: `预约开始前 ${lead}内不能在线修改或取消，请致电门店。`,
  };
}

/** "B" + 8 digits: short enough to read out on the phone. */
function bookingNumber(): string {
  return `B${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}
