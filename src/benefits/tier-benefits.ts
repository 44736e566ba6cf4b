import type { Program } from '../config/program-schema';
import type { BenefitCount } from './decide-benefit-use';

/** A tier's benefits as the 权益 answer shows them. */
export interface TierBenefits {
  readonly tierName: string;
  readonly freeMaintenance: BenefitCount;
  /** `9.5` for 9.5折; null without a discount. */
  readonly serviceDiscountZhe: number | null;
  /** The birthday voucher's name, when the tier has the birthday gift. */
  readonly birthdayGift: string | null;
  readonly personalAdvisor: boolean;
}

/** What the tier `tierCode` gives, read from the program, with this year's free-maintenance count. */
export function tierBenefits(
  program: Pick<Program, 'tiers' | 'care'>,
  tierCode: string,
  freeMaintenance: BenefitCount,
): TierBenefits {
  const tier = program.tiers.find((t) => t.code === tierCode) ?? program.tiers[0]!;
  return {
    tierName: tier.name,
    freeMaintenance,
    serviceDiscountZhe: tier.serviceDiscountMilli < 1000 ? tier.serviceDiscountMilli / 100 : null,
    birthdayGift: tier.birthdayGift ? program.care.birthdayGiftVoucher.name : null,
    personalAdvisor: tier.personalAdvisor,
  };
}
