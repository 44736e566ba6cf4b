import type { Connection } from 'mongoose';
import { type DeliveryModel, deliveryModel } from './models/delivery-model';
import { type DeliveryStateModel, deliveryStateModel } from './models/delivery-state-model';
import { type MassSendBatchModel, massSendBatchModel } from './models/mass-send-batch-model';

/**
 * The models of outbound delivery: one record per message, one state per member, one batch per
 * mass send.
 */
export interface DeliveryModels {
  deliveries: DeliveryModel;
  states: DeliveryStateModel;
  massSendBatches: MassSendBatchModel;
}

export function deliveryModels(connection: Connection): DeliveryModels {
  return {
    deliveries: deliveryModel(connection),
    states: deliveryStateModel(connection),
    massSendBatches: massSendBatchModel(connection),
  };
}
