/** The runtime's own words (menu, cancel, timeout…); flows supply them from `flows/copy/`. */
export interface RuntimeCopy {
  menu(isMember: boolean): string;
  timedOut: string;
  cancelled: string;
  nothingToCancel: string;
  firstStep: string;
  nothingToContinue: string;
  resumeHint(title: string): string;
  unknown(isMember: boolean): string;
  /** An intent the assistant understands but cannot handle in chat yet. */
  unsupported: string;
  membersOnly: string;
  /** Members-only, to a WeChat account whose membership moved to another account at `movedAt` (ISO). */
  membershipMoved(movedAt: string, timeZone: string): string;
  alreadyMember: string;
  /** A photo sent where a written answer was asked for. */
  textNeeded: string;
  /** A bad answer: the reason, then the question again. */
  retry(reason: string): string;
}
