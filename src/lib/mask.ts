/**
 * Masking of personal data and secrets for anything that leaves the process as text
 * (logs, staff lists). PIPL: a full mainland mobile number must never reach a log line.
 */

// A mainland mobile number is 11 digits starting with 1[3-9]; the look-arounds keep longer
// digit runs (order numbers, MsgId values) intact.
const MOBILE_IN_TEXT = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

/** `13812345678` → `138****5678`; text without a mobile number comes back unchanged. */
export function maskMobile(text: string): string {
  return text.replace(MOBILE_IN_TEXT, '$1****$2');
}

// Keys whose values are secrets wherever they appear in a logged object.
const SECRET_KEY =
  /^(authorization|cookie|password|passwd|secret|.*_?secret|.*Secret|token|accessToken|access_token|apiKey|api_key|key|keys|staffKey|encodingAesKey|sessionKey|smsCode|verificationCode)$/i;

/** True when a property of this name must never be logged with its value. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Deep copy of a loggable value with secrets replaced by `***` and mobile numbers masked in
 * every string. Cycles and very deep objects are cut rather than followed.
 */
export function redactForLog(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskMobile(value);
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 13_000_000_000 &&
    value < 20_000_000_000
  ) {
    return maskMobile(String(value));
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[depth]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      type: value.name,
      message: maskMobile(value.message),
      stack: value.stack && maskMobile(value.stack),
    };
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactForLog(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== undefined && item !== null ? '***' : redactForLog(item, depth + 1, seen);
  }
  return out;
}
