import type { Connection } from 'mongoose';
import { type EnrolmentModel, enrolmentModel } from './models/enrolment-model';
import { type IdentityHashModel, identityHashModel } from './models/identity-hash-model';
import {
  type MissingPointsReportModel,
  missingPointsReportModel,
} from './models/missing-points-report-model';
import { type ProgramVersionModel, programVersionModel } from './models/program-version-model';
import { type ReferralModel, referralModel } from './models/referral-model';
import { type ReferralQuotaModel, referralQuotaModel } from './models/referral-quota-model';
import { type SettingModel, settingModel } from './models/setting-model';

/** The models of sign-up, referrals, erasure, points-missing reports and program versions. */
export interface MembershipModels {
  enrolments: EnrolmentModel;
  referrals: ReferralModel;
  referralQuotas: ReferralQuotaModel;
  identityHashes: IdentityHashModel;
  settings: SettingModel;
  missingPointsReports: MissingPointsReportModel;
  programVersions: ProgramVersionModel;
}

export function membershipModels(connection: Connection): MembershipModels {
  return {
    enrolments: enrolmentModel(connection),
    referrals: referralModel(connection),
    referralQuotas: referralQuotaModel(connection),
    identityHashes: identityHashModel(connection),
    settings: settingModel(connection),
    missingPointsReports: missingPointsReportModel(connection),
    programVersions: programVersionModel(connection),
  };
}
