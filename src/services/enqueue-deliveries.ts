import type { DeliveryRecord, DeliveryStatus } from '../data/models/delivery-model';
import {
  type DeliveryRequest,
  type DeliveryRequestInput,
  deliveryRequestSchema,
} from '../delivery/delivery-request';
import type { ServiceContext } from './service-context';

export type EnqueueOutcome =
  | { ok: true; status: 'enqueued'; key: string }
  | { ok: true; status: 'duplicate'; key: string; current: DeliveryStatus }
  | { ok: false; reason: 'invalid_request'; issues: string[] };

/** What bulk enqueuing needs of the `delivery` queue (`DeliveryJobs` has it). */
export interface DeliveryJobAdder {
  addMany(items: readonly { key: string; round: number; delayMs: number }[]): Promise<void>;
}

/**
 * `DeliveryService.enqueue` for many messages at once (a campaign page): each request validated,
 * the new records written by one unordered `insertMany` (a duplicate key is a message recorded
 * before: skipped, the rest still written), and their jobs added by one `addBulk`. A duplicate
 * still `queued` at its round gets its job again — that is a record whose job a crash kept from
 * being added (between the insert and the add) — and BullMQ ignores the add when the job exists,
 * so a repeated page adds nothing twice. Outcomes are in the order of `inputs`.
 */
export async function enqueueDeliveries(
  ctx: ServiceContext,
  jobs: DeliveryJobAdder,
  inputs: readonly DeliveryRequestInput[],
): Promise<EnqueueOutcome[]> {
  const outcomes: EnqueueOutcome[] = new Array(inputs.length);
  const now = ctx.clock();
  const records: { index: number; record: DeliveryRecord }[] = [];
  inputs.forEach((input, index) => {
    const parsed = deliveryRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'text'}: ${i.message}`);
      outcomes[index] = { ok: false, reason: 'invalid_request', issues };
      return;
    }
    records.push({ index, record: newDeliveryRecord(parsed.data, now) });
  });
  if (records.length === 0) return outcomes;

  const deliveries = ctx.db.delivery.deliveries.collection;
  const duplicates = new Set<number>();
  try {
    await deliveries.insertMany(
      records.map(({ record }) => record as never),
      { ordered: false },
    );
  } catch (err) {
    const writeErrors = duplicateWriteErrors(err);
    if (!writeErrors) throw err;
    for (const position of writeErrors) duplicates.add(position);
  }

  const toAdd: { key: string; round: number; delayMs: number }[] = [];
  const existing = duplicates.size
    ? await deliveries
        .find(
          { _id: { $in: [...duplicates].map((position) => records[position]!.record._id) as never[] } },
          { projection: { status: 1, round: 1 } },
        )
        .toArray()
    : [];
  const current = new Map(
    existing.map((doc) => [String(doc._id), doc as unknown as Pick<DeliveryRecord, 'status' | 'round'>]),
  );
  records.forEach(({ index, record }, position) => {
    const key = record._id;
    if (!duplicates.has(position)) {
      toAdd.push({ key, round: 0, delayMs: 0 });
      outcomes[index] = { ok: true, status: 'enqueued', key };
      return;
    }
    const found = current.get(key);
    if (found?.status === 'queued') toAdd.push({ key, round: found.round, delayMs: 0 });
    outcomes[index] = { ok: true, status: 'duplicate', key, current: found?.status ?? 'queued' };
  });
  // Should this fail (Redis away), the records stay `queued`: a repeat of the page adds their jobs,
  // and the recovery sweep does for records left so.
  await jobs.addMany(toAdd);
  return outcomes;
}

/** A new `queued` record with every field set (the raw driver applies no schema defaults). */
export function newDeliveryRecord(request: DeliveryRequest, now: Date): DeliveryRecord {
  return {
    _id: request.key,
    memberId: request.memberId,
    category: request.category,
    kind: request.kind,
    text: request.text,
    genericText: request.genericText,
    template: request.template,
    values: request.values,
    expiresAt: request.expiresAt,
    status: 'queued',
    reason: null,
    deferredUntil: null,
    channel: null,
    sentText: null,
    msgId: null,
    errcode: null,
    errmsg: null,
    attempts: 0,
    round: 0,
    sendingSince: null,
    sendingJob: null,
    claimedBy: null,
    sendStartedAt: null,
    sentAt: null,
    ...(request.recipientOpenid ? { recipientOpenid: request.recipientOpenid } : {}),
    ...(request.test ? { test: true } : {}),
    ...(request.bonus ? { bonus: request.bonus, bonusState: 'due' as const } : {}),
    createdAt: now,
    updatedAt: now,
  };
}

/** Positions of the documents an unordered `insertMany` refused as duplicates; null for any other error. */
function duplicateWriteErrors(err: unknown): number[] | null {
  const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length === 0) return null;
  const positions: number[] = [];
  for (const entry of list as { index?: unknown; code?: unknown; err?: { code?: unknown } }[]) {
    if ((entry.code ?? entry.err?.code) !== 11000 || typeof entry.index !== 'number') return null;
    positions.push(entry.index);
  }
  return positions;
}
