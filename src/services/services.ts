import type { Database } from '../data/database';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { BenefitService } from './benefits/benefit-service';
import { recoverBookings } from './bookings/booking-recovery';
import { BookingNotices } from './bookings/booking-notices';
import { BookingReminders } from './bookings/booking-reminders';
import { BookingService } from './bookings/booking-service';
import { CallbackService } from './callback-service';
import { CampaignService } from './campaign-service';
import { CareScanService } from './care-scan-service';
import { CareService } from './care-service';
import { MisunderstoodMessages } from './conversation/misunderstood-messages';
import { DeliveryService } from './delivery-service';
import { EnrolmentService } from './enrolment-service';
import { ErasureService } from './erasure-service';
import { IdentityHasher } from './identity-hasher';
import { MassSendService } from './mass-send-service';
import { MemberImportService } from './member-import-service';
import { MemberLinkService } from './member-link-service';
import { MissingPointsService } from './missing-points-service';
import { NightlyService } from './nightly-service';
import type { ProgramSource } from './program-source';
import { ProgramVersionService } from './program-version-service';
import { RecoveryService } from './recovery-service';
import { RedemptionService } from './redemption-service';
import { ReferralService } from './referral-service';
import { ReportService } from './report-service';
import { RewardService } from './reward-service';
import { ComplaintService } from './complaint-service';
import { ServiceFeedbackService } from './service-feedback-service';
import { TransactionService } from './transaction-service';
import { VoucherService } from './voucher-service';

/** The application services, built once per process by the composition root. */
export interface Services {
  db: Database;
  program: ProgramSource;
  clock: Clock;
  logger: Logger;
  transactions: TransactionService;
  rewards: RewardService;
  vouchers: VoucherService;
  redemptions: RedemptionService;
  nightly: NightlyService;
  careScans: CareScanService;
  care: CareService;
  enrolment: EnrolmentService;
  referrals: ReferralService;
  erasure: ErasureService;
  missingPoints: MissingPointsService;
  memberImport: MemberImportService;
  programVersions: ProgramVersionService;
  recovery: RecoveryService;
  delivery: DeliveryService;
  /** Marketing campaigns: fan-out, bonus points, promotion windows for earning. */
  campaigns: CampaignService;
  /** The mass-send batcher: marketing outside the 48-hour window, in WeChat mass sends. */
  massSend: MassSendService;
  /** Post-service follow-up: the delayed rating question, answers, staff alerts. */
  feedback: ServiceFeedbackService;
  /** 人工: callback requests for staff (and alerts about members). */
  callbacks: CallbackService;
  /** 投诉: members' complaints, a staff alert per store until handled. */
  complaints: ComplaintService;
  /** The WeChat account a member is reached on: binding, re-binding, unfollowing, their history. */
  links: MemberLinkService;
  /** Staff reports (aggregations shaped into tables, charts and CSV). */
  reports: ReportService;
  /** Service bookings (预约): exact capacity, moves, cancels, the store's transitions. */
  bookings: BookingService;
  /** The day-before reminders of bookings (the `booking-reminders` scheduler runs them). */
  bookingReminders: BookingReminders;
  /** Counted tier benefits (free maintenance): uses at the counter and at check-in, undo. */
  benefits: BenefitService;
  /** Member messages the assistant did not understand, masked, for staff to label as examples. */
  misunderstood: MisunderstoodMessages;
}

export interface ServiceOptions {
  /** Days a misunderstood message is kept (`MISUNDERSTOOD_KEEP_DAYS`, default 90). */
  misunderstoodKeepDays?: number;
}

