import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { WechatConfig } from '../../config/env';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { enqueueWechatInbound } from '../../queues/wechat-inbound-queue';
import { decodeEncodingAesKey, decryptMessage } from './crypto';
import { parseInboundXml } from './parse-inbound-xml';
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
}

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
 * A POST is answered within milliseconds: signature (and, in safe mode, `msg_signature` and
 * decryption), XML validated, de-duplicated with `SET NX EX`, handed to the `wechat-inbound`
 * queue, then `success`, which tells WeChat not to retry; the bot answers later through the
 * customer-service API. Nothing is enqueued unless every check passed.
 */
export function wechatWebhookRouter(deps: WechatWebhookDeps): Router {
  const { wechat, redis, queue, logger, clock } = deps;
  const dedupSeconds = deps.dedupSeconds ?? 300;
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
