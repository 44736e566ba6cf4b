import type { Program } from '../config/program-schema';
import { AppError } from '../lib/app-error';
import type { StaffPrincipal } from './staff-auth';

/**
 * The store a request acts for (RULES.md §0): a store-scoped key acts for its own store only;
 * otherwise the request names one, or the program's only store is meant.
 */
export function resolveStore(staff: StaffPrincipal, requested: string | undefined, program: Program): string {
  if (staff.storeId) {
    if (requested && requested !== staff.storeId) {
      throw new AppError('forbidden_store', '此密钥只能操作本门店的数据', 403);
    }
    return staff.storeId;
  }
  if (requested) {
    if (!program.stores.some((store) => store.id === requested)) {
      throw new AppError('unknown_store', `没有门店 ${requested}`, 400);
    }
    return requested;
  }
  if (program.stores.length === 1) return program.stores[0]!.id;
  throw new AppError('store_required', '集团有多家门店，请指定 storeId', 400);
}

/**
 * The store a listing is narrowed to: a store-scoped key sees its own store only (asking for
 * another is a 403); other keys may narrow to one store or see the whole group (undefined).
 */
export function listingStore(staff: StaffPrincipal, requested: string | undefined): string | undefined {
  if (staff.storeId && requested && requested !== staff.storeId) {
    throw new AppError('forbidden_store', '此密钥只能查看本门店的数据', 403);
  }
  return staff.storeId ?? requested;
}
