import type { Program } from './types';

/** The badge tones (components/badge.tsx), named here so this module stays free of the DOM. */
type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** The booking states as the API names them. */
export type BookingStatus = 'booked' | 'confirmed' | 'checked_in' | 'no_show' | 'cancelled';

/** One row of `GET /bookings/board` (docs/api.md). */
export interface BoardBooking {
  id: string;
  number: string;
  memberId: string;
  member: { name: string | null; mobile: string | null; tierName: string } | null;
  plate: string;
  storeId: string;
  serviceId: string;
  serviceName: string;
  slotStart: string;
  day: string;
  time: string;
  mileageKm: number | null;
  note: string | null;
  /** Pays with a free maintenance, used at check-in. */
  useFreeMaintenance: boolean;
  freeMaintenanceUse: 'pending' | 'used' | 'none_left' | null;
  channel: 'member' | 'staff';
  status: BookingStatus;
  statusName: string;
  history: { action: string; at: string; reason: string | null }[];
}

export interface BookingBoard {
  storeId: string;
  date: string;
  today: string;
  now: string;
  closed: boolean;
  capacityPerSlot: number;
  counts: {
    open: number;
    booked: number;
    confirmed: number;
    checkedIn: number;
    noShow: number;
    cancelled: number;
  };
  slots: { start: string; time: string; held: number; free: number }[];
  bookings: BoardBooking[];
}

/** `GET /bookings/availability`. */
export interface Availability {
  storeId: string;
  serviceId: string;
  capacityPerSlot: number;
  days: {
    date: string;
    closed: boolean;
    free: number;
    slots: { start: string; time: string; free: number }[];
  }[];
}

/** `POST /bookings…`'s answer. */
export interface BookingAnswer {
  booking: BoardBooking;
  duplicate: boolean;
}

/** The program's booking parts the console reads (absent in versions before bookings). */
export interface ProgramBookings {
  bookings?: { services: { id: string; name: string }[]; horizonDays: number };
  stores: { id: string; name: string; booking?: { services: string[]; capacityPerSlot: number } }[];
}

export const bookingStatus: Record<BookingStatus, { label: string; tone: Tone }> = {
  booked: { label: '已预约', tone: 'info' },
  confirmed: { label: '已确认', tone: 'info' },
  checked_in: { label: '已到店', tone: 'success' },
  no_show: { label: '未到店', tone: 'warning' },
  cancelled: { label: '已取消', tone: 'neutral' },
};

export type BoardAction = 'confirm' | 'move' | 'check-in' | 'no-show' | 'cancel';

/** What staff may do with a booking in each state: the API's transitions, nothing it would refuse. */
export function actionsFor(status: BookingStatus): BoardAction[] {
  if (status === 'booked') return ['confirm', 'move', 'check-in', 'no-show', 'cancel'];
  if (status === 'confirmed') return ['move', 'check-in', 'no-show', 'cancel'];
  return [];
}

export const actionLabels: Record<BoardAction, string> = {
  confirm: '确认',
  move: '改期',
  'check-in': '到店',
  'no-show': '未到店',
  cancel: '取消',
};

export interface SlotGroup {
  time: string;
  bookings: BoardBooking[];
}

export interface BoardSection {
  id: 'upcoming' | 'arrived' | 'rest' | 'all';
  title: string;
  groups: SlotGroup[];
}

/**
 * The board's sections. Today, the service desk's question is "who comes next": the bookings not
 * yet arrived (booked or confirmed) first, then those arrived, then no-shows and cancellations;
 * on any other day one section of every booking. Within a section bookings are grouped by slot
 * time, earliest first (the API lists them by slot already; sorted again to be sure).
 */
export function boardSections(board: Pick<BookingBoard, 'date' | 'today' | 'bookings'>): BoardSection[] {
  const sorted = [...board.bookings].sort(
    (a, b) => a.slotStart.localeCompare(b.slotStart) || a.number.localeCompare(b.number),
  );
  if (board.date !== board.today) return [{ id: 'all', title: '全部预约', groups: bySlot(sorted) }];
  const open = sorted.filter((b) => b.status === 'booked' || b.status === 'confirmed');
  const arrived = sorted.filter((b) => b.status === 'checked_in');
  const rest = sorted.filter((b) => b.status === 'no_show' || b.status === 'cancelled');
  return [
    { id: 'upcoming' as const, title: '待到店', groups: bySlot(open) },
    { id: 'arrived' as const, title: '已到店', groups: bySlot(arrived) },
    { id: 'rest' as const, title: '未到店和已取消', groups: bySlot(rest) },
  ].filter((section) => section.groups.length > 0);
}

function bySlot(bookings: BoardBooking[]): SlotGroup[] {
  const groups: SlotGroup[] = [];
  for (const booking of bookings) {
    const last = groups.at(-1);
    if (last && last.time === booking.time) last.bookings.push(booking);
    else groups.push({ time: booking.time, bookings: [booking] });
  }
  return groups;
}

/** `2026-12-08` moved by `days` (calendar arithmetic in UTC, no time zone involved). */
export function shiftDate(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return date.toISOString().slice(0, 10);
}

const weekdays = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** 12月8日 周二 */
export function dayLabel(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  const weekday = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return `${m}月${d}日 ${weekdays[weekday]}`;
}

/** The stores that take bookings, as the program in force lists them. */
export function bookableStores(program: Program): { id: string; name: string; services: string[] }[] {
  const withBookings = program as unknown as ProgramBookings;
  if (!withBookings.bookings) return [];
  return withBookings.stores.flatMap((store) =>
    store.booking ? [{ id: store.id, name: store.name, services: store.booking.services }] : [],
  );
}

/** The services a store offers, with their names. */
export function storeServices(program: Program, storeId: string): { id: string; name: string }[] {
  const withBookings = program as unknown as ProgramBookings;
  const offered = bookableStores(program).find((s) => s.id === storeId)?.services ?? [];
  return (withBookings.bookings?.services ?? []).filter((service) => offered.includes(service.id));
}

/**
 * A request id for one action: letters, digits and `-`, as the booking API accepts (≤ 64). From
 * `crypto.getRandomValues`, which works on a plain-http counter PC too (randomUUID does not).
 */
export function newBookingRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const random = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `board-${Date.now().toString(36)}-${random}`;
}

/** 35,200 公里 */
export function mileageText(km: number | null): string {
  return km === null ? '—' : `${new Intl.NumberFormat('zh-CN').format(km)} 公里`;
}
