import { isDuplicateKeyError } from '../data/duplicate-key';
import type { CallbackRequestRecord } from '../data/models/callback-request-model';
import type { MemberRecord } from '../data/models/member-model';
import { maskMobile } from '../lib/mask';
import { newId } from '../lib/new-id';
import type { ServiceContext } from './service-context';
import type { StaffActor } from './service-feedback-service';

export interface OpenCallbackInput {
  /** The chat message that asked for it: a retried message records one request. */
  requestKey: string;
  /** An alert about the member for staff to follow up, rather than the member's request. */
  kind?: 'request' | 'rebind_alert';
  memberId: string;
  storeId: string;
  note: string | null;
  recentMessages: { text: string; at: Date }[];
}

export interface CallbackView {
  id: string;
  kind: 'request' | 'rebind_alert';
  member: { id: string; name: string | null; mobile: string | null };
  storeId: string;
  note: string | null;
  recentMessages: { text: string; at: string }[];
  status: 'open' | 'done';
  createdAt: string;
  doneAt: string | null;
}

export type DoneOutcome =
  | { ok: true; duplicate: boolean; callback: CallbackView }
  | { ok: false; reason: 'not_found' | 'forbidden_store' };

/** 人工: members' callback requests (and alerts about members), for staff to call back and close. */
export class CallbackService {
  constructor(private readonly ctx: ServiceContext) {}

  async open(input: OpenCallbackInput): Promise<{ id: string; duplicate: boolean }> {
    const { db, clock } = this.ctx;
    const id = newId();
    try {
      await db.followUp.callbacks.create({
        _id: id,
        requestKey: input.requestKey,
        kind: input.kind ?? 'request',
        memberId: input.memberId,
        storeId: input.storeId,
        note: input.note,
        recentMessages: input.recentMessages,
        status: 'open',
        createdAt: clock(),
        doneAt: null,
        doneBy: null,
      });
      return { id, duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await db.followUp.callbacks
        .findOne({ requestKey: input.requestKey }, { _id: 1 })
        .lean<Pick<CallbackRequestRecord, '_id'>>();
      if (!existing) throw err;
      return { id: existing._id, duplicate: true };
    }
  }

  /** Oldest first (who has waited longest); a store key sees its own store's only. */
  async list(options: {
    status: 'open' | 'done';
    storeId?: string | undefined;
    revealMobile: boolean;
  }): Promise<CallbackView[]> {
    const records = await this.ctx.db.followUp.callbacks
      .find({ status: options.status, ...(options.storeId ? { storeId: options.storeId } : {}) })
      .sort({ createdAt: options.status === 'open' ? 1 : -1 })
      .limit(200)
      .lean<CallbackRequestRecord[]>();
    return this.views(records, options.revealMobile);
  }

  async done(id: string, staff: StaffActor, revealMobile: boolean): Promise<DoneOutcome> {
    const { db, clock } = this.ctx;
    const record = await db.followUp.callbacks.findById(id).lean<CallbackRequestRecord>();
    if (!record) return { ok: false, reason: 'not_found' };
    if (staff.storeId && staff.storeId !== record.storeId) return { ok: false, reason: 'forbidden_store' };
    const update = await db.followUp.callbacks.updateOne(
      { _id: id, status: 'open' },
      {
        $set: {
          status: 'done',
          doneAt: clock(),
          doneBy: { role: staff.role, storeId: staff.storeId ?? null },
        },
      },
    );
    const current = (await db.followUp.callbacks.findById(id).lean<CallbackRequestRecord>()) ?? record;
    const [callback] = await this.views([current], revealMobile);
    return { ok: true, duplicate: update.modifiedCount !== 1, callback: callback! };
  }

  private async views(records: CallbackRequestRecord[], revealMobile: boolean): Promise<CallbackView[]> {
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
        kind: record.kind ?? 'request',
        member: {
          id: record.memberId,
          name: member?.name ?? null,
          mobile: mobile && !revealMobile ? maskMobile(mobile) : mobile,
        },
        storeId: record.storeId,
        note: record.note,
        recentMessages: record.recentMessages.map((message) => ({
          text: message.text,
          at: new Date(message.at).toISOString(),
        })),
        status: record.status,
        createdAt: new Date(record.createdAt).toISOString(),
        doneAt: record.doneAt ? new Date(record.doneAt).toISOString() : null,
      };
    });
  }
}
