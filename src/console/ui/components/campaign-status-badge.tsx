import { campaignStatus } from '../labels';
import type { CampaignStatus } from '../types';
import { Badge } from './badge';

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  const s = campaignStatus[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
