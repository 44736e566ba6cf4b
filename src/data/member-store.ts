import type { AnyBulkWriteOperation } from 'mongodb';
import type { LedgerEntry } from '../rules/ledger-entry';
import { isDuplicateKeyError } from './duplicate-key';
import type { LedgerEntryRecord, LedgerModel } from './models/ledger-entry-model';
import type { MemberModel, MemberRecord } from './models/member-model';

/** Member fields a decision may change together with the account. */
export type MemberUpdate = Partial<
  Pick<
    MemberRecord,
    | 'account'
    | 'tier'
    | 'firstTransactionAt'
    | 'lastVisitAt'
    | 'nextAccountEventAt'
    | 'tierReviewAt'
    | 'redemptionCounts'
    | 'referredBy'
    | 'vehicles'
  >
>;

export type MemberDecision<R, F> =
  | {
      readonly ok: true;
      readonly update: MemberUpdate;
      readonly entries: readonly LedgerEntry[];
      readonly result: R;
    }
  | { readonly ok: false; readonly failure: F };

export type ApplyOutcome<R, F> =
  | { readonly status: 'applied'; readonly result: R; readonly member: MemberRecord }
  | { readonly status: 'already_applied'; readonly member: MemberRecord }
  | { readonly status: 'rejected'; readonly failure: F; readonly member: MemberRecord }
  | { readonly status: 'not_found' };

export interface ApplyContext {
  storeId?: string | null;
  programVersion?: string | null;
  /** The member as the caller just read it: used for the first attempt instead of reading again. */
  snapshot?: MemberRecord;
  /**
   * The caller knows this operation key was never used before (it has just created the record
   * the key is derived from, under a unique index), so the ledger need not be searched for it.
   */
  fresh?: boolean;
}

const MAX_ATTEMPTS = 2_000;
const RECENT_OPS_KEPT = 100;

/**
 * The one way points and tiers change: read the member, let a pure `decide` compute the change,
 * write it with a single conditional update guarded by `rev` — together with the ledger entries
 * (into `outbox`) and the operation key — then copy the entries into the ledger collection.
 * A lost race re-reads and decides again; an operation key seen before is not applied twice.
 */
export class MemberStore {
  /** Entries committed in member outboxes, waiting to be copied into the ledger collection. */
  private copyQueue: { memberId: string; records: readonly LedgerEntryRecord[] }[] = [];
  private copying: Promise<void> | null = null;

  constructor(
    private readonly members: MemberModel,
    private readonly ledger: LedgerModel,
    private readonly onCopyError: (err: unknown) => void = () => {},
  ) {}

