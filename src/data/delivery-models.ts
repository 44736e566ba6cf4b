import type { Connection } from 'mongoose';
import { type DeliveryModel, deliveryModel } from './models/delivery-model';
import { type DeliveryStateModel, deliveryStateModel } from './models/delivery-state-model';

/** The models of outbound delivery: one record per message, one state per member. */
export interface DeliveryModels {
  deliveries: DeliveryModel;
  states: DeliveryStateModel;
}

export function deliveryModels(connection: Connection): DeliveryModels {
  return { deliveries: deliveryModel(connection), states: deliveryStateModel(connection) };
}
