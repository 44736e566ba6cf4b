import { z } from 'zod';
import { decimalToMilli } from './decimal-to-milli';
import type { DeepReadonly } from './deep-freeze';
import { identifierPatterns } from './identifier-patterns';

/*
 * The membership program (RULES.md) as configuration. Every number in RULES.md is a value here,
 * supplied by default-program-input.ts, so no field has a schema default: a program file is merged
 * over the default program's input before it is validated (see load-program.ts).
 *
 * People write decimals (`rate: 0.1`, `multiplier: 1.2`, `serviceDiscount: 0.95`); the rules
 * engine does exact integer arithmetic, so those fields come out as integer thousandths under a
 * `…Milli` name (`rateMilli: 100`). Money stays in integer fen and points in integers throughout.
 */

const code = z
  .string()
  .regex(identifierPatterns.code, 'must be kebab-case: lower-case letters and digits separated by "-"');
const storeId = z
  .string()
  .regex(
    identifierPatterns.storeId,
    'must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit',
  );
const text = z.string().trim().min(1, 'must not be empty');

function wholeNumber(min: number, max: number) {
  const rule = `must be a whole number from ${min} to ${max}`;
  return z.number().int(rule).min(min, rule).max(max, rule);
}

/** A decimal with at most 3 places, in [min, max] (or (min, max] when `aboveMin`), as thousandths. */
function decimal(min: number, max: number, aboveMin = false) {
  const rule = `must be a number ${aboveMin ? 'greater than' : 'from'} ${min} ${aboveMin ? 'and at most' : 'to'} ${max}`;
  return (aboveMin ? z.number().gt(min, rule) : z.number().min(min, rule))
    .max(max, rule)
    .transform((value, ctx) => {
      const milli = decimalToMilli(value);
      if (milli !== null) return milli;
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must have at most 3 decimal places (got ${value}); amounts are computed exactly in thousandths`,
      });
      return z.NEVER;
    });
}

const hhmmPattern = /^([01]\d|2[0-3]):[0-5]\d$/;
// YAML 1.1 reads an unquoted 09:00 as the number 540 (base 60), hence the hint.
const timeOfDay = z
  .string({ error: 'must be a time of day written "HH:MM" (quote it in YAML)' })
  .regex(hhmmPattern, 'must be a time of day "HH:MM" from 00:00 to 23:59');

/** Reminder offsets in days before an event; returned largest first, the order they are sent in. */
const daysBefore = z
  .array(wholeNumber(0, 366))
  .min(1, 'must list at least one number of days')
  .refine((days) => new Set(days).size === days.length, 'must not repeat a number of days')
  .transform((days) => [...days].sort((a, b) => b - a));

const timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as "Asia/Shanghai"');

const voucherTemplate = z.strictObject({ name: text, validityDays: wholeNumber(1, 3650) });

/**
 * Placeholders of care template field texts: delivery's own (`src/delivery/render-message.ts`,
 * filled per member when sent; `{expiringPoints}` only where the message has that number) and the
 * care facts `src/delivery/care-template.ts` writes in (`{plate}`, the voucher's name and code).
 */
const memberPlaceholders = ['name', 'tier', 'points', 'date'] as const;

function templateFieldText(allowed: readonly string[]) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .superRefine((value, ctx) => {
      const unknown = [...value.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)]
        .map((match) => match[1] ?? '')
        .filter((name) => !allowed.includes(name));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          input: value,
          message: `uses unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')}; available here: ${allowed.map((p) => `{${p}}`).join(', ')}`,
        });
      }
    });
}

/**
 * A WeChat template message (模板消息) for one care kind: the id from the MP admin (广告与服务 →
 * 模板消息) and the text of each of its fields by key (`thing1`, `time2`… or the old `first`,
 * `keyword1`, `remark`; WeChat no longer displays `first` and `remark`).
 */
function careTemplate(...facts: string[]) {
  return z.strictObject({
    templateId: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,128}$/,
        'must be the template id from the MP admin (letters, digits, "-", "_")',
      ),
    fields: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'must be a template field key such as thing1 or keyword1'),
        templateFieldText([...memberPlaceholders, ...facts]),
      )
      .refine((fields) => {
        const count = Object.keys(fields).length;
        return count >= 1 && count <= 20;
      }, 'must give 1 to 20 fields'),
  });
}

