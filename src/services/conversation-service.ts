import type { Redis } from 'ioredis';
import { allFlows } from '../../flows';
import { runtimeCopy, welcomeCopy } from '../../flows/copy/zh-CN';
import { type InboundMessage, inboundMessageSchema } from '../channels/inbound-message';
import { ConversationTurns, type SessionWrite } from '../conversation/conversation-turns';
import type { Effect, EffectResult, EffectResults } from '../conversation/effect';
import { matchClickKey } from '../conversation/intents/match-intent';
import { parseRating, RATING_SCALE_LIMIT } from '../conversation/parse-rating';
import type { Reply } from '../conversation/reply';
import { type RunContext, runStep, SESSION_TIMEOUT_MS, type StepInput } from '../conversation/run-step';
import type { Session } from '../conversation/session';
import { SessionStore } from '../conversation/session-store';
import type { MemberRecord } from '../data/models/member-model';
import { explainEntry } from '../rules/explain-entry';
import { programFacts } from '../rules/program-facts';
import { referralTerms } from '../rules/referral-terms';
import { localDateOf } from '../rules/zoned-time';
import { chatCatalogue } from './chat-catalogue';
import { BookingEffects } from './conversation/booking-effects';
import { loadBenefits } from './conversation/benefits-effects';
import { ChatEnrolment } from './chat-enrolment';
import { recordComplaint } from './conversation/complaint-effects';
import { storeContact } from './conversation/store-contact';
import { intentModel } from './intent-examples';
import { MarketingConsentService } from './marketing-consent-service';
import { MemberCarService } from './member-car-service';
import { memberView } from './member-view';
import { RecentMessages } from './recent-messages';
import type { RedeemFailure } from './redemption-service';
import { openReferralFromScene } from './referral-welcome';
import type { Services } from './services';
import type { SmsSender } from './sms/sms-sender';
import { SmsCodeService } from './sms-code-service';
import { effectiveState } from './voucher-service';

export interface ConversationDeps {
  services: Services;
  redis: Redis;
  /** null when no sender is configured: sign-up then says SMS is unavailable. */
  smsSender: SmsSender | null;
}

/** What the message being handled for a chat user has read and will leave of the session. */
interface TurnState {
  session: Session | null;
  write: SessionWrite;
  memberId: string | null;
}

/** Replies of a handled message are kept this long, so a re-delivery gets them again unchanged. */
const REPLY_MEMO_SECONDS = 600;
/** Effects one message may chain (send code → …); a flow needing more is a bug. */
const MAX_EFFECTS = 10;

const REDEEM_FAILURES: Record<Exclude<RedeemFailure['reason'], 'insufficient_points'>, string> = {
  member_not_found: '没有找到您的会员账号',
  reward_not_found: '这个礼品已经不在了',
  inactive: '这个礼品已下架',
  out_of_stock: '这个礼品已经兑完了',
  request_conflict: '请求重复了，请重新选择',
  in_progress: '上一笔兑换还在处理中，请稍后再试',
  store_not_allowed: '这个礼品只能在指定门店兑换',
  tier_too_low: '这个礼品需要更高的会员等级',
  limit_reached: '您已达到这个礼品的兑换次数上限',
};

/**
 * The single entry point of member conversations: `handle(inbound)` → the replies to send.
 * Channels (the WeChat queue consumer, the simulator, any Wechaty puppet) call it and render the
 * replies; it finds the member by the chat user id, runs the pure step (`runStep`), carries out
 * the effects the flow declares through the services, and saves the session. Messages of one chat
 * user run one at a time (Redis lock) and in arrival order within a process.
 */
