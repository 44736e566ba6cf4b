/** A value whose nested objects and arrays are all read-only, matching what `deepFreeze` returns. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * Freezes a plain data tree in place and returns it typed as read-only.
 *
 * Configuration is shared by every module for the life of the process; freezing it turns an
 * accidental write (which would silently change behaviour elsewhere) into an immediate TypeError.
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value as DeepReadonly<T>;
}
