import type { StaffRole } from './api';

export type SectionId =
  | 'campaigns'
  | 'members'
  | 'bookings'
  | 'vouchers'
  | 'callbacks'
  | 'feedback'
  | 'missing-points'
  | 'reports'
  | 'rewards'
  | 'program'
  | 'import'
  | 'misunderstood';

export interface Section {
  id: SectionId;
  label: string;
  roles: readonly StaffRole[];
}

/**
 * The console's sections and who may open them — the same roles as the staff API routes behind
 * them, so a page never offers what its API would refuse. Order is the navigation order.
 */
export const sections: readonly Section[] = [
  { id: 'campaigns', label: '活动', roles: ['marketing', 'admin'] },
  { id: 'members', label: '会员', roles: ['store', 'marketing', 'admin'] },
  { id: 'bookings', label: '预约', roles: ['store', 'marketing', 'admin'] },
  { id: 'vouchers', label: '核销', roles: ['store', 'admin'] },
  { id: 'callbacks', label: '回电', roles: ['store', 'admin'] },
  { id: 'feedback', label: '服务评价', roles: ['store', 'marketing', 'admin'] },
  { id: 'missing-points', label: '积分补录', roles: ['store', 'admin'] },
  { id: 'reports', label: '报表', roles: ['marketing', 'admin'] },
  { id: 'rewards', label: '礼品', roles: ['store', 'marketing', 'admin'] },
  { id: 'program', label: '方案', roles: ['store', 'marketing', 'admin'] },
  { id: 'import', label: '会员导入', roles: ['admin'] },
  { id: 'misunderstood', label: '未理解的消息', roles: ['marketing', 'admin'] },
];

export const roleNames: Record<StaffRole, string> = { store: '门店', marketing: '市场', admin: '管理员' };

export function canOpen(role: StaffRole, section: SectionId): boolean {
  return sections.some((s) => s.id === section && s.roles.includes(role));
}

/** Enrol, record transactions and refunds (the counter's work). */
export const canServeMembers = (role: StaffRole) => role === 'store' || role === 'admin';

/** Confirm, move, check in, mark no-show, cancel and take phone bookings (as the booking API). */
export const canWorkBookings = (role: StaffRole) => role === 'store' || role === 'admin';

/** Work the low-rating alerts (marketing reads the per-store summary only). */
export const canHandleFeedback = (role: StaffRole) => role === 'store' || role === 'admin';

/** 注销 a member: irreversible, so the admin's alone (as `POST /members/{id}/erase`). */
export const canEraseMembers = (role: StaffRole) => role === 'admin';

/** Change the reward catalogue. */
export const canEditRewards = (role: StaffRole) => role === 'marketing' || role === 'admin';

/** Publish a new program version (as `POST /program`). */
export const canPublishProgram = (role: StaffRole) => role === 'admin';

/** Where a role lands after signing in. */
export function homeSection(role: StaffRole): SectionId {
  return role === 'store' ? 'members' : 'campaigns';
}
