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
 */
export function staffAuth(keys: readonly StaffApiKey[]) {
  const known = keys.map((k) => ({ principal: { role: k.role, storeId: k.storeId }, digest: digest(k.key) }));
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      next(new AppError('unauthorized', '需要员工密钥 (Authorization: Bearer <key>)', 401));
      return;
    }
    const presented = digest(match[1]);
    let found: StaffPrincipal | undefined;
    for (const entry of known) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    }
    if (!found) {
      next(new AppError('unauthorized', '员工密钥无效', 401));
      return;
    }
    res.locals.staff = found;
    next();
  };
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
