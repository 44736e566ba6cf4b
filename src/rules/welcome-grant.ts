import type { Program } from '../config/program-schema';
import { lotExpiresAt } from './lot-expiry';
import { voucherExpiresAt } from './voucher-expiry';

export interface WelcomeGrant {
  /** Null when the program gives no welcome points. */
  readonly points: {
    readonly amount: number;
    readonly expiresAt: Date;
    /** The ledger entry id (`welcome:<memberId>`): one welcome per member, however often retried. */
    readonly key: string;
  } | null;
  readonly voucher: {
    readonly name: string;
    readonly expiresAt: Date;
    readonly key: string;
  } | null;
}

/** What a new member receives on sign-up (RULES.md §5: 1,000 points and a 30-day maintenance voucher). */
export function welcomeGrant(
  memberId: string,
  signedUpAt: Date,
  program: Pick<Program, 'welcome' | 'expiry' | 'timezone'>,
): WelcomeGrant {
  const { welcome } = program;
  return {
    points:
      welcome.points > 0
        ? { amount: welcome.points, expiresAt: lotExpiresAt(signedUpAt, program), key: `welcome:${memberId}` }
        : null,
    voucher: welcome.voucher
      ? {
          name: welcome.voucher.name,
          expiresAt: voucherExpiresAt(signedUpAt, welcome.voucher.validityDays, program.timezone),
          key: `welcome-voucher:${memberId}`,
        }
      : null,
  };
}
