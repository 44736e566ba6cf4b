import { readFileSync } from 'node:fs';
import express, { Router } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { handle, parseInput, rejectOperatorInjection } from '../../api/validate';
import type { MemberRecord } from '../../data/models/member-model';
import { AppError } from '../../lib/app-error';
import { runtimeFile } from '../../lib/runtime-files';
import type { Services } from '../../services/services';
import { readDevSmsInbox } from '../../services/sms/dev-sms-sender';
import type { SimulatorLine, SimulatorPuppet } from './simulator-puppet';

export interface SimulatorRouterDeps {
  simulator: SimulatorPuppet;
  services: Services;
  /** A fail-fast command connection: the list of simulated members and the dev SMS inbox. */
  redis: Redis;
}

/** Every key the page ever used, scored by first use, so the switcher lists them in that order. */
const KEYS = 'simulator:keys';
const KEYS_LISTED = 200;

const memberKey = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, '会员标识只能包含小写字母、数字、_ 和 -，最多 32 个字符');
const sayBody = z.strictObject({
  text: z.string().trim().min(1, '消息不能为空').max(500, '消息最多 500 个字'),
});
const followBody = z.strictObject({
  scene: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, '场景值只能包含字母、数字、_ 和 -')
    .nullable()
    .optional(),
});
const chatQuery = z.strictObject({ after: z.coerce.number().int().min(0).default(0) });

/** The page, read once; the account name is filled in per request (a published program may rename it). */
const page = readFileSync(runtimeFile('channels/simulator/simulator-page.html'), 'utf8');

/**
 * `/simulator` (simulator channel only): the chat page and its JSON API. No staff key: the
 * simulator exists only when the process runs without WeChat credentials, as a development tool,
 * and the SMS inbox shows full numbers and codes on purpose — reading them is its point.
 */
export function simulatorRouter({ simulator, services, redis }: SimulatorRouterDeps): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const name = escapeHtml(services.program.current().programName);
    res
      .status(200)
      .type('html')
      .set({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // Inline script and style only, talking to this server: no CDN, nothing else loads.
        'content-security-policy':
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      })
      .send(page.replaceAll('{{PROGRAM_NAME}}', name));
  });

  const api = Router();
  api.use(express.json({ limit: '16kb', strict: true }));
  api.use(rejectOperatorInjection);

  // One member action, answered with the assistant's replies to it.
  const perform = async (key: string, action: () => Promise<SimulatorLine[]>): Promise<SimulatorLine[]> => {
    await redis.zadd(KEYS, 'NX', Date.now(), key);
    try {
      return await action();
    } catch (err) {
      services.logger.error({ err, memberKey: key }, 'simulator: the assistant did not answer');
      throw new AppError('assistant_failed', '助手没有回答，请稍后再试', 502);
    }
  };

  api.get(
    '/members',
    handle(async (_req, res) => {
      const keys = await redis.zrange(KEYS, 0, KEYS_LISTED - 1);
      const members = await services.db.members
        .find(
          { openid: { $in: keys.map((key) => simulator.memberId(key)) }, status: 'active' },
          { _id: 1, name: 1, openid: 1, referralCode: 1 },
        )
        .lean<Pick<MemberRecord, '_id' | 'name' | 'openid' | 'referralCode'>[]>();
      const byOpenid = new Map(members.map((member) => [member.openid, member]));
      res.json({
        members: keys.map((key) => {
          const member = byOpenid.get(simulator.memberId(key));
          return {
            key,
            memberId: member?._id ?? null,
            name: member?.name ?? null,
            referralCode: member?.referralCode ?? null,
            scene: member ? `ref_${member.referralCode}` : null,
          };
        }),
      });
    }),
  );

  api.post(
    '/members/:key/say',
    handle(async (req, res) => {
      const key = parseInput(memberKey, req.params.key);
      const { text } = parseInput(sayBody, req.body);
      res.json({ replies: await perform(key, () => simulator.say(key, text)) });
    }),
  );

  api.post(
    '/members/:key/follow',
    handle(async (req, res) => {
      const key = parseInput(memberKey, req.params.key);
      const { scene } = parseInput(followBody, req.body ?? {});
      res.json({ replies: await perform(key, () => simulator.follow(key, scene ?? null)) });
    }),
  );

  api.get(
    '/members/:key/chat',
    handle(async (req, res) => {
      const key = parseInput(memberKey, req.params.key);
      const { after } = parseInput(chatQuery, req.query);
      res.json({ lines: simulator.chat(key, after) });
    }),
  );

  api.get(
    '/sms',
    handle(async (_req, res) => {
      const inbox = await readDevSmsInbox(redis);
      res.json({
        messages: inbox.map((message) => ({ ...message, at: new Date(message.at).toISOString() })),
      });
    }),
  );

  api.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: '没有这个地址' } });
  });

  router.use('/api', api);
  return router;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