  async apply<R, F>(
    memberId: string,
    opKey: string,
    context: ApplyContext,
    decide: (member: MemberRecord) => MemberDecision<R, F>,
  ): Promise<ApplyOutcome<R, F>> {
    // The hot path uses the driver's collection directly: the documents are built by typed code,
    // so mongoose's casting of a whole embedded account on every update is pure overhead.
    const members = this.members.collection;
    let snapshot = context.snapshot;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const member = snapshot ?? ((await members.findOne({ _id: memberId as never })) as MemberRecord | null);
      snapshot = undefined;
      if (member?.status !== 'active') return { status: 'not_found' };
      if (await this.wasApplied(member, opKey, attempt === 0 && context.fresh === true)) {
        return { status: 'already_applied', member };
      }
      const decision = decide(member);
      if (!decision.ok) return { status: 'rejected', failure: decision.failure, member };

      const seq = member.rev + 1;
      const records: LedgerEntryRecord[] = decision.entries.map((entry, idx) => ({
        ...entry,
        memberId,
        opKey,
        seq,
        idx,
        storeId: context.storeId ?? null,
        programVersion: context.programVersion ?? null,
      }));
      const updated = (await members.findOneAndUpdate(
        { _id: memberId as never, rev: member.rev, status: 'active' },
        {
          $set: { ...decision.update, updatedAt: new Date() },
          $inc: { rev: 1 },
          $push: {
            recentOps: { $each: [opKey], $slice: -RECENT_OPS_KEPT },
            outbox: { $each: records },
          } as never,
        },
        { returnDocument: 'after' },
      )) as MemberRecord | null;
      if (!updated) {
        await backoff(attempt);
        continue;
      }
      this.enqueueCopy(memberId, records);
      return { status: 'applied', result: decision.result, member: updated };
    }
    throw new Error(`member ${memberId}: gave up after ${MAX_ATTEMPTS} conflicting updates (${opKey})`);
  }

  /**
   * `apply` for many members at once, each under its own operation key (a campaign page's bonus),
   * in a handful of round trips instead of three per member: the members as the caller just read
   * them, one ledger look-up for the keys they do not remember, one unordered bulk write of the
   * same conditional updates as `apply` (each guarded by its member's `rev`), one read-back of
   * which took effect, and the usual batched copy into the ledger. A member whose update lost a
   * race goes through `apply` on its own, so every key still takes effect once. Outcomes are in
   * the order of `items`.
   */
  async applyMany<R, F>(
    items: readonly { member: MemberRecord; opKey: string }[],
    context: Omit<ApplyContext, 'snapshot'>,
    decide: (member: MemberRecord, opKey: string) => MemberDecision<R, F>,
  ): Promise<ApplyOutcome<R, F>[]> {
    const members = this.members.collection;
    const outcomes: ApplyOutcome<R, F>[] = new Array(items.length);
    const inLedger = new Set<string>();
    const unknown = items
      .filter(({ member, opKey }) => member.status === 'active' && !remembers(member, opKey))
      .map(({ opKey }) => opKey);
    if (!context.fresh && unknown.length > 0) {
      const found = await this.ledger.collection
        .find({ opKey: { $in: unknown } }, { projection: { _id: 0, opKey: 1 } })
        .toArray();
      for (const entry of found) inLedger.add(String(entry.opKey));
    }
    const pending: { index: number; result: R }[] = [];
    const writes: AnyBulkWriteOperation[] = [];
    const at = new Date();
    items.forEach(({ member, opKey }, index) => {
      if (member.status !== 'active') {
        outcomes[index] = { status: 'not_found' };
        return;
      }
      if (remembers(member, opKey) || inLedger.has(opKey)) {
        outcomes[index] = { status: 'already_applied', member };
        return;
      }
      const decision = decide(member, opKey);
      if (!decision.ok) {
        outcomes[index] = { status: 'rejected', failure: decision.failure, member };
        return;
      }
      const records = ledgerRecords(member, opKey, decision.entries, context);
      pending.push({ index, result: decision.result });
      writes.push({
        updateOne: {
          filter: { _id: member._id as never, rev: member.rev, status: 'active' },
          update: {
            $set: { ...decision.update, updatedAt: at },
            $inc: { rev: 1 },
            $push: {
              recentOps: { $each: [opKey], $slice: -RECENT_OPS_KEPT },
              outbox: { $each: records },
            } as never,
          },
        },
      });
    });
    if (writes.length === 0) return outcomes;
    await members.bulkWrite(writes, { ordered: false });
    const after = (await members
      .find({ _id: { $in: pending.map((p) => items[p.index]!.member._id) as never[] } })
      .toArray()) as unknown as MemberRecord[];
    const byId = new Map(after.map((m) => [m._id, m]));
    const losers: number[] = [];
    for (const { index, result } of pending) {
      const { member, opKey } = items[index]!;
      const now = byId.get(member._id);
      if (now?.recentOps.includes(opKey)) {
        // Applied: by our write when it moved `rev` on by one and stamped our time; what is copied
        // into the ledger is what the member document holds for the key, whoever wrote it.
        this.enqueueCopy(
          member._id,
          now.outbox.filter((entry) => entry.opKey === opKey),
        );
        outcomes[index] =
          now.rev === member.rev + 1 && now.updatedAt?.getTime() === at.getTime()
            ? { status: 'applied', result, member: now }
            : { status: 'already_applied', member: now };
      } else {
        losers.push(index);
      }
    }
    for (const index of losers) {
      const { member, opKey } = items[index]!;
      outcomes[index] = await this.apply(member._id, opKey, context, (m) => decide(m, opKey));
    }
    return outcomes;
  }

  /**
   * Copies ledger entries from members' outboxes into the ledger (duplicates are entries an
   * earlier copy already made) and then removes them from the outboxes: one `insertMany` and one
   * `updateMany` for a whole batch of members, whatever the number of operations.
   */
  async copyEntries(
    batch: readonly { memberId: string; records: readonly LedgerEntryRecord[] }[],
  ): Promise<void> {
    const records = batch.flatMap((item) => item.records);
    if (records.length === 0) return;
    try {
      await this.ledger.collection.insertMany(
        records.map((r) => ({ _id: r.entryId, ...r }) as never),
        { ordered: false },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    await this.members.collection.updateMany(
      { _id: { $in: [...new Set(batch.map((item) => item.memberId))] as never[] } },
      { $pull: { outbox: { entryId: { $in: records.map((r) => r.entryId) } } } } as never,
    );
  }

  /**
   * The copy into the ledger happens after the caller has its answer, batched with the copies of
   * concurrent operations: the entries are already durable in the member's outbox (written in the
   * same update as the account), every reader merges the outbox, and the recovery sweep copies
   * whatever a crash left behind.
   */
  private enqueueCopy(memberId: string, records: readonly LedgerEntryRecord[]): void {
    if (records.length === 0) return;
    this.copyQueue.push({ memberId, records });
    if (!this.copying) this.copying = this.copyLoop();
  }

  private async copyLoop(): Promise<void> {
    // Let the operations of this tick join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.copyQueue.length > 0) {
      const batch = this.copyQueue.splice(0, 500);
      await this.copyEntries(batch).catch(this.onCopyError);
    }
    this.copying = null;
  }

  /** Resolves once every entry committed so far by this process is in the ledger collection. */
  async drain(): Promise<void> {
    while (this.copying) await this.copying;
  }

  /** Recovery after a crash between the member update and the ledger copy; returns entries moved. */
  async flushAllOutboxes(before?: Date): Promise<number> {
    let moved = 0;
    // Only entries older than `before`: younger ones are normally being copied right now.
    const filter = before
      ? { outbox: { $elemMatch: { at: { $lte: before } } } }
      : { 'outbox.0': { $exists: true } };
    const cursor = this.members
      .find(filter, { _id: 1, outbox: 1 })
      .lean<Pick<MemberRecord, '_id' | 'outbox'>[]>()
      .cursor();
    for await (const member of cursor) {
      const records = before ? member.outbox.filter((r) => new Date(r.at) <= before) : member.outbox;
      await this.copyEntries([{ memberId: member._id, records }]);
      moved += records.length;
    }
    return moved;
  }

  /** An active member by id or by mobile number, read straight from the collection. */
  async findActive(by: { id: string } | { mobile: string }): Promise<MemberRecord | null> {
    const filter =
      'id' in by ? { _id: by.id as never, status: 'active' } : { mobile: by.mobile, status: 'active' };
    return (await this.members.collection.findOne(filter)) as MemberRecord | null;
  }

  /**
   * Active members matching what staff typed, oldest member first, at most `limit`: a whole mobile
   * number (the unique mobile index), the last digits of one (`1234`: a suffix match over the
   * mobile index's keys), or a part of the name (the name index's keys). `text` is literal: any
   * regular-expression character in it is escaped.
   */
  async search(
    query: { mobile: string } | { mobileEnding: string } | { nameContains: string },
    limit: number,
  ): Promise<MemberRecord[]> {
    const filter =
      'mobile' in query
        ? { mobile: query.mobile }
        : 'mobileEnding' in query
          ? { mobile: { $regex: `${escapeRegExp(query.mobileEnding)}$` } }
          : { name: { $regex: escapeRegExp(query.nameContains) } };
    return this.members
      .find({ ...filter, status: 'active' })
      .sort({ signedUpAt: 1 })
      .limit(limit)
      .lean<MemberRecord[]>();
  }

  /** A member's ledger in the order it was applied, including entries still in the outbox. */
  async ledgerOf(
    memberId: string,
    options: { limit?: number; newestFirst?: boolean } = {},
  ): Promise<LedgerEntryRecord[]> {
    const direction = options.newestFirst ? -1 : 1;
    // Outbox first: an entry copied and pulled between the two reads is then in the ledger read.
    const member = await this.members.findById(memberId, { outbox: 1 }).lean<Pick<MemberRecord, 'outbox'>>();
    const query = this.ledger.find({ memberId }).sort({ seq: direction, idx: direction });
    if (options.limit) query.limit(options.limit);
    const stored = (await query.lean()) as unknown as (LedgerEntryRecord & { _id?: string })[];
    const seen = new Set(stored.map((e) => e.entryId));
    const outbox: (LedgerEntryRecord & { _id?: string })[] = (member?.outbox ?? []).filter(
      (e) => !seen.has(e.entryId),
    );
    const all = [...stored, ...outbox].map(({ _id, ...rest }) => rest as LedgerEntryRecord);
    all.sort((a, b) => direction * (a.seq - b.seq || a.idx - b.idx));
    return options.limit ? all.slice(0, options.limit) : all;
  }

  /** Entries by id, wherever they are now (outbox or ledger); missing ids are left out. */
  async entriesById(memberId: string, entryIds: readonly string[]): Promise<LedgerEntryRecord[]> {
    const member = await this.members.collection.findOne(
      { _id: memberId as never },
      { projection: { outbox: 1 } },
    );
    const found = new Map<string, LedgerEntryRecord>();
    for (const entry of (member?.outbox ?? []) as LedgerEntryRecord[]) {
      if (entryIds.includes(entry.entryId)) found.set(entry.entryId, entry);
    }
    const rest = entryIds.filter((id) => !found.has(id));
    if (rest.length > 0) {
      const stored = await this.ledger.collection.find({ _id: { $in: rest as never[] } }).toArray();
      for (const { _id, ...entry } of stored as unknown as (LedgerEntryRecord & { _id: string })[]) {
        found.set(entry.entryId, entry);
      }
    }
    return entryIds.map((id) => found.get(id)).filter((e): e is LedgerEntryRecord => !!e);
  }

  private async wasApplied(member: MemberRecord, opKey: string, fresh: boolean): Promise<boolean> {
    if (member.recentOps.includes(opKey)) return true;
    if (member.outbox.some((entry) => entry.opKey === opKey)) return true;
    if (fresh) return false;
    return (await this.ledger.collection.findOne({ opKey }, { projection: { _id: 1 } })) !== null;
  }
}

/** The member document itself says the operation took effect (recent keys, or its entries not yet copied). */
function remembers(member: MemberRecord, opKey: string): boolean {
  return member.recentOps.includes(opKey) || member.outbox.some((entry) => entry.opKey === opKey);
}

/** The ledger records of one operation, numbered after the member's current revision. */
function ledgerRecords(
  member: MemberRecord,
  opKey: string,
  entries: readonly LedgerEntry[],
  context: ApplyContext,
): LedgerEntryRecord[] {
  return entries.map((entry, idx) => ({
    ...entry,
    memberId: member._id,
    opKey,
    seq: member.rev + 1,
    idx,
    storeId: context.storeId ?? null,
    programVersion: context.programVersion ?? null,
  }));
}

/** Short randomised pause between optimistic retries so racing writers spread out. */
function backoff(attempt: number): Promise<void> {
  if (attempt < 2) return Promise.resolve();
  const ceiling = Math.min(2 + attempt, 25);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
