import { openStatuses } from '../../bookings/booking-transitions';
import { careBookingKinds, suggestedBooking } from '../../bookings/care-booking';
import { memberMayChange } from '../../bookings/decide-booking';
import type { Program } from '../../config/program-schema';
import type {
  BookingEffectResults,
  ChatBooking,
  ChatBookingRefusal,
  EffectOf,
  EffectResult,
} from '../../conversation/effect';
import type { BookingRecord } from '../../data/models/booking-model';
import type { DeliveryRecord } from '../../data/models/delivery-model';
import type { MemberRecord } from '../../data/models/member-model';
import { formatIsoDate } from '../../rules/local-date';
import { localDateOf } from '../../rules/zoned-time';
import type { BookingActor } from '../bookings/booking-service';
import type { BookingOutcome } from '../bookings/booking-outcomes';
import type { BookingView } from '../bookings/booking-view';
import { memberView } from '../member-view';
import type { Services } from '../services';

export type BookingEffect = EffectOf<keyof BookingEffectResults>;

const MEMBER: BookingActor = { channel: 'member', role: null, storeId: null };

/**
 * The chat's booking effects (预约, 我的预约) carried out through the booking service, for the
 * member the conversation found. Every refusal comes back as a value with the service's Chinese
 * reason (and the store's phone); a full slot with the nearest free ones.
 */
export class BookingEffects {
  constructor(private readonly services: Services) {}

  async perform(effect: BookingEffect, memberId: string): Promise<EffectResult> {
    switch (effect.type) {
      case 'load_booking_options':
        return { type: effect.type, value: await this.options(memberId) };
      case 'load_booking_days':
        return { type: effect.type, value: await this.days(effect.storeId, effect.serviceId) };
      case 'book':
        return { type: effect.type, value: await this.book(memberId, effect) };
      case 'load_my_bookings':
        return { type: effect.type, value: await this.mine(memberId) };
      case 'move_booking':
        return { type: effect.type, value: await this.move(memberId, effect) };
      case 'cancel_booking':
        return { type: effect.type, value: await this.cancel(memberId, effect) };
    }
  }

  private async options(memberId: string): Promise<BookingEffectResults['load_booking_options']> {
    const { db, clock } = this.services;
    const program = this.services.program.current();
    const config = program.bookings;
    if (!config) return { ok: false, reason: 'bookings_off' };
    const member = await db.members.findOne({ _id: memberId, status: 'active' }).lean<MemberRecord>();
    if (!member) throw new Error(`member ${memberId} vanished`);
    const stores = program.stores
      .filter((store) => store.booking)
      .sort((a, b) => Number(b.id === member.homeStoreId) - Number(a.id === member.homeStoreId))
      .map((store) => ({
        id: store.id,
        name: store.name,
        services: (store.booking?.services ?? []).flatMap((id) => {
          const service = config.services.find((candidate) => candidate.id === id);
          return service ? [{ id, name: service.name, freeMaintenance: service.freeMaintenance }] : [];
        }),
      }));
    if (!stores.length) return { ok: false, reason: 'no_store' };
    const cars = member.vehicles.flatMap((vehicle) =>
      vehicle.plate ? [{ plate: vehicle.plate, model: vehicle.model }] : [],
    );
    if (!cars.length) return { ok: false, reason: 'no_car' };
    const now = clock();
    const [reminder, lastBooking] = await Promise.all([
      db.delivery.deliveries
        .findOne(
          { memberId, status: 'sent', kind: { $in: careBookingKinds } },
          { _id: 1, kind: 1, sentAt: 1 },
        )
        .sort({ sentAt: -1 })
        .lean<Pick<DeliveryRecord, '_id' | 'kind' | 'sentAt'>>(),
      db.bookings.bookings
        .findOne({ memberId }, { createdAt: 1 })
        .sort({ createdAt: -1 })
        .lean<Pick<BookingRecord, 'createdAt'>>(),
    ]);
    const suggested = suggestedBooking(
      reminder?.sentAt ? { kind: reminder.kind, key: reminder._id, sentAt: new Date(reminder.sentAt) } : null,
      lastBooking ? new Date(lastBooking.createdAt) : null,
      program,
      now,
    );
    const view = memberView(member, now, program, false);
    return { ok: true, cars, stores, freeMaintenanceLeft: view.tier.freeMaintenance.left, suggested };
  }

  private async days(storeId: string, serviceId: string): Promise<BookingEffectResults['load_booking_days']> {
    const program = this.services.program.current();
    const horizon = program.bookings?.horizonDays ?? 0;
    const today = localDateOf(this.services.clock(), program.timezone);
    const open = await this.services.bookings.availability(
      storeId,
      serviceId,
      formatIsoDate(today),
      horizon + 1,
    );
    if (!('days' in open)) return { ok: false, message: open.message };
    const days = open.days
      .filter((day) => !day.closed && day.free > 0)
      .map((day) => ({
        date: day.date,
        free: day.free,
        slots: day.slots.map((slot) => ({ ...slot, day: day.date })),
      }));
    // Only the days the flow shows are kept in the session.
    return { ok: true, days: days.slice(0, 7) };
  }

