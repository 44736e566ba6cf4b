import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { WechatConfig } from '../../config/env';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { enqueueWechatInbound } from '../../queues/wechat-inbound-queue';
import type { InboundMessage } from '../inbound-message';
import { decodeEncodingAesKey, decryptMessage, sealReply } from './crypto';
import { InboundClaims } from './inbound-claims';
import type { OaPuppet } from './oa-puppet';
import { parseInboundXml } from './parse-inbound-xml';
import { renderPassiveText } from './passive-reply';
import { readXmlFields } from './read-xml-fields';
import { isValidSignature } from './signature';
import { toInboundMessage } from './to-inbound-message';

export interface WechatWebhookDeps {
  wechat: WechatConfig;
  /** A fail-fast (`command`) connection: de-duplication markers. */
  redis: Redis;
  /** The `wechat-inbound` producer, on a fail-fast connection. */
  queue: Queue;
  logger: Logger;
  clock: Clock;
  /** How long a de-duplication marker lives; WeChat's three retries all fall within 5 minutes. */
  dedupSeconds?: number;
  /**
   * The official-account puppet of this process's bot. With it (and `wechat.passiveReplyMs` > 0)
   * a message is answered in the HTTP response when the bot's answer is ready in time; without
   * it every message goes to the queue.
   */
  puppet?: Pick<OaPuppet, 'deliverCaptured'> | null;
}

/** WeChat shows at most this much of a passive text (WECHAT.md §3). */
const PASSIVE_TEXT_BYTES = 2048;

const signedQuery = z.object({
  signature: z.string(),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(128),
});
const verifyQuery = signedQuery.extend({ echostr: z.string().min(1).max(1024) });
const postQuery = signedQuery.extend({
  encrypt_type: z.string().optional(),
  msg_signature: z.string().optional(),
});
const envelope = z.object({ Encrypt: z.string().min(1) });

/**
 * `GET /wechat` (URL verification) and `POST /wechat` (messages and events), WECHAT.md §1–3.
 *
 * A POST is checked first: signature (and, in safe mode, `msg_signature` and decryption), XML
 * validated; nothing is handled or enqueued unless every check passed. Then, with a bot in this
 * process, the action is claimed (`InboundClaims`: de-duplication and who answers, one Lua call)
 * and handed to the bot right here; when its answer is one text ready within `passiveReplyMs`, it
 * is the passive reply in the response body (sealed in safe mode), or `success` when the bot had
 * nothing to say. Otherwise — too slow, several texts, a failure, or an earlier hand-off of the
 * same member still unanswered — the action goes to the `wechat-inbound` queue and the response is
 * `success`; the worker answers by customer-service message (the conversation remembers what the
 * bot replied, so nothing is done twice). Without a bot (or with `passiveReplyMs` 0) every action
 * is de-duplicated with `SET NX EX` and queued.
 */