export class ConversationService {
  private readonly sessions: SessionStore;
  private readonly turns: ConversationTurns;
  /**
   * Per chat user key, the message being handled (one at a time per key in this process): the
   * session its turn read, and what it leaves of it (written when the turn finishes).
   */
  private readonly current = new Map<string, TurnState>();
  /** Members (by id) as read at the start of their message, until an effect may change them. */
  private readonly freshMembers = new Map<string, MemberRecord>();
  private readonly signup: ChatEnrolment;
  private readonly marketing: MarketingConsentService;
  private readonly cars: MemberCarService;
  /** The member's last few messages, for 人工 callback requests. */
  private readonly recent: RecentMessages;
  readonly smsCodes: SmsCodeService;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ConversationDeps) {
    const { services, redis } = deps;
    this.sessions = new SessionStore(redis);
    this.turns = new ConversationTurns(redis, {
      leaseMs: 15_000,
      waitMs: 20_000,
      memoSeconds: REPLY_MEMO_SECONDS,
    });
    this.marketing = new MarketingConsentService(services);
    this.cars = new MemberCarService(services);
    this.smsCodes = new SmsCodeService(services, redis, deps.smsSender);
    this.signup = new ChatEnrolment(services, this.smsCodes);
    this.recent = new RecentMessages(redis);
  }

  /** Handles one member action (validated here) and returns the replies, in order. */
  async handle(inbound: InboundMessage): Promise<Reply[]> {
    const message = inboundMessageSchema.parse(inbound);
    const key = `${message.channel}:${message.accountId}:${message.userId}`;
    return this.inArrivalOrder(key, () => this.once(key, message));
  }

  /** Chains calls per chat user in this process, so they take the Redis lock in arrival order. */
  private inArrivalOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  /**
   * One message as a turn (`ConversationTurns`): remembered replies of a re-delivery, or under
   * the chat user's lock with the session read in the same round trip; the session write, the
   * replies and the lock release go back in one round trip too. A failed message writes nothing.
   */
  private async once(key: string, message: InboundMessage): Promise<Reply[]> {
    const start = await this.turns.begin(key, message.id);
    if (start.kind === 'memo') return start.replies;
    const { turn } = start;
    const state: TurnState = { session: turn.session, write: { kind: 'keep' }, memberId: null };
    this.current.set(key, state);
    let replies: Reply[];
    try {
      replies = await this.process(key, message);
    } catch (err) {
      await this.turns.finish(key, message.id, turn, { kind: 'keep' }, null).catch(() => undefined);
      throw err;
    } finally {
      this.current.delete(key);
      if (state.memberId) this.freshMembers.delete(state.memberId);
    }
    if (!(await this.turns.finish(key, message.id, turn, state.write, replies))) {
      // Only possible when the lock's lease ran out mid-message: the newer session wins.
      this.deps.services.logger.warn(
        { key },
        'conversation session changed concurrently; kept the newer one',
      );
    }
    return replies;
  }

  /** The member read at the start of the current turn, for effects that only read it. */
  private remember(key: string, member: MemberRecord | null): void {
    const state = this.current.get(key);
    if (!state || !member) return;
    state.memberId = member._id;
    this.freshMembers.set(member._id, member);
  }

  /** The session the current turn read (the store's, outside a turn). */
  private async readSession(key: string): Promise<Session | null> {
    const state = this.current.get(key);
    return state ? state.session : this.sessions.load(key);
  }

  /** What the current turn leaves of the session, written when it finishes. */
  private async writeSession(key: string, write: SessionWrite): Promise<void> {
    const state = this.current.get(key);
    if (state) state.write = write;
    else if (write.kind === 'delete') await this.sessions.delete(key);
    else if (write.kind === 'save') await this.sessions.save(key, write.session);
  }

  private async process(key: string, message: InboundMessage): Promise<Reply[]> {
    const { content } = message;
    // The member behind this chat user, read once per message: every step below starts from it
    // (effects that create or erase a member happen after these reads).
    const report = content.type === 'delivery_report' || content.type === 'mass_send_report';
    const member = report ? null : await this.deps.services.links.findByOpenid(message.userId);
    this.remember(key, member);
    await this.noteForDelivery(message, member);
    switch (content.type) {
      case 'follow':
        return this.onFollow(key, message.userId, content.scene, member);
      case 'scan':
        return this.onScan(message.userId, content.scene, member);
      case 'unfollow':
        await this.deps.services.links.unlinkOpenid(message.userId);
        await this.writeSession(key, { kind: 'delete' });
        return [];
      case 'menu_click': {
        const intent = matchClickKey(content.key);
        return this.converse(
          key,
          message,
          member,
          intent ? { type: 'intent', intent } : { type: 'text', text: content.key },
        );
      }
      case 'text':
        return this.converse(key, message, member, { type: 'text', text: content.text });
      case 'voice': {
        const { recognition: text } = content;
        return this.converse(key, message, member, text ? { type: 'text', text } : { type: 'voice' });
      }
      case 'image':
        return this.converse(key, message, member, content);
      case 'link':
        // No flow takes a link: a waiting question is asked again, else the menu hint.
        return this.converse(key, message, member, { type: 'text', text: '' });
      case 'location_received':
      case 'menu_view':
      case 'delivery_report':
      case 'mass_send_report':
        return [];
    }
  }

  /**
   * Tells delivery what WeChat's outbound rules depend on (WECHAT.md §4): a member's message,
   * follow, scan or menu click opens the 48-hour customer-service window; an unfollow stops
   * messages; a template delivery report closes the loop on that send.
   */
  private async noteForDelivery(message: InboundMessage, member: MemberRecord | null): Promise<void> {
    const { content } = message;
    const { delivery } = this.deps.services;
    if (content.type === 'delivery_report') {
      const status = { delivered: 'success', blocked: 'failed:user block', failed: 'failed: system failed' }[
        content.status
      ];
      await delivery.noteTemplateFinished(content.sentMessageId, status);
      return;
    }
    if (content.type === 'mass_send_report') {
      const { sentMessageId: msgId, status, totalCount, filterCount, sentCount, errorCount } = content;
      await this.deps.services.massSend.noteFinished({
        msgId,
        status,
        totalCount,
        filterCount,
        sentCount,
        errorCount,
      });
      return;
    }
    if (content.type === 'location_received' || content.type === 'menu_view') return;
    if (!member) return;
    const at = new Date(message.sentAt);
    if (content.type === 'unfollow') await delivery.noteUnfollowed(member._id, at);
    else await delivery.noteInbound(member._id, at);
  }

  private async onFollow(
    key: string,
    userId: string,
    scene: string | null,
    member: MemberRecord | null,
  ): Promise<Reply[]> {
    await this.writeSession(key, { kind: 'delete' });
    if (member) return [{ text: welcomeCopy.member(member.name) }];
    const { services } = this.deps;
    const referred = await openReferralFromScene(services, userId, scene);
    const timeZone = services.program.current().timezone;
    return [{ text: referred ? welcomeCopy.referredFollow(referred, timeZone) : welcomeCopy.newcomer }];
  }

  private async onScan(userId: string, scene: string, member: MemberRecord | null): Promise<Reply[]> {
    if (member) return [{ text: welcomeCopy.member(member.name) }];
    const { services } = this.deps;
    const referred = await openReferralFromScene(services, userId, scene);
    const timeZone = services.program.current().timezone;
    return [{ text: referred ? welcomeCopy.referredScan(referred, timeZone) : welcomeCopy.newcomer }];
  }

  private async converse(
    key: string,
    message: InboundMessage,
    member: MemberRecord | null,
    input: StepInput,
  ): Promise<Reply[]> {
    const { services } = this.deps;
    const now = services.clock();
    const program = services.program.current();
    const timeZone = program.timezone;
    const ctx: RunContext = {
      member: member ? { id: member._id, name: member.name } : null,
      timeZone,
      today: localDateOf(now, timeZone),
      stores: program.stores,
      messageId: message.id,
      ...(input.type === 'text' ? { text: input.text } : {}),
      flows: allFlows,
      copy: runtimeCopy,
      classify: (text) => intentModel().classify(text),
    };
    if (member && input.type === 'text') await this.recent.note(member._id, input.text, now);
    const session = await this.withRatingFlow(await this.readSession(key), input, ctx, now);
    let step = runStep(session, input, ctx, now);
    await services.misunderstood.record(step.misread, message.id, member);
    if (!member && step.replies.some((reply) => reply.text === runtimeCopy.membersOnly)) {
      // Looked up only when it matters: the account's membership may have moved to another WeChat.
      const movedAwayAt = await services.links.movedAwayAt(message.userId);
      if (movedAwayAt)
        step = runStep(session, input, { ...ctx, movedAwayAt: movedAwayAt.toISOString() }, now);
    }
    const replies = [...step.replies];
    let erased = false;
    for (let hops = 0; step.effects.length > 0; hops++) {
      if (hops >= MAX_EFFECTS) throw new Error(`flow chained more than ${MAX_EFFECTS} effects`);
      const effect = step.effects[0]!;
      const result = await this.perform(effect, ctx.member?.id ?? null, message.userId);
      erased ||= effect.type === 'erase';
      step = runStep(step.session, { type: 'effect_result', result }, ctx, now);
      replies.push(...step.replies);
    }
    if (erased && ctx.member) await this.recent.forget(ctx.member.id);
    const { flow, suspended, choices, misses } = step.session;
    const ended = erased || (!flow && !suspended && !choices && !misses);
    await this.writeSession(key, ended ? { kind: 'delete' } : { kind: 'save', session: step.session });
    return replies;
  }

  /** Carries out one effect through the services and answers in the shape the flow expects. */
  private async perform(effect: Effect, memberId: string | null, userId: string): Promise<EffectResult> {
    // Only reading effects may use the member as the message found it.
    if (memberId && !effect.type.startsWith('load_')) this.freshMembers.delete(memberId);
    switch (effect.type) {
      case 'send_sms_code':
        return { type: effect.type, value: await this.smsCodes.send(effect.mobile) };
      case 'verify_sms_code':
        return { type: effect.type, value: await this.smsCodes.verify(effect.mobile, effect.code, userId) };
      case 'rebind_member':
        return { type: effect.type, value: await this.signup.rebind(effect.mobile, userId) };
      case 'enrol':
        return { type: effect.type, value: await this.signup.enrol(effect.form, userId) };
      case 'load_store_contact': {
        const { id: _id, ...contact } = await storeContact(this.deps.services, memberId);
        return { type: effect.type, value: contact };
      }
      case 'load_program_facts':
        return { type: effect.type, value: programFacts(this.deps.services.program.current()) };
    }
    // Every other effect acts for the member the runtime already checked is there.
    if (!memberId) throw new Error(`effect ${effect.type} needs a member`);
    const { services } = this.deps;
    switch (effect.type) {
      case 'load_balance':
        return { type: effect.type, value: await this.balance(memberId) };
      case 'load_benefits':
        return { type: effect.type, value: await loadBenefits(services, memberId) };
      case 'load_history': {
        const timeZone = services.program.current().timezone;
        const entries = await services.db.memberStore.ledgerOf(memberId, {
          limit: effect.limit,
          newestFirst: true,
        });
        const value = entries.map((entry) => ({
          at: new Date(entry.at).toISOString(),
          points: entry.points,
          explanation: explainEntry(entry, timeZone),
        }));
        return { type: effect.type, value: { entries: value } };
      }
      case 'load_referral': {
        const summary = await services.referrals.referralSummary(memberId);
        if (!summary) throw new Error(`member ${memberId} vanished`);
        const { code, scene, friendsJoined, pointsEarned, rewardedThisYear } = summary;
        const terms = referralTerms(services.program.current());
        return {
          type: effect.type,
          value: { code, scene, friendsJoined, pointsEarned, rewardedThisYear, terms },
        };
      }
      case 'set_marketing': {
        const outcome = await this.marketing.setMarketing(memberId, effect.optIn, 'chat');
        return { type: effect.type, value: { changed: outcome.ok && outcome.changed } };
      }
      case 'erase':
        await services.erasure.erase(memberId, { channel: 'chat' });
        return { type: effect.type, value: { ok: true } };
      case 'load_catalogue': {
        const member = await this.activeMember(memberId);
        return { type: effect.type, value: await chatCatalogue(services, member, services.clock()) };
      }
      case 'redeem':
        return { type: effect.type, value: await this.redeem(memberId, effect.rewardId, effect.requestId) };
      case 'load_car':
        return { type: effect.type, value: { car: await this.cars.car(memberId) } };
      case 'update_car':
        return {
          type: effect.type,
          value: { car: await this.cars.update(memberId, effect.field, effect.value) },
        };
      case 'open_missing_report': {
        const outcome = await services.missingPoints.open({
          memberId,
          date: effect.date,
          amountFen: effect.amountFen,
          storeId: effect.storeId,
          invoiceUrl: effect.invoice?.imageUrl ?? null,
          invoiceMediaId: effect.invoice?.mediaId ?? null,
          service: effect.service ?? null,
          channel: 'chat',
        });
        if (!outcome.ok) throw new Error(`member ${memberId} vanished`);
        return { type: effect.type, value: { reportId: outcome.report.id } };
      }
      case 'record_rating': {
        const max = services.program.current().care.postService.maxRating;
        if (effect.rating > max)
          return { type: effect.type, value: { ok: false, reason: 'out_of_range', max } };
        return { type: effect.type, value: await services.feedback.recordRating(memberId, effect.rating) };
      }
      case 'record_feedback_comment':
        return {
          type: effect.type,
          value: await services.feedback.recordComment(memberId, effect.feedbackId, effect.comment),
        };
      case 'request_callback':
        await this.requestCallback(memberId, effect.note, effect.requestId);
        return { type: effect.type, value: { ok: true } };
      case 'record_complaint':
        return { type: effect.type, value: await recordComplaint(services, this.recent, memberId, effect) };
      case 'load_booking_options':
      case 'load_booking_days':
      case 'book':
      case 'load_my_bookings':
      case 'move_booking':
      case 'cancel_booking':
        return new BookingEffects(services).perform(effect, memberId);
    }
  }

  /**
   * A rating (5, 五, 5分, 五星) from a member with an open post-service question answers it, even
   * though `5` is also a menu number: the rating flow is entered at its question and the message
   * handed to it. Not while another flow is waiting for an answer (its question comes first).
   * An out-of-range one (6分, 10) answers an unanswered question too, which then says the range,
   * rather than being taken for a menu number.
   */
  private async withRatingFlow(
    session: Session | null,
    input: StepInput,
    ctx: RunContext,
    now: Date,
  ): Promise<Session | null> {
    if (!ctx.member || input.type !== 'text') return session;
    const { services } = this.deps;
    const rating = parseRating(input.text, RATING_SCALE_LIMIT);
    if (rating === null) return session;
    const busy = session?.flow && now.getTime() - Date.parse(session.updatedAt) <= SESSION_TIMEOUT_MS;
    if (busy) return session;
    const state = await services.feedback.ratingState(ctx.member.id);
    const inRange = rating <= services.program.current().care.postService.maxRating;
    if (state === null || (!inRange && state !== 'unanswered')) return session;
    return runStep(session, { type: 'intent', intent: 'rate_service' }, ctx, now).session;
  }

  private async requestCallback(memberId: string, note: string | null, requestId: string): Promise<void> {
    const { services } = this.deps;
    const member = await services.db.members
      .findById(memberId, { homeStoreId: 1 })
      .lean<Pick<MemberRecord, 'homeStoreId'>>();
    if (!member) throw new Error(`member ${memberId} vanished`);
    await services.callbacks.open({
      requestKey: `chat:${requestId}`,
      memberId,
      storeId: member.homeStoreId,
      note,
      recentMessages: await this.recent.read(memberId),
    });
  }

  /** The member as this message found them, else read afresh. */
  private async activeMember(memberId: string): Promise<MemberRecord> {
    const member =
      this.freshMembers.get(memberId) ??
      (await this.deps.services.db.members.findOne({ _id: memberId, status: 'active' }).lean<MemberRecord>());
    if (!member) throw new Error(`member ${memberId} vanished`);
    return member;
  }

  private async balance(memberId: string): Promise<EffectResults['load_balance']> {
    const { services } = this.deps;
    const member = await this.activeMember(memberId);
    const now = services.clock();
    const view = memberView(member, now, services.program.current(), false);
    const vouchers = (await services.vouchers.listForMember(memberId, 'issued'))
      .filter((voucher) => effectiveState(voucher, now) === 'issued')
      .map((voucher) => ({
        name: voucher.name,
        code: voucher.code,
        expiresAt: new Date(voucher.expiresAt).toISOString(),
      }));
    return {
      available: view.balance.available,
      pending: view.balance.pending,
      expiringIn30Days: view.balance.expiringIn30Days,
      tierName: view.tier.name,
      next: view.tier.next ? { name: view.tier.next.name, pointsToGo: view.tier.next.pointsToGo } : null,
      freeMaintenance: view.tier.freeMaintenance,
      vouchers,
    };
  }

  private async redeem(
    memberId: string,
    rewardId: string,
    requestId: string,
  ): Promise<EffectResults['redeem']> {
    const outcome = await this.deps.services.redemptions.redeem({
      memberId,
      rewardId,
      requestId,
      storeId: null,
    });
    if (outcome.ok) {
      const { result } = outcome;
      return {
        ok: true,
        rewardName: result.rewardName,
        code: result.voucher.code,
        expiresAt: result.voucher.expiresAt,
        available: result.balance.available,
      };
    }
    if (outcome.reason === 'insufficient_points')
      return { ok: false, reason: 'insufficient_points', missing: outcome.missing };
    return { ok: false, reason: 'unavailable', message: REDEEM_FAILURES[outcome.reason] };
  }
}
