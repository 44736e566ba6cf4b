import { type Job, UnrecoverableError } from 'bullmq';
import { nightlyRunJob } from '../src/queues/job-schemas';
import type { Services } from '../src/services/services';

/**
 * The nightly run (RULES.md §3, in its fixed order): activate due pending points → expire due lots
 * → annual tier reviews, through `NightlyService`; then the care scans, whose messages go to the
 * delivery queue under deterministic keys; then marks vouchers past their date expired and
 * finishes anything a crash left half-way. Safe to run twice: the second run finds nothing due.
 */
export async function nightlyRunJobProcessor(job: Job, services: Services) {
  const parsed = nightlyRunJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid nightly-run payload: ${parsed.error.message}`);
  const at = parsed.data.at ? new Date(parsed.data.at) : services.clock();
  const accounts = await services.nightly.run(at);
  const care = await services.care.runDaily(at);
  const vouchersExpired = await services.vouchers.expireDue(at);
  const recovered = await services.recovery.sweep();
  return { at: at.toISOString(), ...accounts, care, vouchersExpired, recovered };
}
