import type { Program } from '../config/program-schema';
import type { MemberRecord } from '../data/models/member-model';
import { maskMobile } from '../lib/mask';
import type { CampaignWindow } from '../rules/active-promotion';
import { type MissingPointsProposal, proposeMissingPoints } from '../rules/propose-missing-points';
import type { MissingPointsReportView } from './missing-points-service';
import type { ServiceContext } from './service-context';

/** A queue row: the report, who sent it, and what the program would have given for it. */
export interface MissingPointsQueueRow extends MissingPointsReportView {
  /** Null when the member has since been erased. */
  member: { name: string | null; mobile: string | null; tierName: string } | null;
  /** The likeliest proposal's points (the first of `proposals`); null without a member. */
  proposedPoints: number | null;
  /** One per category, the likeliest first (see `proposeMissingPoints`). */
  proposals: MissingPointsProposal[];
}

/**
 * The staff queue's rows for `reports`: the members read in one query, their mobiles masked
 * unless `fullMobile`, and the proposals decided by the rules engine at `now`.
 */
export async function missingPointsQueue(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'program'>,
  campaigns: () => Promise<readonly CampaignWindow[]>,
  reports: readonly MissingPointsReportView[],
  fullMobile: boolean,
): Promise<MissingPointsQueueRow[]> {
  if (reports.length === 0) return [];
  const ids = [...new Set(reports.map((r) => r.memberId))];
  const members = await ctx.db.members.find({ _id: { $in: ids }, status: 'active' }).lean<MemberRecord[]>();
  const byId = new Map(members.map((m) => [m._id, m]));
  const windows = await campaigns();
  const now = ctx.clock();
  const program = ctx.program.current();
  return reports.map((report) => {
    const member = byId.get(report.memberId);
    const proposals = member ? proposeMissingPoints(member, report, windows, now, program) : [];
    return {
      ...report,
      member: member ? memberSummary(member, program, fullMobile) : null,
      proposedPoints: proposals[0]?.points ?? null,
      proposals,
    };
  });
}

function memberSummary(member: MemberRecord, program: Program, fullMobile: boolean) {
  const tier = program.tiers.find((t) => t.code === member.tier.tierCode);
  return {
    name: member.name,
    mobile: member.mobile && !fullMobile ? maskMobile(member.mobile) : member.mobile,
    tierName: tier?.name ?? member.tier.tierCode,
  };
}
