import type { CarFacts } from '../conversation/effect';
import type { MemberRecord, VehicleRecord } from '../data/models/member-model';
import { newVehicle } from './new-vehicle';
import type { ServiceContext } from './service-context';

export type CarField = keyof CarFacts;

/**
 * 我的车: the member keeps their (first) car's details current in chat — plate, model, mileage
 * (with when it was reported, for the maintenance-due estimate), insurance end date and annual
 * inspection due date, which the care messages read.
 */
export class MemberCarService {
  constructor(private readonly ctx: ServiceContext) {}

  async car(memberId: string): Promise<CarFacts | null> {
    const member = await this.member(memberId);
    const vehicle = member.vehicles[0];
    return vehicle ? facts(vehicle) : null;
  }

  /**
   * Sets one field of the first car (creating it when the member has none). The update is
   * conditional on the vehicles read, so a concurrent staff edit is not overwritten: it retries.
   */
  async update(memberId: string, field: CarField, value: string | number): Promise<CarFacts> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const member = await this.member(memberId);
      const [first, ...rest] = member.vehicles;
      const vehicle: VehicleRecord = { ...(first ?? newVehicle(null, null)) };
      if (field === 'mileageKm') {
        vehicle.mileageKm = Number(value);
        vehicle.mileageReportedAt = this.ctx.clock();
      } else {
        vehicle[field] = String(value);
      }
      const result = await this.ctx.db.members.updateOne(
        { _id: memberId, status: 'active', vehicles: member.vehicles },
        { $set: { vehicles: [vehicle, ...rest] } },
      );
      if (result.modifiedCount === 1 || result.matchedCount === 1) return facts(vehicle);
    }
    throw new Error(`member ${memberId}: car update kept conflicting`);
  }

  private async member(memberId: string): Promise<MemberRecord> {
    const member = await this.ctx.db.members
      .findOne({ _id: memberId, status: 'active' })
      .lean<MemberRecord>();
    if (!member) throw new Error(`member ${memberId} not found`);
    return member;
  }
}

function facts(vehicle: VehicleRecord): CarFacts {
  return {
    plate: vehicle.plate,
    model: vehicle.model,
    mileageKm: vehicle.mileageKm,
    insuranceEndsOn: vehicle.insuranceEndsOn,
    inspectionDueOn: vehicle.inspectionDueOn,
  };
}
