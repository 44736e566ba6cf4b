/** The staff API's answers as the console reads them (docs/api.md, src/api/*.router.ts). */

export interface Program {
  programName: string;
  timezone: string;
  stores: { id: string; name: string }[];
  tiers: { code: string; name: string; threshold: number }[];
  categories: Record<string, { name: string }>;
  redemption: { pointsPerYuan: number };
}

export interface ProgramInForce {
  version: string;
  publishedAt: string | null;
  program: Program;
  /** The program-file form (what a publish takes), without the version id. */
  file: ProgramFile;
}

/** The program-file form, as far as the console shows it; the editor sends the whole object back. */
export interface ProgramFile {
  programName: string;
  tiers: {
    code: string;
    name: string;
    threshold: number;
    multiplier: number;
    serviceDiscount: number;
    freeMaintenancePerYear: number;
  }[];
  categories: Record<string, { name: string; rate: number; pendingDays: number }>;
  expiry: { months: number; endOfMonth: boolean };
  welcome: { points: number };
  referral: {
    newMemberPoints: number;
    referrerOnSignupPoints: number;
    referrerOnFirstQualifyingPoints: number;
  };
  redemption: { pointsPerYuan: number };
  stores: { id: string; name: string; phone?: string; hours?: string; address?: string }[];
  /** 投诉: how soon the store calls a complaining member back. */
  complaints?: { callBackWithinHours: number };
  /** Care messages (service notices): when they go out, and each kind on or off with its timing. */
  care?: {
    sendAt: string;
    birthday: { enabled: boolean };
    maintenanceDue: {
      enabled: boolean;
      monthsAfterService: number;
      kmAfterService: number;
      daysBefore: number[];
    };
    insuranceRenewal: { enabled: boolean; daysBefore: number[] };
    inspectionDue: { enabled: boolean; daysBefore: number[] };
    pointsExpiring: { enabled: boolean; daysBefore: number[]; minPoints: number };
    postService: { enabled: boolean; delayDays: number };
    voucherExpiring: { enabled: boolean; daysBefore: number[] };
  };
  marketing?: {
    caps: { perDay: number; perMonth: number };
    quietHours: { start: string; end: string };
    winBack: { enabled: boolean; afterDaysWithoutVisit: number };
  };
  [key: string]: unknown;
}

/** One value a program change would alter (`POST /program/check`). */
export interface ProgramChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** `POST /members/import`'s answer. */
export interface ImportReport {
  total: number;
  accepted: number;
  duplicates: { row: number; reason: string; memberId: string | null }[];
  rejected: { row: number; reason: string }[];
  openingBalances: {
    credited: number;
    points: number;
    expired: { row: number; points: number; expiresAt: string }[];
  };
}

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface CampaignAudience {
  tiers: string[] | null;
  tags: string[] | null;
  birthdayMonth: number | null;
  lastVisitBefore: string | null;
  lastVisitAfter: string | null;
  vehicleModel: string | null;
  minPoints: number | null;
  maxPoints: number | null;
  signedUpAfter: string | null;
  signedUpBefore: string | null;
}

export interface CampaignCounts {
  targeted: number;
  queued: number;
  inProgress: number;
  sent: number;
  massPending: number;
  skipped: Record<string, number>;
  failed: number;
  bonusCredited: number;
  /** Of `inProgress`: deferred (quiet hours, the day's cap) until `deferredUntil` at the latest. */
  deferred: number;
  deferredUntil: string | null;
  /** Of `inProgress`: waiting for the member's next message. */
  held: number;
  /** Recipients whose message did not go out: no bonus. */
  bonusWithheld: number;
  bonusPending: number;
}

/** What a test send did for one recipient (`POST /campaigns/{id}/test`). */
export interface TestSendResult {
  memberId: string;
  name: string | null;
  key: string;
  status: 'sent' | 'not_sent' | 'failed' | 'deferred' | 'held' | 'pending';
  reason: string | null;
  /** Staff-facing Chinese: what happened and what to do. */
  message: string;
  deferredUntil: string | null;
}

export interface TestSendReport {
  results: TestSendResult[];
  notFound: string[];
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  audience: CampaignAudience;
  text: string;
  genericText: string | null;
  bonusPoints: number;
  window: { startsAt: string; endsAt: string; multiplier: number } | null;
  startAt: string;
  createdAt: string;
  startedAt: string | null;
  /** The whole audience handed to delivery (completed when every message is settled). */
  fannedOutAt?: string | null;
  completedAt: string | null;
  counts?: CampaignCounts;
  counters?: { targeted: number; queued: number; bonusOffered: number };
}

