import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { maskMobile, redactForLog } from './mask';

export type { Logger } from 'pino';

/**
 * The process logger: JSON lines (pino) with personal data masked and secrets removed before
 * anything is written, whatever the caller passes — a log line is the easiest place to leak a
 * member's mobile number or an access token.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      log: (object) => redactForLog(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === 'string' ? maskMobile(arg) : arg));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (err: unknown) => redactForLog(err),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
