import type { Database } from '../data/database';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { NightlyService } from './nightly-service';
import type { ProgramSource } from './program-source';
import { TransactionService } from './transaction-service';

/** The application services, built once per process by the composition root. */
export interface Services {
  db: Database;
  program: ProgramSource;
  clock: Clock;
  logger: Logger;
  transactions: TransactionService;
  nightly: NightlyService;
}

export function createServices(db: Database, program: ProgramSource, clock: Clock, logger: Logger): Services {
  const ctx = { db, program, clock, logger };
  const transactions = new TransactionService(ctx);
  const nightly = new NightlyService(ctx);
  return { ...ctx, transactions, nightly };
}
