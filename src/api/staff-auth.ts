import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { StaffApiKey, StaffRole } from '../config/staff-api-keys';
import { AppError } from '../lib/app-error';

export interface StaffPrincipal {
  role: StaffRole;
  storeId?: string | undefined;
}

declare global {
  namespace Express {
    interface Locals {
      staff?: StaffPrincipal;
    }
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <key>` → the staff principal in `res.locals.staff`, or 401. Keys are
 * compared as SHA-256 digests in constant time so a caller cannot learn a key byte by byte.
 * With `browser: true` (pages such as the queue dashboard) HTTP Basic is accepted as well — any
 * user name, the key as the password — and a 401 asks the browser for it.
 */
export function staffAuth(keys: readonly StaffApiKey[], options: { browser?: boolean } = {}) {
  const known = keys.map((k) => ({ principal: { role: k.role, storeId: k.storeId }, digest: digest(k.key) }));
  const refuse = (res: Response, next: NextFunction, message: string) => {
    if (options.browser) res.set('WWW-Authenticate', 'Basic realm="chezhu-staff", charset="UTF-8"');
    next(new AppError('unauthorized', message, 401));
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const presentedKey = keyFromHeader(req.get('authorization') ?? '', options.browser === true);
    if (!presentedKey) {
      refuse(res, next, '需要员工密钥 (Authorization: Bearer <key>)');
      return;
    }
    const presented = digest(presentedKey);
    let found: StaffPrincipal | undefined;
    for (const entry of known) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    }
    if (!found) {
      refuse(res, next, '员工密钥无效');
      return;
    }
    res.locals.staff = found;
    next();
  };
}

function keyFromHeader(header: string, allowBasic: boolean): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = allowBasic ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}

/** 403 unless the authenticated principal has one of `roles` (admin may do everything). */
export function requireRole(...roles: StaffRole[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const staff = res.locals.staff;
    if (!staff) {
      next(new AppError('unauthorized', '需要员工密钥', 401));
      return;
    }
    if (staff.role !== 'admin' && !roles.includes(staff.role)) {
      next(new AppError('forbidden', '当前角色无权执行此操作', 403));
      return;
    }
    next();
  };
}
