import type { TransactionModel, TransactionRecord } from './models/transaction-model';

/**
 * The hot-path writes of DMS transactions on the driver's collection (the records are built by
 * typed code; mongoose's casting and document machinery add nothing here but time).
 */
export class TransactionStore {
  constructor(private readonly transactions: TransactionModel) {}

  /** Inserts a new transaction; rejects with MongoDB's duplicate-key error when the id exists. */
  async insert(record: TransactionRecord): Promise<void> {
    await this.transactions.collection.insertOne(record as never);
  }

  async find(id: string): Promise<TransactionRecord | null> {
    return (await this.transactions.collection.findOne({ _id: id as never })) as TransactionRecord | null;
  }

  /**
   * Stores the result of applying a transaction, once (a later call changes nothing), marking its
   * follow-ups (referral completion…) as pending until `followUpsDone`.
   */
  async storeResult(id: string, result: Record<string, unknown>, appliedAt: Date): Promise<void> {
    await this.transactions.collection.updateOne(
      { _id: id as never, result: null },
      { $set: { status: 'applied', result, appliedAt, followUpPending: true } },
    );
  }

  async followUpsDone(id: string): Promise<void> {
    await this.transactions.collection.updateOne({ _id: id as never }, { $set: { followUpPending: false } });
  }

  /** Applied transactions whose follow-ups a crash interrupted (applied before `cutoff`). */
  async withFollowUpsPending(cutoff: Date): Promise<TransactionRecord[]> {
    return (await this.transactions.collection
      .find({ followUpPending: true, appliedAt: { $lte: cutoff } })
      .limit(1_000)
      .toArray()) as unknown as TransactionRecord[];
  }
}
