import type { BenefitCount } from './decide-benefit-use';

export type FreeMaintenanceChoice =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'free_maintenance_not_allowed' | 'no_free_maintenance_left';
      readonly message: string;
    };

/**
 * Whether a booking for `serviceId` may choose to be paid with a free maintenance (RULES.md §11):
 * the service allows it (`bookings.services[].freeMaintenance`) and the member has one left this
 * membership year when booking. The use itself happens at check-in.
 */
export function decideFreeMaintenanceChoice(
  services: readonly { readonly id: string; readonly name: string; readonly freeMaintenance: boolean }[],
  serviceId: string,
  count: BenefitCount,
): FreeMaintenanceChoice {
  const service = services.find((s) => s.id === serviceId);
  if (!service?.freeMaintenance) {
    const allowed = services.filter((s) => s.freeMaintenance).map((s) => `「${s.name}」`);
    return {
      ok: false,
      reason: 'free_maintenance_not_allowed',
      message: `「${service?.name ?? serviceId}」不能使用免费保养${allowed.length > 0 ? `，免费保养只能用于${allowed.join('、')}` : ''}。`,
    };
  }
  if (count.left <= 0) {
    return {
      ok: false,
      reason: 'no_free_maintenance_left',
      message: `本会员年的免费基础保养已用完（共 ${count.allowance} 次），这次预约不能使用免费保养。`,
    };
  }
  return { ok: true };
}
