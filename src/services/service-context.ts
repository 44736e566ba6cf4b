import type { Database } from '../data/database';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { ProgramSource } from './program-source';

/** What every application service is built from. */
export interface ServiceContext {
  db: Database;
  program: ProgramSource;
  clock: Clock;
  logger: Logger;
}
