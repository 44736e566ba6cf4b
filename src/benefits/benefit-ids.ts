/** The tier benefits that are counted per membership year (RULES.md §11). */
export const benefitIds = ['free_maintenance'] as const;
export type BenefitId = (typeof benefitIds)[number];

export const benefitNamesZh: Record<BenefitId, string> = {
  free_maintenance: '免费基础保养',
};

export function isBenefitId(value: string): value is BenefitId {
  return (benefitIds as readonly string[]).includes(value);
}
