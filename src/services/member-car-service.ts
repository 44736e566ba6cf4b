import type { CarFacts } from '../conversation/effect';
import type { MemberRecord, VehicleRecord } from '../data/models/member-model';
import { withMaintenanceDue } from '../rules/vehicle-service-history';
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
   * Sets one field of the first car (creating it when the member has none) and works out its
   * maintenance due date again (a new mileage reading can bring it forward). The update is
   * conditional on the member's `rev` and bumps it, like every account change, so neither a
   * concurrent DMS transaction recording a service nor a staff edit is overwritten: the loser retries.
   */
  async update(memberId: string, field: CarField, value: string | number): Promise<CarFacts> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const member = await this.member(memberId);
      const program = this.ctx.program.current();
      const [first, ...rest] = member.vehicles;
      let vehicle: VehicleRecord = { ...(first ?? newVehicle(null, null)) };
      if (field === 'mileageKm') {
        vehicle.mileageKm = Number(value);
        vehicle.mileageReportedAt = this.ctx.clock();
      } else {
        vehicle[field] = String(value);
      }
      vehicle = withMaintenanceDue(vehicle, program.care.maintenanceDue, program.timezone);
      const result = await this.ctx.db.members.updateOne(
        { _id: memberId, status: 'active', rev: member.rev },
        { $set: { vehicles: [vehicle, ...rest] }, $inc: { rev: 1 } },
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
