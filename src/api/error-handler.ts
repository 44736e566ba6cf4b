import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../lib/app-error';
import type { Logger } from '../lib/logger';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * The one place errors become HTTP answers: `{ error: { code, message } }`, never a stack trace.
 * Expected failures carry their status; anything else is logged and answered as a bare 500.
 */
export function errorHandler(logger: Logger, onUnexpected?: () => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    if (err instanceof ZodError) {
      const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      res.status(400).json({ error: { code: 'invalid_request', message: '请求参数不正确', issues } });
      return;
    }
    const bodyError = err as BodyParserError;
    if (bodyError?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'payload_too_large', message: '请求体过大' } });
      return;
    }
    if (bodyError?.type === 'entity.parse.failed' || bodyError?.type?.startsWith('charset')) {
      res.status(400).json({ error: { code: 'invalid_json', message: '请求体不是合法的 JSON' } });
      return;
    }
    onUnexpected?.();
    logger.error({ err, method: req.method, path: req.path }, 'unexpected error in HTTP request');
    res.status(500).json({ error: { code: 'internal', message: '服务器内部错误，请稍后再试' } });
  };
}
