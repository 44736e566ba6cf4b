import { statusNamesZh } from '../../bookings/booking-transitions';
import type { BookingRecord } from '../../data/models/booking-model';

export interface BookingView {
  id: string;
  number: string;
  memberId: string;
  plate: string;
  storeId: string;
  serviceId: string;
  slotStart: string;
  day: string;
  time: string;
  mileageKm: number | null;
  note: string | null;
  channel: 'member' | 'staff';
  status: BookingRecord['status'];
  statusName: string;
  history: {
    action: string;
    at: string;
    reason: string | null;
    by: BookingRecord['history'][number]['by'];
  }[];
  useFreeMaintenance: boolean;
  freeMaintenanceUse: 'pending' | 'used' | 'none_left' | null;
  createdAt: string;
  updatedAt: string;
}

export function bookingView(record: BookingRecord): BookingView {
  return {
    id: record._id,
    number: record.number,
    memberId: record.memberId,
    plate: record.plate,
    storeId: record.storeId,
    serviceId: record.serviceId,
    slotStart: new Date(record.slotStart).toISOString(),
    day: record.day,
    time: record.time,
    mileageKm: record.mileageKm,
    note: record.note ?? null,
    channel: record.channel,
    status: record.status,
    statusName: statusNamesZh[record.status],
    history: record.history.map((event) => ({
      action: event.action,
      at: new Date(event.at).toISOString(),
      reason: event.reason,
      by: event.by,
    })),
    useFreeMaintenance: record.useFreeMaintenance ?? false,
    freeMaintenanceUse: record.freeMaintenanceUse ?? null,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
