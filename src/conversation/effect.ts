import { z } from 'zod';
import type { OfferedReward } from '../rules/catalogue-offer';
import type { ProgramFacts } from '../rules/program-facts';
import { serviceKinds } from './intents/slots/slot-types';
import type { ReferralTerms } from '../rules/referral-terms';

/**
 * What a flow asks the services to do or look up. Flows only declare these; the conversation
 * service carries them out and feeds the result back into the step that asked.
 */
export const effectSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('load_balance') }),
  z.strictObject({ type: z.literal('load_benefits') }),
  z.strictObject({ type: z.literal('load_history'), limit: z.number().int().min(1).max(20) }),
  z.strictObject({ type: z.literal('load_referral') }),
  z.strictObject({ type: z.literal('set_marketing'), optIn: z.boolean() }),
  z.strictObject({ type: z.literal('erase') }),
  z.strictObject({ type: z.literal('send_sms_code'), mobile: z.string() }),
  z.strictObject({ type: z.literal('verify_sms_code'), mobile: z.string(), code: z.string() }),
  /** After the SMS check: a member with this mobile is bound to this chat user (re-binding). */
  z.strictObject({ type: z.literal('rebind_member'), mobile: z.string() }),
  z.strictObject({
    type: z.literal('enrol'),
    form: z.strictObject({
      name: z.string(),
      mobile: z.string(),
      privacyConsent: z.literal(true),
      marketingConsent: z.boolean(),
      birthday: z.string().optional(),
      plate: z.string().optional(),
    }),
  }),
  z.strictObject({ type: z.literal('load_car') }),
  z.strictObject({
    type: z.literal('update_car'),
    field: z.enum(['plate', 'model', 'mileageKm', 'insuranceEndsOn', 'inspectionDueOn']),
    value: z.union([z.string(), z.number().int()]),
  }),
  z.strictObject({ type: z.literal('load_catalogue') }),
  z.strictObject({
    type: z.literal('open_missing_report'),
    date: z.string(),
    amountFen: z.number().int().positive(),
    storeId: z.string(),
    invoice: z.strictObject({ mediaId: z.string(), imageUrl: z.string() }).nullable(),
    /** The service the member named (「保养的积分没加上」), for the staff's first proposal. */
    service: z.enum(serviceKinds).optional(),
  }),
  z.strictObject({ type: z.literal('redeem'), rewardId: z.string(), requestId: z.string() }),
  z.strictObject({ type: z.literal('record_rating'), rating: z.number().int().min(1).max(10) }),
  z.strictObject({ type: z.literal('record_feedback_comment'), feedbackId: z.string(), comment: z.string() }),
  z.strictObject({ type: z.literal('load_store_contact') }),
  z.strictObject({ type: z.literal('request_callback'), note: z.string().nullable(), requestId: z.string() }),
  /** 投诉: recorded once per message (`requestId`), with the member's recent messages; the store is alerted. */
  z.strictObject({ type: z.literal('record_complaint'), text: z.string().min(1), requestId: z.string() }),
  /** The program's numbers a question about it is answered from (tiers, earning, expiry…). */
  z.strictObject({ type: z.literal('load_program_facts') }),
  /** 预约: the member's cars, the stores taking bookings and their services, a suggested service. */
  z.strictObject({ type: z.literal('load_booking_options') }),
  /** The next open days of a store for a service, each with its free slots. */
  z.strictObject({ type: z.literal('load_booking_days'), storeId: z.string(), serviceId: z.string() }),
  z.strictObject({
    type: z.literal('book'),
    requestId: z.string(),
    plate: z.string(),
    storeId: z.string(),
    serviceId: z.string(),
    slotStart: z.iso.datetime(),
    mileageKm: z.number().int().nonnegative().nullable(),
    useFreeMaintenance: z.boolean(),
  }),
  /** 我的预约: the member's open bookings, soonest first. */
  z.strictObject({ type: z.literal('load_my_bookings') }),
  z.strictObject({
    type: z.literal('move_booking'),
    bookingId: z.string(),
    requestId: z.string(),
    slotStart: z.iso.datetime(),
  }),
  z.strictObject({ type: z.literal('cancel_booking'), bookingId: z.string(), requestId: z.string() }),
]);
export type Effect = z.infer<typeof effectSchema>;
export type EffectType = Effect['type'];
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;

/** A member's car as the chat shows it (dates `YYYY-MM-DD`). */
export interface CarFacts {
  plate: string | null;
  model: string | null;
  mileageKm: number | null;
  insuranceEndsOn: string | null;
  inspectionDueOn: string | null;
}

