import type { Connection } from 'mongoose';
import { type CallbackRequestModel, callbackRequestModel } from './models/callback-request-model';
import { type ServiceFeedbackModel, serviceFeedbackModel } from './models/service-feedback-model';

/** The models of after-sales follow-up: post-service ratings and 人工 callback requests. */
export interface FollowUpModels {
  feedback: ServiceFeedbackModel;
  callbacks: CallbackRequestModel;
}

export function followUpModels(connection: Connection): FollowUpModels {
  return { feedback: serviceFeedbackModel(connection), callbacks: callbackRequestModel(connection) };
}