/** A store's phone as members dial it: mainland mobile, landline with area code (and extension), 400/800. */
const storePhone = z
  .string()
  .trim()
  .regex(
    /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|[48]00-?\d{3}-?\d{4})$/,
    'must be a mainland phone number such as 021-12345678, 400-800-1234 or 13812345678',
  );

const tierSchema = z
  .strictObject({
    code,
    name: text,
    /** Qualifying points in the membership year needed to enter the tier. */
    threshold: wholeNumber(0, 1_000_000_000),
    multiplier: decimal(0, 10, true),
    /** Price factor on labour and parts: 0.95 means 9.5折, 5% off. */
    serviceDiscount: decimal(0, 1, true),
    freeMaintenancePerYear: wholeNumber(0, 100),
    birthdayGift: z.boolean(),
    personalAdvisor: z.boolean(),
  })
  .transform(({ multiplier, serviceDiscount, ...tier }) => ({
    ...tier,
    multiplierMilli: multiplier,
    serviceDiscountMilli: serviceDiscount,
  }));

const tiersSchema = z
  .array(tierSchema)
  .min(1, 'must list at least one tier')
  .superRefine((tiers, ctx) => {
    tiers.forEach((tier, index) => {
      const previous = tiers[index - 1];
      if (index === 0 && tier.threshold !== 0) {
        ctx.addIssue({
          code: 'custom',
          path: [0, 'threshold'],
          message: 'must be 0: the first tier is the one every member starts in',
        });
      }
      if (previous && tier.threshold <= previous.threshold) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'threshold'],
          message: `must be greater than the previous tier's threshold (${previous.threshold}); list tiers from lowest to highest`,
        });
      }
      if (tiers.findIndex((other) => other.code === tier.code) !== index) {
        ctx.addIssue({ code: 'custom', path: [index, 'code'], message: `repeats tier code "${tier.code}"` });
      }
    });
  });

const categorySchema = z
  .strictObject({
    name: text,
    /** Points per yuan actually paid. */
    rate: decimal(0, 1000),
    /** Days before the points become spendable and qualifying; a refund inside them leaves no debt. */
    pendingDays: wholeNumber(0, 365),
    /** A friend's first transaction in such a category earns the referrer the qualifying bonus. */
    referralQualifying: z.boolean(),
    /** Triggers the post-service follow-up (rating request). */
    postServiceFollowUp: z.boolean(),
  })
  .transform(({ rate, ...category }) => ({ ...category, rateMilli: rate }));

const promotionFields = { enabled: z.boolean(), name: text, multiplier: decimal(1, 10) };
const withMultiplierMilli = <T extends { multiplier: number }>({ multiplier, ...rest }: T) => ({
  ...rest,
  multiplierMilli: multiplier,
});

const rewardPeriods = ['month', 'year', 'membershipYear', 'lifetime'] as const;

const rewardSchema = z
  .strictObject({
    id: code,
    name: text,
    cost: wholeNumber(1, 1_000_000_000),
    /** Absent or null: unlimited. */
    stock: wholeNumber(0, 1_000_000_000).nullish(),
    /** Absent or null: no per-member limit. */
    perMemberLimit: z.strictObject({ count: wholeNumber(1, 1000), period: z.enum(rewardPeriods) }).nullish(),
    /** Absent or null: every tier. */
    minTier: code.nullish(),
    validityDays: wholeNumber(1, 3650),
    /** Absent or null: every store. */
    storeIds: z
      .array(storeId)
      .min(1, 'must list at least one store, or be left out for every store')
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a store')
      .nullish(),
  })
  .transform((reward) => ({
    ...reward,
    stock: reward.stock ?? null,
    perMemberLimit: reward.perMemberLimit ?? null,
    minTier: reward.minTier ?? null,
    storeIds: reward.storeIds ?? null,
  }));

// Letters and digits that read alike on a receipt or a phone screen are left out so staff can type
// a code from a member's screen without mistakes.
const ambiguousVoucherCharacters = ['0', 'O', '1', 'I', 'L'];

const voucherCodeSchema = z.strictObject({
  length: wholeNumber(6, 32),
  alphabet: z
    .string()
    .regex(/^[A-Z0-9]+$/, 'must contain only upper-case letters A-Z and digits')
    .min(10, 'must have at least 10 characters so codes cannot be guessed')
    .refine((alphabet) => new Set(alphabet).size === alphabet.length, 'must not repeat a character')
    .refine(
      (alphabet) => !ambiguousVoucherCharacters.some((character) => alphabet.includes(character)),
      `must not contain ${ambiguousVoucherCharacters.join(', ')} (they are easily confused)`,
    ),
});

const isoDatePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const closedDates = z
  .array(z.string().regex(isoDatePattern, 'must be a date "YYYY-MM-DD" (quote it in YAML)'))
  .refine((dates) => new Set(dates).size === dates.length, 'must not repeat a date');

/** A service a store can be booked for (保养, 维修…). */
const bookingServiceSchema = z.strictObject({
  id: code,
  name: text,
  /** A tier's free maintenance (freeMaintenancePerYear) may pay for it. */
  freeMaintenance: z.boolean(),
});

/**
 * When one store takes service bookings: weekdays (1 = Monday … 7 = Sunday), hours and seats per
 * slot. A store without it takes no bookings.
 */
const bookingStoreSchema = z
  .strictObject({
    services: z
      .array(code)
      .min(1, 'must list at least one service id')
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a service'),
    weekdays: z
      .array(wholeNumber(1, 7))
      .min(1, 'must list at least one weekday (1 = Monday … 7 = Sunday)')
      .refine((days) => new Set(days).size === days.length, 'must not repeat a weekday'),
    opens: timeOfDay,
    /** The last slot ends at or before this time. */
    closes: timeOfDay,
    /** Cars the service bay takes in one slot. */
    capacityPerSlot: wholeNumber(1, 1000),
    /** This store's own closed dates, on top of the group's. */
    closedDates,
  })
  .refine((store) => store.opens < store.closes, { path: ['closes'], message: 'must be after opens' });

/**
 * Service bookings (预约), group-wide: the services and the limits of when a member may book, cancel
 * or move; each store's days, hours and capacity are its `booking`. Optional: versions published
 * before bookings existed have none (then no store takes bookings).
 */
const bookingsSchema = z.strictObject({
  services: z
    .array(bookingServiceSchema)
    .min(1, 'must list at least one service')
    .superRefine((services, ctx) => {
      services.forEach((service, index) => {
        if (services.findIndex((other) => other.id === service.id) !== index) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `repeats service id "${service.id}"`,
          });
        }
      });
    }),
  /** Length of one slot; opening hours are cut into slots of this length. */
  slotMinutes: wholeNumber(5, 240),
  /** A slot can be booked only when it starts at least this long from now. */
  earliestMinutes: wholeNumber(0, 10_080),
  /** A slot can be booked at most this many days ahead (today is day 0). */
  horizonDays: wholeNumber(1, 366),
  /** A member may cancel or move a booking until this long before its slot (staff any time). */
  changeCutoffMinutes: wholeNumber(0, 10_080),
  /** Days every store is closed (holidays). */
  closedDates,
  /**
   * The reminder the day before a booking (a service message: customer-service text inside the
   * 48-hour window, else the template `care.templates.bookingReminder`). Optional: defaults on.
   */
  reminder: z
    .strictObject({ enabled: z.boolean(), dayBeforeAt: timeOfDay })
    .default({ enabled: true, dayBeforeAt: '18:00' }),
});

// `phone`, `hours` and `address` are what 人工 and 门店 tell members; optional, so existing program
// files stay valid.
const storeSchema = z.strictObject({
  id: storeId,
  name: text,
  phone: storePhone.optional(),
  hours: text.pipe(z.string().max(60, 'must be at most 60 characters')).optional(),
  address: text.pipe(z.string().max(80, 'must be at most 80 characters')).optional(),
  booking: bookingStoreSchema.optional(),
});