/** What each effect answers. Instants are ISO strings so sessions stay plain JSON. */
export interface EffectResults {
  load_balance: {
    available: number;
    pending: number;
    expiringIn30Days: number;
    tierName: string;
    next: { name: string; pointsToGo: number } | null;
    /** This membership year's free maintenances. */
    freeMaintenance: { allowance: number; used: number; left: number };
    vouchers: { name: string; code: string; expiresAt: string }[];
  };
  /** The tier's benefits (RULES.md §11) and what is left of them this membership year. */
  load_benefits: {
    tierName: string;
    /** Last day of the membership year, `YYYY-MM-DD`. */
    yearEnd: string;
    freeMaintenance: { allowance: number; used: number; left: number };
    /** `9.5` for 9.5折; null without a discount. */
    serviceDiscountZhe: number | null;
    /** The birthday voucher's name when the tier has the gift; the member's birthday if known. */
    birthdayGift: { voucherName: string; birthday: { month: number; day: number } | null } | null;
    personalAdvisor: boolean;
  };
  load_history: { entries: { at: string; points: number; explanation: string }[] };
  load_referral: {
    code: string;
    scene: string;
    friendsJoined: number;
    pointsEarned: number;
    /** Rewarded referrals in the member's current membership year (against `terms.yearlyCap`). */
    rewardedThisYear: number;
    terms: ReferralTerms;
  };
  set_marketing: { changed: boolean };
  erase: { ok: true };
  send_sms_code:
    | { ok: true }
    | { ok: false; reason: 'too_soon'; waitSeconds: number }
    | { ok: false; reason: 'daily_limit' | 'unavailable' };
  verify_sms_code:
    | { ok: true }
    | { ok: false; reason: 'wrong'; attemptsLeft: number }
    | { ok: false; reason: 'expired' | 'too_many' };
  rebind_member:
    | {
        status: 'rebound';
        name: string | null;
        available: number;
        tierName: string;
        /** The membership was on another WeChat account until now (that account is told). */
        tookOver: boolean;
      }
    /** No member has this mobile: the sign-up goes on. */
    | { status: 'not_member' | 'not_verified' | 'conflict' };
  enrol:
    | {
        ok: true;
        welcomePoints: number;
        referralPoints: number;
        /** Who invited the new member, masked (`inviterLabel`); null without a referral. */
        inviter: string | null;
        voucher: { name: string; expiresAt: string } | null;
      }
    | { ok: false; reason: 'relinked' | 'openid_linked' | 'not_verified' | 'conflict' }
    | { ok: false; reason: 'invalid'; message: string };
  open_missing_report: { reportId: string };
  load_car: { car: CarFacts | null };
  update_car: { car: CarFacts };
  /** Active rewards in catalogue order, each with what holds the member back (null: redeemable). */
  load_catalogue: { available: number; tierName: string; rewards: OfferedReward[] };
  redeem:
    | { ok: true; rewardName: string; code: string; expiresAt: string; available: number }
    | { ok: false; reason: 'insufficient_points'; missing: number }
    | { ok: false; reason: 'unavailable'; message: string };
  record_rating:
    | { ok: true; feedbackId: string; alerted: boolean }
    | { ok: false; reason: 'already_rated' | 'none_open' }
    | { ok: false; reason: 'out_of_range'; max: number };
  record_feedback_comment: { saved: boolean };
  load_store_contact: { name: string; phone: string | null; hours: string | null; address: string | null };
  request_callback: { ok: true };
  record_complaint: { callBackWithinHours: number; store: EffectResults['load_store_contact'] };
  load_program_facts: ProgramFacts;
  load_booking_options: BookingEffectResults['load_booking_options'];
  load_booking_days: BookingEffectResults['load_booking_days'];
  book: BookingEffectResults['book'];
  load_my_bookings: BookingEffectResults['load_my_bookings'];
  move_booking: BookingEffectResults['move_booking'];
  cancel_booking: BookingEffectResults['cancel_booking'];
}

/** A bookable slot as the chat offers it (`start` an ISO instant, `day` YYYY-MM-DD, `time` HH:MM). */
export interface ChatSlot {
  start: string;
  day: string;
  time: string;
  free: number;
}

/** A booking as the chat tells it. */
export interface ChatBooking {
  id: string;
  number: string;
  plate: string;
  storeId: string;
  storeName: string;
  /** The store's address when the program has one, else null (the phone is told instead). */
  address: string | null;
  phone: string | null;
  serviceId: string;
  serviceName: string;
  day: string;
  time: string;
  slotStart: string;
  useFreeMaintenance: boolean;
}

/** A booking refused: the service's Chinese reason; a full slot comes with the nearest free ones. */
export type ChatBookingRefusal =
  | { ok: false; reason: 'slot_full'; message: string; alternatives: ChatSlot[] }
  | { ok: false; reason: string; message: string; phone: string | null };

export interface BookingEffectResults {
  load_booking_options:
    | { ok: false; reason: 'bookings_off' | 'no_store' | 'no_car' }
    | {
        ok: true;
        cars: { plate: string; model: string | null }[];
        /** Stores taking bookings, the member's home store first. */
        stores: {
          id: string;
          name: string;
          services: { id: string; name: string; freeMaintenance: boolean }[];
        }[];
        freeMaintenanceLeft: number;
        /** From a care reminder the member was sent lately (maintenance due → 保养…), or null. */
        suggested: { serviceId: string; plate: string | null } | null;
      };
  load_booking_days:
    | { ok: true; days: { date: string; free: number; slots: ChatSlot[] }[] }
    | { ok: false; message: string };
  book: { ok: true; duplicate: boolean; booking: ChatBooking } | ChatBookingRefusal;
  load_my_bookings: { bookings: (ChatBooking & { changeable: boolean })[]; cutoffMinutes: number };
  move_booking: { ok: true; booking: ChatBooking } | ChatBookingRefusal;
  cancel_booking: { ok: true; booking: ChatBooking } | ChatBookingRefusal;
}

export type EffectResult = { [T in EffectType]: { type: T; value: EffectResults[T] } }[EffectType];
