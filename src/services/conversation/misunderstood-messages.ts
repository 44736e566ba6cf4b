import type { Misread } from '../../conversation/run-step';
import type { MisunderstoodMessageRecord } from '../../data/models/misunderstood-message-model';
import { isDuplicateKeyError } from '../../data/duplicate-key';
import { maskChatText } from '../../lib/mask-chat-text';
import type { ServiceContext } from '../service-context';

/** How long a misunderstood message is kept unless configured (`MISUNDERSTOOD_KEEP_DAYS`). */
export const DEFAULT_MISUNDERSTOOD_KEEP_DAYS = 90;
const DAY_MS = 86_400_000;
/** Expired records are deleted at most this often by a process (MongoDB's TTL index does it too). */
const PURGE_EVERY_MS = 3_600_000;

export interface MisunderstoodMessage {
  id: string;
  text: string;
  kind: MisunderstoodMessageRecord['kind'];
  at: string;
  storeId: string | null;
  closest: { intent: string; score: number }[];
}

export interface MisunderstoodQuery {
  since?: Date | undefined;
  storeId?: string | undefined;
  limit: number;
}

/**
 * Messages the assistant did not understand (issue 15 §7), masked on the way in and kept for
 * `keepDays`, so staff can read them and label them into `src/conversation/intents/examples/`.
 * Keeping them never gets in the member's way: a failed write is logged, not thrown.
 */
export class MisunderstoodMessages {
  private lastPurge = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly keepDays: number = DEFAULT_MISUNDERSTOOD_KEEP_DAYS,
  ) {}

  async record(
    notes: readonly Misread[] | undefined,
    messageId: string,
    member: { homeStoreId: string } | null,
  ): Promise<void> {
    if (!notes?.length) return;
    const at = this.ctx.clock();
    const expiresAt = new Date(at.getTime() + this.keepDays * DAY_MS);
    try {
      for (const note of notes) {
        const record: MisunderstoodMessageRecord = {
          _id: `${messageId}:${note.kind}`,
          text: maskChatText(note.text).slice(0, 500),
          kind: note.kind,
          at,
          storeId: member?.homeStoreId ?? null,
          closest: note.closest.map(({ intent, score }) => ({
            intent,
            score: Math.round(score * 1000) / 1000,
          })),
          expiresAt,
        };
        await this.ctx.db.misunderstood.create(record).catch((err: unknown) => {
          // A re-delivered message (its replies were not remembered) is kept once.
          if (!isDuplicateKeyError(err)) throw err;
        });
      }
      await this.purgeExpired(at);
    } catch (err) {
      this.ctx.logger.warn({ err }, 'could not keep a misunderstood message for review');
    }
  }

  /** Newest first, only those not yet expired. */
  async list(query: MisunderstoodQuery): Promise<MisunderstoodMessage[]> {
    const now = this.ctx.clock();
    const records = await this.ctx.db.misunderstood
      .find({
        expiresAt: { $gt: now },
        ...(query.since ? { at: { $gte: query.since } } : {}),
        ...(query.storeId ? { storeId: query.storeId } : {}),
      })
      .sort({ at: -1, _id: 1 })
      .limit(query.limit)
      .lean<MisunderstoodMessageRecord[]>();
    return records.map((record) => ({
      id: record._id,
      text: record.text,
      kind: record.kind,
      at: new Date(record.at).toISOString(),
      storeId: record.storeId,
      closest: record.closest,
    }));
  }

  private async purgeExpired(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    // The embedded MongoDB-wire server keeps TTL indexes but does not expire documents itself.
    await this.ctx.db.misunderstood.deleteMany({ expiresAt: { $lte: now } });
  }
}
