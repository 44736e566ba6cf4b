import type { Program } from '../config/program-schema';
import { type CareMessage, careSendAt } from './care-due';
import { addLocalDays, compareLocalDates, formatIsoDate, type LocalDate, parseIsoDate } from './local-date';
import { vehicleKey } from './vehicle-key';
import { localDateOf } from './zoned-time';

/** A vehicle as the maintenance reminder reads it: the due date stored when its facts last changed. */
export interface MaintenanceReminderVehicle {
  readonly plate: string | null;
  readonly lastServiceAt: Date | null;
  readonly maintenanceDueOn?: string | null | undefined;
  readonly maintenanceDueBy?: 'date' | 'mileage' | null | undefined;
}

/**
 * Maintenance-due reminders (RULES.md §7) for the local day `today`: one per vehicle and configured
 * "days before" (7 days ahead and on the day by default) that lands on the vehicle's stored due
 * date. The key names the member, the vehicle and the service the reminder is about
 * (`care:maintenance_due:<member>:<vehicle>:<last service date>:<days>`), so each service is
 * reminded about once per day offset, however often the scan runs; a newer service starts new keys.
 */
export function maintenanceReminders(
  member: { readonly memberId: string; readonly vehicles: readonly MaintenanceReminderVehicle[] },
  today: LocalDate,
  program: Pick<Program, 'care' | 'timezone'>,
): CareMessage[] {
  const settings = program.care.maintenanceDue;
  if (!settings.enabled) return [];
  const messages: CareMessage[] = [];
  member.vehicles.forEach((vehicle, index) => {
    const dueOn = vehicle.maintenanceDueOn ? parseIsoDate(vehicle.maintenanceDueOn) : null;
    if (!dueOn || !vehicle.lastServiceAt) return;
    const lastServiceOn = formatIsoDate(localDateOf(vehicle.lastServiceAt, program.timezone));
    for (const days of settings.daysBefore) {
      if (compareLocalDates(addLocalDays(today, days), dueOn) !== 0) continue;
      messages.push({
        key: `care:maintenance_due:${member.memberId}:${vehicleKey(vehicle.plate, index)}:${lastServiceOn}:${days}`,
        kind: 'maintenance_due',
        category: 'service',
        memberId: member.memberId,
        sendAt: careSendAt(today, program),
        facts: {
          date: formatIsoDate(dueOn),
          daysBefore: days,
          plate: vehicle.plate ?? '',
          lastServiceOn,
          by: vehicle.maintenanceDueBy ?? 'date',
        },
      });
    }
  });
  return messages;
}

export { vehicleKey };
