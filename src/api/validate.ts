import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../lib/app-error';

/** Parses `value` with `schema`; a ZodError reaches the error handler as a 400 listing the issues. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  return schema.parse(value);
}

/**
 * Rejects any JSON body or query that carries a key starting with `$` (or containing a dot
 * at the top of a query), whatever the route: operator injection such as `{"mobile":{"$gt":""}}`
 * is a 400 before any handler reads the input, and nothing is read or written.
 */
export function rejectOperatorInjection(req: Request, _res: Response, next: NextFunction): void {
  if (
    hasOperatorKey(req.body) ||
    hasOperatorKey(req.query) ||
    Object.keys(req.query).some((k) => k.includes('['))
  ) {
    next(new AppError('invalid_request', '请求中含有不允许的字段名（以 $ 开头）', 400));
    return;
  }
  next();
}

function hasOperatorKey(value: unknown, depth = 0): boolean {
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => hasOperatorKey(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$') || key === '__proto__' || key === 'constructor') return true;
    if (hasOperatorKey(item, depth + 1)) return true;
  }
  return false;
}

/** Wraps an async handler so a rejection reaches the error handler. */
export function handle(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}