export interface CampaignTemplate {
  id: string;
  name: string;
  occasion: string;
  text: string;
  genericText: string;
  suggestedBonusPoints: number;
  suggestedWindow: { multiplier: number; days: number } | null;
  /** Proposed from the holiday's next occurrence (dates `YYYY-MM-DD`, instants ISO-8601). */
  proposal: {
    holiday: { id: string; name: string; day: string; first: string; last: string } | null;
    startAt: string;
    window: { startsAt: string; endsAt: string; multiplier: number } | null;
  };
}

export interface CampaignPreview {
  audienceSize: number;
  recipients: number;
  samples: { memberId: string; text: string }[];
  liability: {
    bonusPoints: number;
    bonusFen: number;
    windowExtraPoints: number;
    windowExtraFen: number;
    totalFen: number;
  };
}

export interface Consent {
  kind: 'privacy' | 'marketing';
  granted: boolean;
  version: string | null;
  at: string;
  channel: string;
}

export interface ConsentHistoryEntry {
  kind: 'privacy' | 'marketing';
  status: 'granted' | 'withdrawn';
  policyVersion: string | null;
  at: string;
  channel: string;
}

export interface BindingHistoryEntry {
  action: 'bind' | 'unbind';
  reason: 'signup' | 'rebind' | 'relink' | 'unfollow' | 'erase';
  at: string;
  channel: string;
  /** Short tags of the hashed openids: the same tag is the same WeChat account. */
  fromAccount: string | null;
  toAccount: string | null;
}

export interface Member {
  id: string;
  name: string | null;
  mobile: string | null;
  referralCode: string;
  signedUpAt: string;
  homeStoreId: string;
  birthday: { month: number; day: number; year: number | null } | null;
  tier: {
    code: string;
    name: string;
    qualifyingPoints: number;
    yearStart: string;
    next: { code: string; name: string; threshold: number; pointsToGo: number } | null;
    freeMaintenance: { allowance: number; used: number; left: number };
  };
  balance: { available: number; pending: number; expiringIn30Days: number; debt: number };
  lots: { lotId: string; earnedAt: string; expiresAt: string; amount: number; remaining: number }[];
  pending: { entryId: string; amount: number; availableAt: string }[];
  vehicles: {
    plate: string | null;
    model: string | null;
    mileageKm: number | null;
    insuranceEndsOn: string | null;
    inspectionDueOn: string | null;
    lastServiceAt: string | null;
  }[];
  consents: Consent[];
  /** Every grant and withdrawal, oldest first. */
  consentHistory: ConsentHistoryEntry[];
  /** Absent from servers older than the binding history. */
  bindingHistory?: BindingHistoryEntry[];
  marketingConsent: boolean;
  marketingOptOut: boolean;
}

export interface LedgerEntry {
  entryId: string;
  type: string;
  at: string;
  points: number;
  qualifyingPoints: number;
  transactionId: string | null;
  reference: string | null;
  reason: string | null;
  storeId: string | null;
  explanation: string;
}

export type VoucherStatus = 'issued' | 'used' | 'cancelled' | 'expired';

export interface Voucher {
  code: string;
  name: string;
  kind: string;
  status: VoucherStatus;
  rewardId: string | null;
  storeIds: string[] | null;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedStoreId: string | null;
  cancelledAt: string | null;
  member: { id: string; name: string | null; mobile: string | null };
}

/** A voucher in a member's history (`GET /members/{id}/vouchers`). */
export interface MemberVoucher {
  code: string;
  name: string;
  kind: string;
  status: VoucherStatus;
  storeIds: string[] | null;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedStoreId: string | null;
  cancelledAt: string | null;
}

export interface TransactionResult {
  transactionId: string;
  category: string;
  amountFen: number;
  points: number;
  status: 'available' | 'pending';
  pendingUntil: string | null;
  expiresAt: string;
  explanation: string;
  tier: { code: string; name: string; upgradedFrom: string | null };
  balance: { available: number; pending: number };
  duplicate: boolean;
}

export interface RefundResult {
  transactionId: string;
  pointsReversed: number;
  debtRecorded: number;
  explanation: string;
  duplicate: boolean;
}

export interface EnrolmentAnswer {
  member: Member;
  welcome: { points: number; voucher: { code: string; name: string; expiresAt: string } | null } | null;
  referral: { status: string; reason?: string | null; newcomerPoints?: number } | null;
}

