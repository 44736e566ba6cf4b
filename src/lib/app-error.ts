/**
 * An expected failure that crosses the HTTP boundary: a stable machine-readable `code`, the
 * HTTP status it maps to, and a message safe to show to staff. Services throw it only for
 * outcomes the caller must act on; bugs stay plain errors and become a 500 without details.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
