import type { Connection } from 'mongoose';
import { type BookingModels, bookingModels } from './booking-models';
import { BookingStore } from './booking-store';
import { type DeliveryModels, deliveryModels } from './delivery-models';
import { type FollowUpModels, followUpModels } from './follow-up-models';
import { MemberStore } from './member-store';
import { type MembershipModels, membershipModels } from './membership-models';
import { type BenefitUseModel, benefitUseModel } from './models/benefit-use-model';
import { type CampaignModel, campaignModel } from './models/campaign-model';
import { type LedgerModel, ledgerModel } from './models/ledger-entry-model';
import { type MemberModel, memberModel } from './models/member-model';
import {
  type MisunderstoodMessageModel,
  misunderstoodMessageModel,
} from './models/misunderstood-message-model';
import { type RedemptionModel, redemptionModel } from './models/redemption-model';
import { type RewardModel, rewardModel } from './models/reward-model';
import { type TransactionModel, transactionModel } from './models/transaction-model';
import { type VoucherModel, voucherModel } from './models/voucher-model';
import { RewardStore } from './reward-store';
import { TransactionStore } from './transaction-store';

/**
 * Every model of the application on one connection, and the stores built on them. Services get
 * this object; nothing above `src/data/` touches mongoose directly.
 */
export interface Database {
  connection: Connection;
  members: MemberModel;
  ledger: LedgerModel;
  transactions: TransactionModel;
  memberStore: MemberStore;
  transactionStore: TransactionStore;
  rewards: RewardModel;
  redemptions: RedemptionModel;
  vouchers: VoucherModel;
  rewardStore: RewardStore;
  /** Sign-up journal, referrals, identity hashes, settings, points-missing reports, program versions. */
  membership: MembershipModels;
  /** Outbound delivery records and per-member delivery state. */
  delivery: DeliveryModels;
  /** Post-service ratings (with staff alerts) and 人工 callback requests. */
  followUp: FollowUpModels;
  /** Marketing campaigns (audience, message, fan-out position and counts). */
  campaigns: CampaignModel;
  /** Service bookings and the capacity seats they hold. */
  bookings: BookingModels;
  bookingStore: BookingStore;
  /** Uses of counted tier benefits (free maintenance): one per member and request. */
  benefitUses: BenefitUseModel;
  /** Member messages the assistant did not understand (masked, kept for a while), for staff review. */
  misunderstood: MisunderstoodMessageModel;
  /** Creates collections and indexes (idempotent); call once at start-up. */
  init(): Promise<void>;
}

export function createDatabase(connection: Connection, onError: (err: unknown) => void = () => {}): Database {
  const members = memberModel(connection);
  const ledger = ledgerModel(connection);
  const transactions = transactionModel(connection);
  const rewards = rewardModel(connection);
  const redemptions = redemptionModel(connection);
  const vouchers = voucherModel(connection);
  const all: { createCollection(): Promise<unknown>; createIndexes(): Promise<unknown> }[] = [
    members,
    ledger,
    transactions,
    rewards,
    redemptions,
    vouchers,
  ];
  const membership = membershipModels(connection);
  all.push(...Object.values(membership));
  const delivery = deliveryModels(connection);
  all.push(...Object.values(delivery));
  const followUp = followUpModels(connection);
  all.push(...Object.values(followUp));
  const campaigns = campaignModel(connection);
  all.push(campaigns);
  const bookings = bookingModels(connection);
  all.push(...Object.values(bookings));
  const benefitUses = benefitUseModel(connection);
  all.push(benefitUses);
  const misunderstood = misunderstoodMessageModel(connection);
  all.push(misunderstood);
  return {
    connection,
    members,
    ledger,
    transactions,
    memberStore: new MemberStore(members, ledger, onError),
    transactionStore: new TransactionStore(transactions),
    rewards,
    redemptions,
    vouchers,
    rewardStore: new RewardStore(rewards),
    membership,
    delivery,
    followUp,
    campaigns,
    bookings,
    bookingStore: new BookingStore(bookings),
    benefitUses,
    misunderstood,
    async init() {
      for (const model of all) {
        await model.createCollection().catch(() => undefined);
        await model.createIndexes();
      }
    },
  };
}