export interface MissingPointsReport {
  id: string;
  memberId: string;
  date: string;
  amountFen: number;
  storeId: string;
  invoice: { url: string | null; mediaId: string | null } | null;
  note: string | null;
  channel: string;
  status: 'open' | 'resolving' | 'resolved' | 'rejected';
  openedAt: string;
  /** Null when the member has been erased since. */
  member: { name: string | null; mobile: string | null; tierName: string } | null;
  proposedPoints: number | null;
  /** What the program would have given, per category, the likeliest first. */
  proposals: MissingPointsProposal[];
}

export interface MissingPointsProposal {
  category: string;
  categoryName: string;
  points: number;
  qualifyingPoints: number;
  explanation: string;
}

export interface Reward {
  id: string;
  name: string;
  cost: number;
  stock: number | null;
  reserved: number;
  perMemberLimit: { count: number; period: 'month' | 'year' | 'membershipYear' | 'lifetime' } | null;
  minTier: string | null;
  validityDays: number;
  storeIds: string[] | null;
  active: boolean;
}

export type ReportColumnKind = 'text' | 'int' | 'fen' | 'decimal' | 'date';

export interface ReportSummary {
  id: string;
  title: string;
  description: string;
}

export interface Report {
  id: string;
  title: string;
  generatedAt: string;
  columns: { key: string; label: string; kind: ReportColumnKind }[];
  rows: Record<string, string | number | null>[];
  chart: { type: 'bar' | 'stackedBar' | 'line' | 'doughnut'; x: string; series: string[] };
}

/** `POST /members/{id}/redemptions`: the voucher issued at the counter. */
export interface RedemptionResult {
  redemptionId: string;
  requestId: string;
  memberId: string;
  rewardId: string;
  rewardName: string;
  cost: number;
  storeId: string | null;
  voucher: { code: string; name: string; expiresAt: string; storeIds: string[] | null };
  balance: { available: number };
  redeemedAt: string;
  message: string;
  duplicate: boolean;
}

/** `POST /vouchers/{code}/cancel`. */
export interface CancellationResult {
  code: string;
  status: 'cancelled';
  redemptionId: string | null;
  memberId: string;
  pointsReturned: number;
  pointsReExpired: number;
  stockReturned: boolean;
  balance: { available: number } | null;
  cancelledAt: string;
  message: string;
  duplicate: boolean;
}

/** `POST /members/{id}/erase`. */
export interface ErasureResult {
  memberId: string;
  status: 'erased';
  erasedAt: string;
}

/** A post-service rating (`GET /feedback`); an alert is a rating at or below the program's threshold. */
export interface Feedback {
  id: string;
  transactionId: string;
  member: { id: string; name: string | null; mobile: string | null };
  storeId: string;
  category: string;
  servedAt: string;
  askedAt: string;
  rating: number | null;
  comment: string | null;
  answeredAt: string | null;
  alertedAt: string | null;
  handledAt: string | null;
}

export interface FeedbackSummary {
  storeId: string;
  storeName: string | null;
  asked: number;
  answered: number;
  averageRating: number | null;
  /** Answers per rating: index 0 counts 1 分. */
  ratingCounts: number[];
  alerts: number;
  openAlerts: number;
}

/** A member's complaint from the chat (`GET /complaints`): a staff alert until handled. */
export interface Complaint {
  id: string;
  member: { id: string; name: string | null; mobile: string | null };
  storeId: string;
  text: string;
  /** Oldest first. */
  recentMessages: { text: string; at: string }[];
  createdAt: string;
  handledAt: string | null;
}

/** A 人工 callback request (`GET /callbacks`): the mobile is in full, calling back is the point. */
export interface CallbackRequest {
  id: string;
  /** `rebind_alert`: the membership moved to another WeChat more than once in 30 days. */
  kind: 'request' | 'rebind_alert';
  member: { id: string; name: string | null; mobile: string | null };
  storeId: string;
  note: string | null;
  recentMessages: { text: string; at: string }[];
  status: 'open' | 'done';
  createdAt: string;
  doneAt: string | null;
}

/** One use of a counted benefit (`GET /members/{id}/benefits`). */
export interface BenefitUse {
  requestId: string;
  benefitId: string;
  status: 'pending' | 'used' | 'undoing' | 'undone';
  yearStart: string;
  usedAt: string | null;
  undoneAt: string | null;
  storeId: string | null;
  storeName: string | null;
  source:
    | { kind: 'booking'; bookingId: string; bookingNumber: string | null }
    | { kind: 'staff'; role: string | null };
  note: string | null;
}

export interface MemberBenefits {
  memberId: string;
  tierCode: string;
  tierName: string;
  yearStart: string;
  yearEnd: string;
  benefits: {
    benefitId: string;
    name: string;
    allowance: number;
    used: number;
    left: number;
    uses: BenefitUse[];
  }[];
}