export const programSchema = z
  .strictObject({
    version: text,
    timezone,
    programName: text,
    stores: z
      .array(storeSchema)
      .min(1, 'must list at least one store')
      .superRefine((stores, ctx) => {
        stores.forEach((store, index) => {
          if (stores.findIndex((other) => other.id === store.id) !== index) {
            ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `repeats store id "${store.id}"` });
          }
        });
      }),
    tiers: tiersSchema,
    tierReview: z.strictObject({
      /** At the anniversary a member drops at most this many tiers. */
      maxLevelsDown: wholeNumber(0, 100),
    }),
    categories: z
      .record(code, categorySchema)
      .refine((categories) => Object.keys(categories).length > 0, 'must define at least one category'),
    // Promotions do not stack: the engine applies the single highest active multiplier (member day,
    // birthday or a campaign window). The first-transaction bonus is not a promotion and does add.
    promotions: z.strictObject({
      memberDay: z
        // 1-28 so that every month has its member day.
        .strictObject({ ...promotionFields, dayOfMonth: wholeNumber(1, 28) })
        .transform(withMultiplierMilli),
      birthday: z.strictObject(promotionFields).transform(withMultiplierMilli),
    }),
    firstTransactionBonus: z.strictObject({
      /** Percent of the first transaction's points added on top, rounded down. */
      percent: wholeNumber(0, 1000),
    }),
    expiry: z.strictObject({
      months: wholeNumber(1, 240),
      /** true: a lot expires at 23:59:59.999 on the last day of the month `months` after it was earned. */
      endOfMonth: z.boolean(),
    }),
    redemption: z.strictObject({
      /** Cash value of points used as a deduction at the store: 100 means 100 points = ¥1. */
      pointsPerYuan: wholeNumber(1, 1_000_000),
      voucherCode: voucherCodeSchema,
    }),
    catalogue: z.array(rewardSchema),
    welcome: z.strictObject({
      points: wholeNumber(0, 1_000_000),
      /** null: no welcome voucher. */
      voucher: voucherTemplate.nullable(),
    }),
    referral: z.strictObject({
      newMemberPoints: wholeNumber(0, 1_000_000),
      referrerOnSignupPoints: wholeNumber(0, 1_000_000),
      referrerOnFirstQualifyingPoints: wholeNumber(0, 1_000_000),
      /** A sign-up counts if it happens within this many days of first opening the link. */
      windowDays: wholeNumber(1, 365),
      maxRewardedPerMembershipYear: wholeNumber(0, 10_000),
    }),
    signup: z.strictObject({
      privacyPolicyVersion: text,
      sms: z.strictObject({
        codeLength: wholeNumber(4, 8),
        ttlSeconds: wholeNumber(60, 3600),
        maxAttempts: wholeNumber(1, 20),
        resendSeconds: wholeNumber(0, 3600),
        maxPerNumberPerDay: wholeNumber(1, 100),
      }),
    }),
    // Service messages: sent regardless of marketing consent, at `sendAt` local time.
    care: z.strictObject({
      sendAt: timeOfDay,
      birthday: z.strictObject({
        enabled: z.boolean(),
        /** Where a 29 February birthday falls in a common year. */
        feb29On: z.enum(['feb28', 'mar1']),
      }),
      /** Sent with the greeting to members of tiers with `birthdayGift`. */
      birthdayGiftVoucher: voucherTemplate,
      maintenanceDue: z.strictObject({
        enabled: z.boolean(),
        // Due at whichever comes first.
        monthsAfterService: wholeNumber(1, 60),
        kmAfterService: wholeNumber(100, 100_000),
        daysBefore,
      }),
      insuranceRenewal: z.strictObject({ enabled: z.boolean(), daysBefore }),
      inspectionDue: z.strictObject({ enabled: z.boolean(), daysBefore }),
      pointsExpiring: z.strictObject({
        enabled: z.boolean(),
        daysBefore,
        /** Remind only when at least this many points expire. */
        minPoints: wholeNumber(1, 1_000_000),
      }),
      postService: z
        .strictObject({
          enabled: z.boolean(),
          delayDays: wholeNumber(0, 60),
          /** Ratings run from 1 to maxRating. */
          maxRating: wholeNumber(2, 10),
          /** A rating at or below this alerts staff. */
          alertAtOrBelow: wholeNumber(1, 10),
        })
        .refine((postService) => postService.alertAtOrBelow < postService.maxRating, {
          path: ['alertAtOrBelow'],
          message: 'must be below maxRating, or every rating would alert staff',
        }),
      voucherExpiring: z.strictObject({ enabled: z.boolean(), daysBefore }),
      /**
       * The WeChat template each service care message goes as outside the 48-hour window (without
       * one it is skipped, `no_template`). Optional: versions published before templates existed
       * have none.
       */
      templates: z
        .strictObject({
          birthday: careTemplate().optional(),
          maintenanceDue: careTemplate('plate').optional(),
          insuranceRenewal: careTemplate('plate').optional(),
          inspectionDue: careTemplate('plate').optional(),
          pointsExpiring: careTemplate('expiringPoints').optional(),
          voucherExpiring: careTemplate('voucherName', 'voucherCode').optional(),
          /** The reminder the day before a booking (`{date}` is the booking's day). */
          bookingReminder: careTemplate('plate', 'store', 'service', 'time').optional(),
        })
        .optional(),
    }),
    // Marketing messages need marketing consent and respect caps and quiet hours.
    marketing: z.strictObject({
      caps: z
        .strictObject({ perDay: wholeNumber(0, 100), perMonth: wholeNumber(0, 1000) })
        .refine((caps) => caps.perDay <= caps.perMonth, {
          path: ['perDay'],
          message: 'must not be more than perMonth',
        }),
      /** Nothing is sent from start until end (wrapping past midnight when end < start). */
      quietHours: z
        .strictObject({ start: timeOfDay, end: timeOfDay })
        .refine((hours) => hours.start !== hours.end, {
          path: ['end'],
          message: 'must differ from start',
        }),
      // Win-back is marketing (RULES.md §8), so it lives here and obeys consent, caps and quiet hours.
      winBack: z.strictObject({ enabled: z.boolean(), afterDaysWithoutVisit: wholeNumber(1, 3650) }),
      /**
       * Mass sends (marketing outside the 48-hour window): openids per call, calls a minute across
       * all processes (read when workers start) and the quiet period before a group is sent. Each
       * optional: unset → 10,000 a call, 10 a minute, 60 s (`src/delivery/mass-send-plan.ts`).
       */
      massSend: z
        .strictObject({
          // WeChat takes 2 to 10,000; with 2 an odd group would leave one member alone.
          batchSize: wholeNumber(3, 10_000).optional(),
          perMinute: wholeNumber(1, 60).optional(),
          settleSeconds: wholeNumber(0, 3_600).optional(),
        })
        .optional(),
    }),
    nightlyRun: z.strictObject({
      /**
       * Local time of the nightly run (activate pending points → expire lots → tier reviews → care
       * scans). RULES.md fixes the order, not the hour; shortly after midnight makes "due today"
       * unambiguous and leaves the care scans done well before `care.sendAt`.
       */
      at: timeOfDay,
    }),
    bookings: bookingsSchema.optional(),
    /**
     * 投诉 in the chat: the member is told the store calls back within this many hours. Optional:
     * versions published before complaints existed have none (then 24).
     */
    complaints: z.strictObject({ callBackWithinHours: wholeNumber(1, 720) }).optional(),
  })
  .superRefine((program, ctx) => {
    const tierCodes = new Set(program.tiers.map((tier) => tier.code));
    const storeIds = new Set(program.stores.map((store) => store.id));
    const serviceIds = program.bookings?.services.map((service) => service.id) ?? [];
    program.stores.forEach((store, index) => {
      store.booking?.services.forEach((serviceId, serviceIndex) => {
        if (!serviceIds.includes(serviceId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stores', index, 'booking', 'services', serviceIndex],
            message: program.bookings
              ? `is "${serviceId}", which is not a booking service id (${serviceIds.join(', ')})`
              : `is "${serviceId}", but the program has no bookings section listing services`,
          });
        }
      });
    });
    program.catalogue.forEach((reward, index) => {
      if (program.catalogue.findIndex((other) => other.id === reward.id) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: ['catalogue', index, 'id'],
          message: `repeats reward id "${reward.id}"`,
        });
      }
      if (reward.minTier !== null && !tierCodes.has(reward.minTier)) {
        ctx.addIssue({
          code: 'custom',
          path: ['catalogue', index, 'minTier'],
          message: `is "${reward.minTier}", which is not a tier code (${[...tierCodes].join(', ')})`,
        });
      }
      reward.storeIds?.forEach((id, storeIndex) => {
        if (!storeIds.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['catalogue', index, 'storeIds', storeIndex],
            message: `is "${id}", which is not a store id (${[...storeIds].join(', ')})`,
          });
        }
      });
    });
  });

/** What a person writes (decimals as numbers, optional catalogue fields). */
export type ProgramInput = z.input<typeof programSchema>;
/** What the rules engine reads: validated, integers only, frozen. */
export type Program = DeepReadonly<z.output<typeof programSchema>>;
export type Tier = Program['tiers'][number];
export type Category = NonNullable<Program['categories'][string]>;
export type Reward = Program['catalogue'][number];
export type RewardPeriod = (typeof rewardPeriods)[number];
export type BookingsConfig = NonNullable<Program['bookings']>;
export type BookingService = BookingsConfig['services'][number];
export type BookingStoreConfig = NonNullable<Program['stores'][number]['booking']>;
