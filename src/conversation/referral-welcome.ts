/** What a person who opened a member's referral link or QR is told about it. */
export interface ReferralWelcome {
  /** The referrer, masked (`inviterLabel`); null when there is nothing safe to show. */
  inviter: string | null;
  /** Points the friend gets on signing up through it (on top of the welcome gift). */
  newMemberPoints: number;
  /** Whether joining brings a welcome gift besides (the program's `welcome`). */
  welcomeGift: boolean;
  /** The end of the sign-up window, counted from the first open (RULES.md §6). */
  deadline: Date;
}
