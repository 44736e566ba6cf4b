import { benefitYear } from '../../benefits/benefit-year';
import { tierBenefits } from '../../benefits/tier-benefits';
import type { EffectResults } from '../../conversation/effect';
import type { Services } from '../services';

/** The 权益 answer's facts: the tier's benefits as the program defines them, and this year's count. */
export async function loadBenefits(
  services: Pick<Services, 'db' | 'program' | 'clock'>,
  memberId: string,
): Promise<EffectResults['load_benefits']> {
  const member = await services.db.memberStore.findActive({ id: memberId });
  if (!member) throw new Error(`member ${memberId} vanished`);
  const program = services.program.current();
  const year = benefitYear(member, services.clock(), program);
  const benefits = tierBenefits(program, year.tier.tierCode, year.freeMaintenance);
  return {
    tierName: benefits.tierName,
    yearEnd: year.yearEnd,
    freeMaintenance: benefits.freeMaintenance,
    serviceDiscountZhe: benefits.serviceDiscountZhe,
    birthdayGift: benefits.birthdayGift
      ? {
          voucherName: benefits.birthdayGift,
          birthday: member.birthday ? { month: member.birthday.month, day: member.birthday.day } : null,
        }
      : null,
    personalAdvisor: benefits.personalAdvisor,
  };
}
