/** True for MongoDB's duplicate-key error (code 11000), alone or as every error of a bulk write. */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: { code?: unknown; err?: { code?: unknown } }[] };
  if (e.code === 11000) {
    if (!Array.isArray(e.writeErrors)) return true;
  }
  if (Array.isArray(e.writeErrors) && e.writeErrors.length > 0) {
    return e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
  }
  return e.code === 11000;
}
