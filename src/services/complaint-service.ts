import { isDuplicateKeyError } from '../data/duplicate-key';
import type { ComplaintRecord } from '../data/models/complaint-model';
import type { MemberRecord } from '../data/models/member-model';
import { maskMobile } from '../lib/mask';
import { newId } from '../lib/new-id';
import type { ServiceContext } from './service-context';
import type { StaffActor } from './service-feedback-service';

export interface OpenComplaintInput {
  /** The chat message that made it: a retried message records one complaint. */
  requestKey: string;
  memberId: string;
  storeId: string;
  text: string;
  recentMessages: { text: string; at: Date }[];
}

export interface ComplaintView {
  id: string;
  member: { id: string; name: string | null; mobile: string | null };
  storeId: string;
  text: string;
  recentMessages: { text: string; at: string }[];
  createdAt: string;
  handledAt: string | null;
}

export type ComplaintHandleOutcome =
  | { ok: true; duplicate: boolean; complaint: ComplaintView }
  | { ok: false; reason: 'not_found' | 'forbidden_store' };

/**
 * 投诉: members' complaints from the chat, each a staff alert for the member's store until marked
 * handled (as low post-service ratings are). Recording is keyed by the chat message, handling is
 * one conditional update, so retries and two colleagues at once change nothing twice.
 */
export class ComplaintService {
  constructor(private readonly ctx: ServiceContext) {}

  async open(input: OpenComplaintInput): Promise<{ id: string; duplicate: boolean }> {
    const { db, clock, logger } = this.ctx;
    const id = newId();
    try {
      await db.followUp.complaints.create({
        _id: id,
        requestKey: input.requestKey,
        memberId: input.memberId,
        storeId: input.storeId,
        text: input.text,
        recentMessages: input.recentMessages,
        createdAt: clock(),
        handledAt: null,
        handledBy: null,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await db.followUp.complaints
        .findOne({ requestKey: input.requestKey }, { _id: 1 })
        .lean<Pick<ComplaintRecord, '_id'>>();
      if (!existing) throw err;
      return { id: existing._id, duplicate: true };
    }
    logger.warn({ complaintId: id, storeId: input.storeId }, 'member complaint: staff alerted');
    return { id, duplicate: false };
  }

  /** Newest first; a store key sees its own store's only. */
  async list(options: {
    handled?: boolean | undefined;
    storeId?: string | undefined;
    revealMobile: boolean;
  }): Promise<ComplaintView[]> {
    const filter: Record<string, unknown> = {};
    if (options.handled !== undefined) filter.handledAt = options.handled ? { $ne: null } : null;
    if (options.storeId) filter.storeId = options.storeId;
    const records = await this.ctx.db.followUp.complaints
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(200)
      .lean<ComplaintRecord[]>();
    return this.views(records, options.revealMobile);
  }

  async markHandled(id: string, staff: StaffActor, revealMobile: boolean): Promise<ComplaintHandleOutcome> {
    const { db, clock } = this.ctx;
    const record = await db.followUp.complaints.findById(id).lean<ComplaintRecord>();
    if (!record) return { ok: false, reason: 'not_found' };
    if (staff.storeId && staff.storeId !== record.storeId) return { ok: false, reason: 'forbidden_store' };
    const update = await db.followUp.complaints.updateOne(
      { _id: id, handledAt: null },
      { $set: { handledAt: clock(), handledBy: { role: staff.role, storeId: staff.storeId ?? null } } },
    );
    const current = (await db.followUp.complaints.findById(id).lean<ComplaintRecord>()) ?? record;
    const [complaint] = await this.views([current], revealMobile);
    return { ok: true, duplicate: update.modifiedCount !== 1, complaint: complaint! };
  }

  private async views(records: ComplaintRecord[], revealMobile: boolean): Promise<ComplaintView[]> {
    const ids = [...new Set(records.map((record) => record.memberId))];
    const members = await this.ctx.db.members
      .find({ _id: { $in: ids } }, { name: 1, mobile: 1 })
      .lean<Pick<MemberRecord, '_id' | 'name' | 'mobile'>[]>();
    const byId = new Map(members.map((member) => [member._id, member]));
    return records.map((record) => {
      const member = byId.get(record.memberId);
      const mobile = member?.mobile ?? null;
      return {
        id: record._id,
        member: {
          id: record.memberId,
          name: member?.name ?? null,
          mobile: mobile && !revealMobile ? maskMobile(mobile) : mobile,
        },
        storeId: record.storeId,
        text: record.text,
        recentMessages: record.recentMessages.map((message) => ({
          text: message.text,
          at: new Date(message.at).toISOString(),
        })),
        createdAt: new Date(record.createdAt).toISOString(),
        handledAt: record.handledAt ? new Date(record.handledAt).toISOString() : null,
      };
    });
  }
}
