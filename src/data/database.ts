import type { Connection } from 'mongoose';
import { MemberStore } from './member-store';
import { type LedgerModel, ledgerModel } from './models/ledger-entry-model';
import { type MemberModel, memberModel } from './models/member-model';
import { type TransactionModel, transactionModel } from './models/transaction-model';

/**
 * Every model of the application on one connection, and the stores built on them. Services get
 * this object; nothing above `src/data/` touches mongoose directly.
 */
export interface Database {
  connection: Connection;
  members: MemberModel;
  ledger: LedgerModel;
  transactions: TransactionModel;
  memberStore: MemberStore;
  /** Creates collections and indexes (idempotent); call once at start-up. */
  init(): Promise<void>;
}

export function createDatabase(connection: Connection): Database {
  const members = memberModel(connection);
  const ledger = ledgerModel(connection);
  const transactions = transactionModel(connection);
  const all = [members, ledger, transactions];
  return {
    connection,
    members,
    ledger,
    transactions,
    memberStore: new MemberStore(members, ledger),
    async init() {
      for (const model of all) {
        await model.createCollection().catch(() => undefined);
        await model.createIndexes();
      }
    },
  };
}