  private async book(memberId: string, effect: EffectOf<'book'>): Promise<BookingEffectResults['book']> {
    const outcome = await this.services.bookings.create({
      requestId: effect.requestId,
      member: { id: memberId },
      plate: effect.plate,
      storeId: effect.storeId,
      serviceId: effect.serviceId,
      slotStart: new Date(effect.slotStart),
      mileageKm: effect.mileageKm,
      useFreeMaintenance: effect.useFreeMaintenance,
      actor: MEMBER,
    });
    if (outcome.ok) return { ok: true, duplicate: outcome.duplicate, booking: this.chat(outcome.booking) };
    return this.refusal(outcome, effect.storeId);
  }

  private async mine(memberId: string): Promise<BookingEffectResults['load_my_bookings']> {
    const program = this.services.program.current();
    const now = this.services.clock();
    const records = await this.services.db.bookings.bookings
      .find({ memberId, status: { $in: openStatuses }, slotStart: { $gt: now } })
      .sort({ slotStart: 1 })
      .limit(9)
      .lean<BookingRecord[]>();
    const config = program.bookings;
    return {
      cutoffMinutes: config?.changeCutoffMinutes ?? 0,
      bookings: records.map((record) => ({
        ...this.chat(record),
        changeable: config ? memberMayChange(config, new Date(record.slotStart), now) : false,
      })),
    };
  }

  private async move(
    memberId: string,
    effect: EffectOf<'move_booking'>,
  ): Promise<BookingEffectResults['move_booking']> {
    const own = await this.own(memberId, effect.bookingId);
    if (!own) return { ok: false, reason: 'not_found', message: '没有找到这条预约。', phone: null };
    const outcome = await this.services.bookings.move(effect.bookingId, {
      requestId: effect.requestId,
      slotStart: new Date(effect.slotStart),
      actor: MEMBER,
    });
    if (outcome.ok) return { ok: true, booking: this.chat(outcome.booking) };
    return this.refusal(outcome, own.storeId);
  }

  private async cancel(
    memberId: string,
    effect: EffectOf<'cancel_booking'>,
  ): Promise<BookingEffectResults['cancel_booking']> {
    const own = await this.own(memberId, effect.bookingId);
    if (!own) return { ok: false, reason: 'not_found', message: '没有找到这条预约。', phone: null };
    const outcome = await this.services.bookings.transition(effect.bookingId, 'cancel', {
      actor: MEMBER,
      reason: '会员在聊天中取消',
      requestId: effect.requestId,
    });
    if (outcome.ok) return { ok: true, booking: this.chat(outcome.booking) };
    return this.refusal(outcome, own.storeId);
  }

  /** The booking, when it is this member's (a member acts on their own bookings only). */
  private own(memberId: string, bookingId: string) {
    return this.services.db.bookings.bookings
      .findOne({ _id: bookingId, memberId }, { storeId: 1 })
      .lean<Pick<BookingRecord, 'storeId'>>();
  }

  private refusal(outcome: Extract<BookingOutcome, { ok: false }>, storeId: string): ChatBookingRefusal {
    if (outcome.reason === 'slot_full') {
      return { ok: false, reason: 'slot_full', message: outcome.message, alternatives: outcome.alternatives };
    }
    const phone = storeOf(this.services.program.current(), storeId)?.phone ?? null;
    return { ok: false, reason: outcome.reason, message: outcome.message, phone };
  }

  private chat(booking: BookingView | BookingRecord): ChatBooking {
    const program = this.services.program.current();
    const store = storeOf(program, booking.storeId);
    const id = '_id' in booking ? booking._id : booking.id;
    return {
      id,
      number: booking.number,
      plate: booking.plate,
      storeId: booking.storeId,
      storeName: store?.name ?? booking.storeId,
      address: addressOf(store),
      phone: store?.phone ?? null,
      serviceId: booking.serviceId,
      serviceName:
        program.bookings?.services.find((s) => s.id === booking.serviceId)?.name ?? booking.serviceId,
      day: booking.day,
      time: booking.time,
      slotStart: new Date(booking.slotStart).toISOString(),
      useFreeMaintenance: booking.useFreeMaintenance === true,
    };
  }
}

function storeOf(program: Program, storeId: string) {
  return program.stores.find((store) => store.id === storeId);
}

/** The store's address when the program has one (a later program field; read safely). */
function addressOf(store: object | undefined): string | null {
  const address = store && 'address' in store ? (store as { address?: unknown }).address : undefined;
  return typeof address === 'string' && address ? address : null;
}
