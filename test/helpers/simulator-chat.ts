import { randomBytes } from 'node:crypto';
import type { InboundContent } from '../../src/channels/inbound-message';
import type { SimulatorPuppet } from '../../src/channels/simulator/simulator-puppet';
import type { Program } from '../../src/config/program-schema';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { NewMemberFacts } from '../../src/services/new-member-record';
import { readDevSmsCode } from '../../src/services/sms/dev-sms-sender';
import { type ApiHarness, startApiHarness } from './api-harness';

/**
 * Members chatting with the real runtime through Wechaty: every line goes through the simulator
 * puppet (wechaty-puppet-mock) → the Wechaty bot → the conversation plugin → the conversation
 * service, and resolves with the assistant's replies as the member sees them (placeholders such as
 * `chezhu:qr/…` on their own lines). A member is a key; their chat user id is `sim_<key>`.
 */
export interface SimulatorChat {
  api: ApiHarness;
  sim: SimulatorPuppet;
  /** A fresh member key (never used before in this runtime). */
  newKey(prefix?: string): string;
  /** The member types `text`; the replies, joined by new lines. */
  say(key: string, text: string): Promise<string>;
  /** Any other member action (a menu click, a photo, an unfollow); the replies, joined. */
  act(key: string, content: InboundContent): Promise<string>;
  /** Follows the account, through a referral QR when `scene` is set (`ref_<code>`). */
  follow(key: string, scene?: string | null): Promise<string>;
  /** The chat user id the bot sees for `key`. */
  userId(key: string): string;
  /** The member linked to `key`'s chat user, if any. */
  member(key: string): Promise<MemberRecord | null>;
  /** Stores a member linked to `key` (no sign-up dialogue). */
  insertMember(key: string, facts?: Partial<NewMemberFacts>): Promise<MemberRecord>;
  /** The Redis key of `key`'s conversation session. */
  sessionKey(key: string): string;
  /** The last dev SMS code sent to `mobile`. */
  smsCode(mobile: string): Promise<string>;
  /** Moves the harness clock forward. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function startSimulatorChat(
  options: { now?: string; program?: Program } = {},
): Promise<SimulatorChat> {
  const api = await startApiHarness(options);
  const sim = api.runtime.bot?.simulator;
  if (!sim) throw new Error('the runtime has no simulator bot');
  const join = (lines: { text: string }[]) => lines.map((line) => line.text).join('\n');
  const userId = (key: string) => sim.memberId(key);
  return {
    api,
    sim,
    newKey: (prefix = 'm') => `${prefix}-${randomBytes(5).toString('hex')}`,
    say: async (key, text) => join(await sim.say(key, text)),
    act: async (key, content) => join(await sim.act(key, content)),
    follow: async (key, scene = null) => join(await sim.follow(key, scene)),
    userId,
    member: (key) => api.runtime.services.db.members.findOne({ openid: userId(key) }).lean<MemberRecord>(),
    insertMember: (key, facts = {}) => api.insertMember({ openid: userId(key), ...facts }),
    sessionKey: (key) => `conv:session:simulator:${sim.assistantId}:${userId(key)}`,
    async smsCode(mobile) {
      const code = await readDevSmsCode(api.runtime.redis, mobile);
      if (!code) throw new Error(`no dev SMS code for ${mobile}`);
      return code;
    },
    advance(ms) {
      api.setNow(new Date(api.now().getTime() + ms));
    },
    stop: () => api.stop(),
  };
}

/** A mainland mobile number no other test uses (139 + 8 random digits). */
export function randomMobile(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** 入会 start to end in the chat (code from the dev inbox, every optional question skipped); the welcome. */
export async function signUpInChat(
  chat: SimulatorChat,
  key: string,
  person: { name: string; mobile: string },
): Promise<string> {
  await chat.say(key, '入会');
  await chat.say(key, person.name);
  await chat.say(key, person.mobile);
  await chat.say(key, await chat.smsCode(person.mobile));
  await chat.say(key, '同意');
  await chat.say(key, '不要');
  await chat.say(key, '跳过');
  return chat.say(key, '跳过');
}