export function createServices(
  db: Database,
  program: ProgramSource,
  clock: Clock,
  logger: Logger,
  options: ServiceOptions = {},
): Services {
  const ctx = { db, program, clock, logger };
  // Campaign promotion windows are read when points are earned (`campaigns` is built below).
  const transactions = new TransactionService(ctx, () => campaigns.windows());
  const rewards = new RewardService(ctx);
  const vouchers = new VoucherService(ctx);
  const redemptions = new RedemptionService(ctx, vouchers);
  const nightly = new NightlyService(ctx);
  const careScans = new CareScanService(ctx);
  const identityHasher = new IdentityHasher(ctx);
  const referrals = new ReferralService(ctx, identityHasher);
  transactions.onApplied(referrals.onTransactionApplied);
  const enrolment = new EnrolmentService(ctx, identityHasher, referrals, vouchers);
  const erasure = new ErasureService(ctx, vouchers, redemptions, identityHasher);
  // Staff decisions on 积分没到账 reports are told to the member through delivery.
  const delivery = new DeliveryService(ctx);
  const missingPoints = new MissingPointsService(ctx, delivery);
  const memberImport = new MemberImportService(ctx, enrolment);
  // A source that re-reads published versions switches at once after a publish in this process.
  const refreshProgram = (program as { refresh?: () => Promise<void> }).refresh?.bind(program);
  const programVersions = new ProgramVersionService(ctx, refreshProgram);
  const membership = { enrolment, referrals, erasure, missingPoints, memberImport, programVersions };
  const campaigns = new CampaignService(ctx, delivery);
  const massSend = new MassSendService(ctx);
  campaigns.onFannedOut((campaignId) => massSend.afterCampaign(campaignId));
  // A campaign's bonus comes with its message: credited when the mass send carrying it went out.
  massSend.onDeliveriesSent((keys) => delivery.bonus.creditSent(keys));
  const care = new CareService(ctx, careScans, vouchers, delivery);
  const feedback = new ServiceFeedbackService(ctx, delivery);
  transactions.onApplied(feedback.onTransactionApplied);
  const callbacks = new CallbackService(ctx);
  const links = new MemberLinkService(ctx, identityHasher, {
    enqueue: (request) => delivery.enqueue(request),
    openCallback: (input) => callbacks.open(input),
  });
  const reports = new ReportService(ctx, campaigns);
  // A booking's changes are told to the member (no-show, store cancel/move) through delivery.
  const bookings = new BookingService(ctx);
  const bookingNotices = new BookingNotices(ctx, (request) => delivery.enqueue(request));
  bookings.onChange(bookingNotices.onChange);
  const bookingReminders = new BookingReminders(ctx, (request) => delivery.enqueue(request));
  const benefits = new BenefitService(ctx);
  bookings.onCheckedIn((booking) => benefits.useForBooking(booking));
  const recovery = new RecoveryService(
    [
      {
        name: 'ledgerEntries',
        run: () => db.memberStore.flushAllOutboxes(new Date(clock().getTime() - 30_000)),
      },
      { name: 'transactions', run: () => transactions.recoverStuck() },
      { name: 'redemptions', run: () => redemptions.recoverStuck() },
      { name: 'enrolments', run: () => enrolment.recoverStuck() },
      { name: 'referrals', run: () => referrals.recoverStuck() },
      { name: 'missingPointsReports', run: () => missingPoints.recoverStuck() },
      { name: 'deliveries', run: () => delivery.recoverStuck() },
      { name: 'deliveryBonuses', run: () => delivery.bonus.settleDue() },
      { name: 'campaigns', run: () => campaigns.recoverStuck() },
      { name: 'massSendBatches', run: () => massSend.recoverStuck() },
      { name: 'bookings', run: () => recoverBookings(ctx) },
      { name: 'bookingNotices', run: () => bookingNotices.recoverMissed() },
      { name: 'benefitUses', run: () => benefits.recoverStuck() },
    ],
    logger,
  );
  return {
    ...ctx,
    transactions,
    rewards,
    vouchers,
    redemptions,
    nightly,
    careScans,
    care,
    ...membership,
    recovery,
    delivery,
    campaigns,
    massSend,
    feedback,
    callbacks,
    complaints: new ComplaintService(ctx),
    links,
    reports,
    bookings,
    bookingReminders,
    benefits,
    misunderstood: new MisunderstoodMessages(ctx, options.misunderstoodKeepDays),
  };
}
