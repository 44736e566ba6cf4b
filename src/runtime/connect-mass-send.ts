import type { Queue } from 'bullmq';
import type { Metrics } from '../lib/metrics';
import { bullMassSendJobs } from '../queues/mass-send-jobs';
import type { MassSender } from '../services/mass-send-service';
import type { Services } from '../services/services';

/**
 * Connects the mass-send batcher to its two queues (assembly and the rate-limited batches; every
 * role may trigger an assembly) and to the channel's sender, and counts each delivery it settles in
 * `deliveries_total{channel="mass_send"}` next to the ones delivery settles itself.
 */
export function connectMassSend(
  services: Services,
  parts: { assembleQueue: Queue; batchQueue: Queue; sender: MassSender; metrics: Metrics },
): void {
  services.massSend.connect({
    jobs: bullMassSendJobs({ assemble: parts.assembleQueue, batches: parts.batchQueue }),
    sender: parts.sender,
  });
  services.massSend.onOutcome(({ outcome, count }) => {
    parts.metrics.deliveries.inc({ channel: 'mass_send', outcome }, count);
  });
}
