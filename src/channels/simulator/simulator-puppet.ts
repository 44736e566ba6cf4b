import { randomUUID } from 'node:crypto';
import * as PUPPET from 'wechaty-puppet';
import { type mock, PuppetMock } from 'wechaty-puppet-mock';
import type { Clock } from '../../lib/clock';
import { systemClock } from '../../lib/clock';
import { encodeChannelEvent } from '../channel-event';
import type { HandledOutcome } from '../conversation-plugin';
import type { InboundContent } from '../inbound-message';
import { KeyedSequencer } from '../keyed-sequencer';

/** One line of a simulated chat, as the simulator page shows it. */
export interface SimulatorLine {
  /** Increasing per puppet: the page polls for lines after the last one it has. */
  seq: number;
  from: 'member' | 'assistant';
  text: string;
  at: string;
}

export interface SimulatorPuppetOptions {
  /** The assistant's id, the bot's own contact. */
  assistantId?: string;
  clock?: Clock;
  /** How long `say` and `act` wait for the bot to handle the member's action. */
  handleTimeoutMs?: number;
  /** Lines kept per member (oldest dropped first). */
  maxLinesPerMember?: number;
}

/** Member keys are chosen by the page (and shown in URLs), so they are kept plain. */
const MEMBER_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The simulator channel: a Wechaty mock puppet whose members are driven by the simulator page.
 * `say` is a member typing, `act` any other member action (a follow through a referral QR, a menu
 * click…), carried like the official-account puppet carries it, so the same plugin answers both.
 * Each call resolves with the assistant's replies to it once the bot has handled it; the chat of
 * every member is also kept in memory for the page to poll. A member's actions are handled one at
 * a time, in order.
 */
export class SimulatorPuppet extends PuppetMock {
  readonly assistantId: string;
  private readonly clock: Clock;
  private readonly contacts = new Map<string, mock.ContactMock>();
  private readonly lines = new Map<string, SimulatorLine[]>();
  private readonly pending = new Map<string, (outcome: HandledOutcome) => void>();
  private readonly sequencer = new KeyedSequencer();
  private seq = 0;

  constructor(private readonly sim: SimulatorPuppetOptions = {}) {
    super();
    this.assistantId = sim.assistantId ?? 'simulator_assistant';
    this.clock = sim.clock ?? systemClock;
  }

  override name(): string {
    return 'chezhu-simulator-puppet';
  }

  override async onStart(): Promise<void> {
    await super.onStart();
    this.mocker.createContact({ id: this.assistantId, name: '会员助手' });
    this.login(this.assistantId);
  }

  /** The member typed `text`; resolves with the assistant's replies to it. */
  say(memberKey: string, text: string): Promise<SimulatorLine[]> {
    return this.perform(memberKey, text, () => this.send(memberKey, PUPPET.types.Message.Text, () => text));
  }

  /** The member followed the account, through a referral QR code when `scene` is set (`ref_<code>`). */
  follow(memberKey: string, scene: string | null): Promise<SimulatorLine[]> {
    return this.act(memberKey, { type: 'follow', scene });
  }

  /** Any other member action, e.g. `{ type: 'menu_click', key: 'POINTS' }`. */
  act(memberKey: string, content: InboundContent): Promise<SimulatorLine[]> {
    return this.perform(memberKey, null, () =>
      this.send(memberKey, PUPPET.types.Message.Unknown, (id, userId) =>
        encodeChannelEvent({
          id,
          channel: 'simulator',
          accountId: this.assistantId,
          userId,
          channelMessageId: null,
          sentAt: this.clock().toISOString(),
          content,
        }),
      ),
    );
  }

  /**
   * A message the account pushes to a member (care, campaign, a staff decision), not a reply: it
   * appears in the member's chat like WeChat shows a customer-service or template message. False
   * when the contact id is not one of the simulator's members.
   */
  push(contactId: string, text: string): boolean {
    const memberKey = contactId.startsWith('sim_') ? contactId.slice(4) : null;
    if (memberKey === null || !MEMBER_KEY.test(memberKey)) return false;
    this.record(memberKey, 'assistant', text);
    return true;
  }

  /** The member's chat after line `afterSeq` (all of it by default). */
  chat(memberKey: string, afterSeq = 0): SimulatorLine[] {
    return (this.lines.get(memberKey) ?? []).filter((line) => line.seq > afterSeq);
  }

  /** The contact id the bot sees for a member key. */
  memberId(memberKey: string): string {
    return `sim_${memberKey}`;
  }

  /** The bot finished with a message (wired to the conversation plugin's `onHandled`). */
  acknowledge(messageId: string, outcome: HandledOutcome): void {
    this.pending.get(messageId)?.(outcome);
  }

  private perform(memberKey: string, said: string | null, send: () => string): Promise<SimulatorLine[]> {
    if (!MEMBER_KEY.test(memberKey)) return Promise.reject(new Error(`invalid member key "${memberKey}"`));
    return this.sequencer.run(memberKey, async () => {
      if (said !== null) this.record(memberKey, 'member', said);
      const before = this.seq;
      const timeoutMs = this.sim.handleTimeoutMs ?? 15_000;
      let messageId = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(messageId);
          reject(new Error(`the assistant did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const settle = (outcome: HandledOutcome) => {
          clearTimeout(timer);
          this.pending.delete(messageId);
          if (outcome.ok) resolve();
          else reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
        };
        // The id is known only once the mock created the message, and the bot handles it later
        // (Wechaty loads payloads asynchronously), so registering right after sending is in time.
        try {
          messageId = send();
          this.pending.set(messageId, settle);
        } catch (err) {
          clearTimeout(timer);
          reject(err);
        }
      });
      return this.chat(memberKey, before).filter((line) => line.from === 'assistant');
    });
  }

  private contact(memberKey: string): mock.ContactMock {
    const existing = this.contacts.get(memberKey);
    if (existing) return existing;
    const contact = this.mocker.createContact({ id: this.memberId(memberKey), name: memberKey });
    // The bot's sends reach the member's contact as messages from the assistant.
    contact.on('message', (message: mock.MessageMock) => {
      if (message.talker().id === this.assistantId) this.record(memberKey, 'assistant', message.text() ?? '');
    });
    this.contacts.set(memberKey, contact);
    return contact;
  }

  /** A message from the member to the assistant, as the mock would create it; returns its id. */
  private send(
    memberKey: string,
    type: PUPPET.types.Message,
    text: (id: string, userId: string) => string,
  ): string {
    const id = randomUUID();
    const userId = this.contact(memberKey).id;
    this.mocker.MessageMock.create({
      id,
      talkerId: userId,
      listenerId: this.assistantId,
      timestamp: this.clock().getTime(),
      type,
      text: text(id, userId),
    });
    this.emit('message', { messageId: id });
    return id;
  }

  private record(memberKey: string, from: SimulatorLine['from'], text: string): void {
    const kept = this.lines.get(memberKey) ?? [];
    kept.push({ seq: ++this.seq, from, text, at: this.clock().toISOString() });
    const max = this.sim.maxLinesPerMember ?? 200;
    if (kept.length > max) kept.splice(0, kept.length - max);
    this.lines.set(memberKey, kept);
  }
}
