/** Sends a sign-up verification code by SMS (pluggable: `dev` here, a real provider in production). */
export interface SmsSender {
  /** Resolves when the provider accepted the message; rejects on an outage. */
  sendCode(mobile: string, code: string, ttlMinutes: number): Promise<void>;
}
