import type { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger';
import type { SmsSender } from './sms-sender';

const INBOX = 'sms:dev:inbox';
const INBOX_SIZE = 100;
const lastKey = (mobile: string) => `sms:dev:last:${mobile}`;

/**
 * The development sender (`SMS_PROVIDER=dev`): nothing leaves the machine. The code is logged and
 * kept in Redis — the latest per number and an inbox of the last 100 — for the simulator's SMS
 * panel and for tests. Never used with `CHANNEL=wechat` by default (env.ts picks tencentcloud).
 */
export class DevSmsSender implements SmsSender {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async sendCode(mobile: string, code: string, ttlMinutes: number): Promise<void> {
    const message = {
      mobile,
      code,
      text: `您的会员验证码是 ${code}，${ttlMinutes} 分钟内有效。`,
      at: Date.now(),
    };
    await this.redis
      .multi()
      .set(lastKey(mobile), code, 'EX', ttlMinutes * 60)
      .lpush(INBOX, JSON.stringify(message))
      .ltrim(INBOX, 0, INBOX_SIZE - 1)
      .exec();
    this.logger.info({ mobile, code }, 'dev SMS: verification code');
  }
}

/** The latest dev code sent to a number (the simulator's SMS panel and tests read it). */
export async function readDevSmsCode(redis: Redis, mobile: string): Promise<string | null> {
  return redis.get(lastKey(mobile));
}

/** The dev inbox, newest first. */
export async function readDevSmsInbox(
  redis: Redis,
): Promise<{ mobile: string; code: string; text: string; at: number }[]> {
  const items = await redis.lrange(INBOX, 0, INBOX_SIZE - 1);
  return items.map((item) => JSON.parse(item));
}
