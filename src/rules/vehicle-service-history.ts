import type { Program } from '../config/program-schema';
import { formatIsoDate } from './local-date';
import { type MaintenanceSettings, maintenanceDue, type ServiceVisit } from './maintenance-due';

/** The vehicle fields the service history and the maintenance due date live in. */
export interface ServiceableVehicle {
  plate: string | null;
  mileageKm: number | null;
  mileageReportedAt: Date | null;
  lastServiceAt: Date | null;
  lastServiceKm: number | null;
  /** Oldest first; absent on vehicles stored before the history existed. */
  services?: ServiceVisit[] | undefined;
  /** `YYYY-MM-DD` (program time zone), indexed: the nightly scan looks members up by it. */
  maintenanceDueOn?: string | null | undefined;
  maintenanceDueBy?: 'date' | 'mileage' | null | undefined;
}

/** Enough visits for a long-run distance estimate; older ones add nothing the newer do not say. */
export const SERVICE_HISTORY_KEPT = 12;

/**
 * Whether a transaction of this category is a service visit that resets the maintenance clock.
 * The program marks maintenance and repair (RULES.md §7: "a maintenance or repair transaction")
 * with `postServiceFollowUp`; the same flag says "the car was serviced here".
 */
export function isServiceVisit(category: string, program: Pick<Program, 'categories'>): boolean {
  return program.categories[category]?.postServiceFollowUp === true;
}

/**
 * The member's vehicles after a DMS transaction naming a plate: the vehicle with that plate — or
 * else a vehicle whose plate was never told (a car the member described without one), which takes
 * the plate — or else a new one from `blank`. A service visit joins its history (replacing one with
 * the same transaction id, so applying twice is harmless) and the last service and due date are
 * worked out again from the whole history, so a late-posted older visit does not move them back.
 */
export function recordVehicleVisit<V extends ServiceableVehicle>(
  vehicles: readonly V[],
  visit: { readonly plate: string; readonly service: ServiceVisit | null },
  blank: (plate: string) => V,
  settings: MaintenanceSettings,
  timeZone: string,
): V[] {
  let index = vehicles.findIndex((v) => v.plate === visit.plate);
  if (index < 0) index = vehicles.findIndex((v) => v.plate === null);
  const list = [...vehicles];
  if (index < 0) {
    index = list.length;
    list.push(blank(visit.plate));
  }
  const vehicle = list[index]!;
  let services = vehicle.services ?? [];
  if (visit.service) {
    const added = visit.service;
    services = [...services.filter((s) => s.transactionId !== added.transactionId), added]
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(-SERVICE_HISTORY_KEPT);
  }
  list[index] = withMaintenanceDue({ ...vehicle, plate: visit.plate, services }, settings, timeZone);
  return list;
}

/**
 * The vehicles without the service visit of a refunded transaction, with the last service and the
 * due date worked out again from the visits that stand; null when no vehicle has that visit.
 */
export function removeServiceVisit<V extends ServiceableVehicle>(
  vehicles: readonly V[],
  transactionId: string,
  settings: MaintenanceSettings,
  timeZone: string,
): V[] | null {
  const index = vehicles.findIndex((v) => (v.services ?? []).some((s) => s.transactionId === transactionId));
  if (index < 0) return null;
  const list = [...vehicles];
  const vehicle = list[index]!;
  const services = (vehicle.services ?? []).filter((s) => s.transactionId !== transactionId);
  list[index] = withMaintenanceDue({ ...vehicle, services }, settings, timeZone);
  return list;
}

/**
 * The vehicle with its derived maintenance fields (last service, mileage at it, due date and which
 * limit sets it) recomputed from its service history and the member's latest reported reading.
 */
export function withMaintenanceDue<V extends ServiceableVehicle>(
  vehicle: V,
  settings: MaintenanceSettings,
  timeZone: string,
): V {
  const services = vehicle.services ?? [];
  const reported =
    vehicle.mileageKm !== null && vehicle.mileageReportedAt
      ? { at: new Date(vehicle.mileageReportedAt), km: vehicle.mileageKm }
      : null;
  const due = maintenanceDue({ services, reported }, settings, timeZone);
  return {
    ...vehicle,
    services,
    lastServiceAt: due?.lastService.at ?? null,
    lastServiceKm: due?.lastService.mileageKm ?? null,
    maintenanceDueOn: due ? formatIsoDate(due.dueOn) : null,
    maintenanceDueBy: due?.by ?? null,
  };
}
