/**
 * An error that becomes MongoDB's command error shape on the wire:
 * `{ ok: 0, errmsg, code, codeName, ...extra }`. `extra` carries fields such as `keyPattern`
 * and `keyValue` that drivers copy onto MongoServerError.
 */
export class MongoCommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MongoCommandError';
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** Code 2: a malformed argument, the catch-all mongod uses for bad options. */
  static badValue(message: string): MongoCommandError {
    return new MongoCommandError(2, 'BadValue', message);
  }

  static failedToParse(message: string): MongoCommandError {
    return new MongoCommandError(9, 'FailedToParse', message);
  }

  static typeMismatch(message: string): MongoCommandError {
    return new MongoCommandError(14, 'TypeMismatch', message);
  }
}
