import type { VehicleRecord } from '../data/models/member-model';

/** A member's car as given at sign-up: plate and model; service history comes later. */
export function newVehicle(plate: string | null, model: string | null): VehicleRecord {
  return {
    plate,
    model,
    mileageKm: null,
    mileageReportedAt: null,
    insuranceEndsOn: null,
    inspectionDueOn: null,
    lastServiceAt: null,
    lastServiceKm: null,
    services: [],
    maintenanceDueOn: null,
    maintenanceDueBy: null,
  };
}
