import type { Connection } from 'mongoose';
import { type CallbackRequestModel, callbackRequestModel } from './models/callback-request-model';
import { type ComplaintModel, complaintModel } from './models/complaint-model';
import { type ServiceFeedbackModel, serviceFeedbackModel } from './models/service-feedback-model';

/** The models of after-sales follow-up: post-service ratings, 人工 callback requests, complaints. */
export interface FollowUpModels {
  feedback: ServiceFeedbackModel;
  callbacks: CallbackRequestModel;
  complaints: ComplaintModel;
}

export function followUpModels(connection: Connection): FollowUpModels {
  return {
    feedback: serviceFeedbackModel(connection),
    callbacks: callbackRequestModel(connection),
    complaints: complaintModel(connection),
  };
}
