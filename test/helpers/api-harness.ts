import { randomBytes } from 'node:crypto';
import type { ConversationHandler } from '../../src/channels/conversation-handler';
import { defaultProgram } from '../../src/config/default-program';
import type { Program } from '../../src/config/program-schema';
import type { MemberRecord } from '../../src/data/models/member-model';
import { createLogger } from '../../src/lib/logger';
import { type Runtime, startRuntime } from '../../src/runtime/start-runtime';
import { type NewMemberFacts, newMemberRecord } from '../../src/services/new-member-record';
import { makeTempDir } from './temp-dir';
import { testConfig, testKeys } from './test-config';

export type StaffRoleName = keyof typeof testKeys;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/**
 * The real runtime (embedded MongoDB-wire server, embedded redis-server, express, services) in
 * this process, with a clock the test moves by hand, and small HTTP helpers that act with one of
 * the test staff keys (`admin`, `marketing`, `store` — the store key is scoped to store `main`).
 */
export interface ApiHarness {
  runtime: Runtime;
  url: string;
  /** The clock the services read; `setNow` moves it. */
  now(): Date;
  setNow(at: Date | string): void;
  get<T = any>(path: string, role?: StaffRoleName): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, role?: StaffRoleName): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown, role?: StaffRoleName): Promise<ApiResponse<T>>;
  /** Stores a member directly (bypassing enrolment) and returns it; ids and codes are random. */
  insertMember(facts?: Partial<NewMemberFacts>): Promise<MemberRecord>;
  stop(): Promise<void>;
}

export async function startApiHarness(
  options: {
    now?: string;
    program?: Program;
    env?: Record<string, string>;
    /** A scripted conversation for the bot (the runtime's own otherwise). */
    conversationHandler?: ConversationHandler;
  } = {},
): Promise<ApiHarness> {
  const dir = makeTempDir('api');
  let now = new Date(options.now ?? '2026-11-25T10:00:00+08:00');
  const program = options.program ?? defaultProgram;
  const runtime = await startRuntime({
    config: testConfig(dir.path, options.env),
    role: 'all',
    program,
    logger: createLogger('silent'),
    clock: () => new Date(now.getTime()),
    ...(options.conversationHandler ? { conversationHandler: options.conversationHandler } : {}),
  });
  const call = async (method: string, path: string, body: unknown, role: StaffRoleName) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${testKeys[role]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  let counter = 0;
  return {
    runtime,
    url: runtime.url,
    now: () => new Date(now.getTime()),
    setNow(at) {
      now = new Date(at);
    },
    get: (path, role = 'admin') => call('GET', path, undefined, role),
    post: (path, body, role = 'admin') => call('POST', path, body ?? {}, role),
    patch: (path, body, role = 'admin') => call('PATCH', path, body ?? {}, role),
    async insertMember(facts = {}) {
      counter++;
      const record = newMemberRecord(
        {
          id: randomBytes(12).toString('hex'),
          name: `会员${counter}`,
          mobile: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
          referralCode: randomBytes(4).toString('hex').toUpperCase(),
          signedUpAt: new Date(now.getTime()),
          homeStoreId: program.stores[0]!.id,
          consents: [
            {
              kind: 'privacy',
              granted: true,
              version: program.signup.privacyPolicyVersion,
              at: now,
              channel: 'test',
            },
          ],
          ...facts,
        },
        program,
      );
      await runtime.services.db.members.create(record);
      return (await runtime.services.db.members.findById(record._id).lean<MemberRecord>())!;
    },
    async stop() {
      await runtime.stop();
      dir.remove();
    },
  };
}
