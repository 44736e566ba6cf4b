import { type QueueName, queueNames } from '../src/queues/queue-names';
import {
  campaignJobNames,
  deliveryJobNames,
  maintenanceJobNames,
  massSendBatchJobNames,
  massSendJobNames,
  postServiceJobNames,
} from '../src/queues/job-schemas';
import { campaignFanOutJobProcessor } from './campaign-fan-out.job';
import { deliverMessageJobProcessor } from './deliver-message.job';
import { bookingRemindersJobProcessor } from './booking-reminders.job';
import type { JobProcessor } from './job-processor';
import { massSendAssembleJobProcessor } from './mass-send-assemble.job';
import { massSendBatchJobProcessor } from './mass-send-batch.job';
import { nightlyRunJobProcessor } from './nightly-run.job';
import { postServiceFollowUpJobProcessor } from './post-service-follow-up.job';
import { recoverySweepJobProcessor } from './recovery-sweep.job';

/** Queue → job name → processor. Workers dispatch on the job's name; an unknown name is permanent. */
export const processors: Record<QueueName, Record<string, JobProcessor>> = {
  [queueNames.maintenance]: {
    [maintenanceJobNames.nightlyRun]: nightlyRunJobProcessor,
    [maintenanceJobNames.recoverySweep]: recoverySweepJobProcessor,
    [maintenanceJobNames.bookingReminders]: bookingRemindersJobProcessor,
  },
  [queueNames.delivery]: { [deliveryJobNames.deliverMessage]: deliverMessageJobProcessor },
  [queueNames.postService]: { [postServiceJobNames.followUp]: postServiceFollowUpJobProcessor },
  [queueNames.campaigns]: { [campaignJobNames.fanOut]: campaignFanOutJobProcessor },
  [queueNames.massSend]: {
    [massSendJobNames.assemble]: massSendAssembleJobProcessor,
    [massSendJobNames.sweep]: massSendAssembleJobProcessor,
  },
  [queueNames.massSendBatches]: { [massSendBatchJobNames.send]: massSendBatchJobProcessor },
};