export function wechatWebhookRouter(deps: WechatWebhookDeps): Router {
  const { wechat, redis, queue, logger, clock } = deps;
  const dedupSeconds = deps.dedupSeconds ?? 300;
  const puppet = wechat.passiveReplyMs > 0 ? (deps.puppet ?? null) : null;
  const claims = new InboundClaims(redis, {
    dedupSeconds,
    // A claim outliving its budget by this much belongs to a process that died before answering.
    staleMs: wechat.passiveReplyMs + 2_000,
  });
  const aesKey = wechat.encodingAesKey === null ? null : decodeEncodingAesKey(wechat.encodingAesKey);
  const appId = wechat.credentials?.appId ?? null;
  if (aesKey && !appId) throw new Error('safe mode needs WECHAT_APP_ID');

  const router = Router();
  router.use(express.text({ type: ['text/xml', 'application/xml', 'text/plain'], limit: '64kb' }));

  const reply = (res: Response, status: number, body: string) => {
    res.status(status).type('text/plain').set('x-content-type-options', 'nosniff').send(body);
  };

  router.get('/', (req, res) => {
    const query = verifyQuery.safeParse(req.query);
    if (!query.success) return reply(res, 403, 'forbidden');
    const { signature, timestamp, nonce, echostr } = query.data;
    if (!isValidSignature([wechat.token, timestamp, nonce], signature)) {
      logger.warn('wechat URL verification with an invalid signature');
      return reply(res, 403, 'forbidden');
    }
    reply(res, 200, echostr);
  });

  router.post('/', async (req, res, next) => {
    try {
      const query = postQuery.safeParse(req.query);
      if (!query.success) return reply(res, 403, 'forbidden');
      const { signature, timestamp, nonce } = query.data;
      if (!isValidSignature([wechat.token, timestamp, nonce], signature)) {
        logger.warn('wechat POST with an invalid signature');
        return reply(res, 403, 'forbidden');
      }
      if (typeof req.body !== 'string' || req.body.length === 0) return reply(res, 400, 'bad request');

      let xml: string = req.body;
      if (aesKey && appId) {
        // Safe mode: the plain signature does not cover the body; msg_signature does.
        if (query.data.encrypt_type !== 'aes') {
          logger.warn('wechat POST not encrypted although WECHAT_ENCODING_AES_KEY is set');
          return reply(res, 403, 'forbidden');
        }
        const fields = readXmlFields(xml);
        const sealed = fields.ok ? envelope.safeParse(fields.fields) : null;
        if (!sealed?.success) return reply(res, 400, 'bad request');
        const encrypt = sealed.data.Encrypt;
        if (!isValidSignature([wechat.token, timestamp, nonce, encrypt], query.data.msg_signature)) {
          logger.warn('wechat POST with an invalid msg_signature');
          return reply(res, 403, 'forbidden');
        }
        const opened = decryptMessage(encrypt, aesKey, appId);
        if (!opened.ok) {
          logger.warn({ reason: opened.reason }, 'wechat POST could not be decrypted');
          return reply(res, 403, 'forbidden');
        }
        xml = opened.xml;
      } else if (query.data.encrypt_type === 'aes') {
        logger.warn('wechat POST is encrypted but WECHAT_ENCODING_AES_KEY is not set');
      }

      const parsed = parseInboundXml(xml);
      if (!parsed.ok) {
        logger.warn({ reason: parsed.reason, detail: parsed.detail }, 'wechat POST with invalid XML');
        return reply(res, 400, 'bad request');
      }
      const translated = toInboundMessage(parsed.inbound);
      if (!translated.handled) {
        logger.info({ reason: translated.reason }, 'wechat inbound ignored');
        return reply(res, 200, 'success');
      }
      const { message } = translated;
      const receivedAt = clock().toISOString();
      if (puppet) {
        const answer = await answerHere(puppet, message, receivedAt);
        if (answer === null) return reply(res, 200, 'success');
        const body = safeModeReply(answer, query.data.nonce);
        res.status(200).type('application/xml').set('x-content-type-options', 'nosniff').send(body);
        return;
      }
      const marker = `wechat:dedup:${message.accountId}:${message.id}`;
      const first = await redis.set(marker, receivedAt, 'EX', dedupSeconds, 'NX');
      if (first !== 'OK') {
        logger.debug({ type: message.content.type }, 'wechat re-delivery ignored');
        return reply(res, 200, 'success');
      }
      try {
        await enqueueWechatInbound(queue, { v: 1, receivedAt, message });
      } catch (err) {
        // Not handed off: drop the marker so WeChat's next retry gets another chance.
        await redis.del(marker).catch(() => undefined);
        throw err;
      }
      reply(res, 200, 'success');
    } catch (err) {
      next(err);
    }
  });

  /**
   * Claims the action and lets the bot answer it within the budget: the passive reply XML, or
   * `null` for `success` (a duplicate, nothing to say, or handed to the queue).
   */
  const answerHere = async (
    bot: Pick<OaPuppet, 'deliverCaptured'>,
    message: InboundMessage,
    receivedAt: string,
  ): Promise<string | null> => {
    const claim = await claims.claim(message);
    if (claim.kind === 'duplicate') {
      logger.debug({ type: message.content.type }, 'wechat re-delivery ignored');
      return null;
    }
    if (claim.kind === 'queue') {
      await handOff(message, receivedAt);
      return null;
    }
    const texts = await withinBudget(bot.deliverCaptured(message), wechat.passiveReplyMs);
    const passive = texts !== null && (texts.length === 0 || (texts.length === 1 && fitsPassive(texts[0]!)));
    const settled = await claims.settle(message, claim.holder, passive);
    if (settled === 'lost') return null;
    if (settled === 'queue') {
      const why = texts === null ? 'late or failed' : passive ? 'member has a reply queued' : 'several texts';
      logger.debug({ type: message.content.type, why }, 'wechat message handed to the queue');
      await handOff(message, receivedAt);
      return null;
    }
    const text = texts?.[0];
    if (text === undefined) return null;
    return renderPassiveText({
      toUser: message.userId,
      fromAccount: message.accountId,
      content: text,
      at: clock(),
    });
  };

  /** A counted hand-off to the queue; refused → forgotten, so WeChat's retry gets another chance. */
  const handOff = async (message: InboundMessage, receivedAt: string): Promise<void> => {
    try {
      await enqueueWechatInbound(queue, { v: 1, receivedAt, message, counted: true });
    } catch (err) {
      await claims.withdraw(message).catch(() => undefined);
      throw err;
    }
  };

  /** In safe mode a passive reply is encrypted and signed like an inbound message. */
  const safeModeReply = (xml: string, nonce: string): string => {
    if (!aesKey || !appId) return xml;
    const timestamp = String(Math.floor(clock().getTime() / 1000));
    return sealReply(xml, { token: wechat.token, key: aesKey, appId, timestamp, nonce });
  };

  // Body problems (too large, bad charset) and outages: plain answers, never a stack trace; a 5xx
  // makes WeChat retry, which is what we want while Redis is unreachable.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return reply(res, status, 'bad request');
    logger.error({ err }, 'wechat webhook could not hand off an inbound message');
    reply(res, 503, 'unavailable');
  });
  return router;
}

/** The bot's texts if it finished within `ms`; `null` when it failed or was not ready in time. */
async function withinBudget(handling: Promise<string[]>, ms: number): Promise<string[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([handling.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

function fitsPassive(text: string): boolean {
  return text.length > 0 && Buffer.byteLength(text, 'utf8') <= PASSIVE_TEXT_BYTES;
}
