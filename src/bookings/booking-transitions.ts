/**
 * The states of a booking. `pending` only between recording the intent and holding its seat (an
 * intent that gets no seat is deleted: a refused request leaves nothing behind).
 */
export const bookingStatuses = [
  'pending',
  'booked',
  'confirmed',
  'checked_in',
  'no_show',
  'cancelled',
] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

/** Open: holding a seat and counting as the car's booking of that day. */
export const openStatuses: readonly BookingStatus[] = ['booked', 'confirmed'];

export type BookingAction = 'confirm' | 'move' | 'check_in' | 'no_show' | 'cancel';

/** The state an action leaves a booking in (`move` keeps it). */
const target: Record<Exclude<BookingAction, 'move'>, BookingStatus> = {
  confirm: 'confirmed',
  check_in: 'checked_in',
  no_show: 'no_show',
  cancel: 'cancelled',
};

/** The states each action may start from. */
const from: Record<BookingAction, readonly BookingStatus[]> = {
  confirm: ['booked'],
  move: ['booked', 'confirmed'],
  check_in: ['booked', 'confirmed'],
  no_show: ['booked', 'confirmed'],
  cancel: ['booked', 'confirmed'],
};

export type TransitionDecision =
  | { kind: 'apply'; to: BookingStatus }
  | { kind: 'duplicate' }
  | { kind: 'wrong_state'; status: BookingStatus };

/**
 * What `action` does to a booking in `status`: apply it, or — when the booking is already where the
 * action leads (a repeated request) — report a duplicate, or name the state that forbids it.
 */
export function decideTransition(
  status: BookingStatus,
  action: Exclude<BookingAction, 'move'>,
): TransitionDecision {
  if (status === target[action]) return { kind: 'duplicate' };
  if (from[action].includes(status)) return { kind: 'apply', to: target[action] };
  return { kind: 'wrong_state', status };
}

export function mayMove(status: BookingStatus): boolean {
  return from.move.includes(status);
}

export const statusNamesZh: Record<BookingStatus, string> = {
  pending: '处理中',
  booked: '已预约',
  confirmed: '已确认',
  checked_in: '已到店',
  no_show: '未到店',
  cancelled: '已取消',
};
