/** The indexed field a duplicate-key error (11000) is about (`mobile`, `referralCode`…), or null. */
export function duplicateKeyField(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as {
    code?: unknown;
    keyPattern?: Record<string, unknown>;
    keyValue?: Record<string, unknown>;
  };
  if (e.code !== 11000) return null;
  const fields = Object.keys(e.keyPattern ?? e.keyValue ?? {});
  return fields[0] ?? null;
}
