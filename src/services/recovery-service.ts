import type { Logger } from '../lib/logger';

/** Something that finishes work a crash interrupted; returns how many items it finished. */
export interface RecoveryStep {
  name: string;
  run(): Promise<number>;
}

/**
 * Finishes every multi-step operation a crash left half-way (ledger entries still in member
 * outboxes, transactions received but not applied, redemptions, enrolments, referral rewards,
 * points-missing resolutions). Each step is idempotent, so any number of processes may run the
 * sweep at once: at start-up and every few minutes from the maintenance queue.
 */
export class RecoveryService {
  constructor(
    private readonly steps: readonly RecoveryStep[],
    private readonly logger: Logger,
  ) {}

  async sweep(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const step of this.steps) counts[step.name] = await step.run();
    if (Object.values(counts).some((n) => n > 0)) this.logger.warn(counts, 'recovered interrupted work');
    return counts;
  }
}
