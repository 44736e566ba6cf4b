import { Router } from 'express';
import { z } from 'zod';
import { campaignInputSchema } from '../delivery/campaign-input';
import { proposeCampaign } from '../delivery/campaign-proposal';
import { campaignWarnings } from '../delivery/campaign-warnings';
import { AppError } from '../lib/app-error';
import { CampaignDraftService } from '../services/campaign-draft-service';
import type { CampaignFailure, CampaignStatus, CampaignView } from '../services/campaign-service';
import type { Services } from '../services/services';
import { memberId } from './schemas';
import { requireRole } from './staff-auth';
import { handle, parseInput } from './validate';

const campaignId = z.string().regex(/^[0-9a-f]{24}$/, '活动编号格式不正确');

const statuses = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;

const listQuery = z.strictObject({
  status: z.enum(statuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const emptyBody = z.strictObject({});

const testBody = z
  .strictObject({
    memberIds: z.array(memberId).max(20).default([]),
    openids: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'openid 格式不正确'))
      .max(20)
      .default([]),
  })
  .refine((b) => b.memberIds.length + b.openids.length > 0, { message: '请至少指定一位测试接收人' });

const actionNames = {
  update: '修改',
  schedule: '安排发送',
  pause: '暂停',
  resume: '恢复',
  cancel: '取消',
} as const;

/**
 * Campaigns (CONTRACTS.md; roles marketing and admin): templates with their proposed dates,
 * create, edit a draft, check, preview, test send, schedule / pause / resume / cancel, one
 * campaign with live counts, and the list.
 */
export function campaignsRouter(services: Services): Router {
  const router = Router();
  const campaigns = services.campaigns;
  const drafts = new CampaignDraftService(services);
  const timeZone = () => services.program.current().timezone;

  router.get(
    '/campaigns/templates',
    requireRole('marketing'),
    handle(async (_req, res) => {
      const now = services.clock();
      res.json({
        templates: campaigns
          .templates()
          .map((t) => ({ ...t, proposal: proposeCampaign(t, now, timeZone()) })),
      });
    }),
  );

  router.get(
    '/campaigns',
    requireRole('marketing'),
    handle(async (req, res) => {
      const query = parseInput(listQuery, req.query);
      const list = await campaigns.list({
        limit: query.limit,
        ...(query.status ? { status: query.status } : {}),
      });
      res.json({ campaigns: list.map(present) });
    }),
  );

  router.post(
    '/campaigns',
    requireRole('marketing'),
    handle(async (req, res) => {
      const input = parseInput(campaignInputSchema, req.body);
      const outcome = await campaigns.create(input, res.locals.staff?.role ?? null);
      if (!outcome.ok) throw campaignError(outcome, '创建');
      res.status(201).json(present(outcome.campaign));
    }),
  );

  router.post(
    '/campaigns/preview',
    requireRole('marketing'),
    handle(async (req, res) => {
      const input = parseInput(campaignInputSchema, req.body);
      const outcome = await campaigns.preview(input);
      if (!outcome.ok) throw campaignError(outcome, '预览');
      res.json(outcome.preview);
    }),
  );

  router.post(
    '/campaigns/check',
    requireRole('marketing'),
    handle(async (req, res) => {
      const input = parseInput(campaignInputSchema, req.body);
      res.json({ warnings: campaignWarnings(input, timeZone()) });
    }),
  );

  router.patch(
    '/campaigns/:id',
    requireRole('marketing'),
    handle(async (req, res) => {
      const id = parseInput(campaignId, req.params.id);
      const input = parseInput(campaignInputSchema, req.body);
      const outcome = await drafts.update(id, input);
      if (!outcome.ok) throw campaignError(outcome, actionNames.update);
      const campaign = await campaigns.get(id);
      if (!campaign) throw new AppError('campaign_not_found', '没有这个活动', 404);
      res.json(present(campaign));
    }),
  );

  router.get(
    '/campaigns/:id',
    requireRole('marketing'),
    handle(async (req, res) => {
      const id = parseInput(campaignId, req.params.id);
      const campaign = await campaigns.get(id);
      if (!campaign) throw new AppError('campaign_not_found', '没有这个活动', 404);
      res.json(present(campaign));
    }),
  );

  for (const action of ['schedule', 'pause', 'resume', 'cancel'] as const) {
    router.post(
      `/campaigns/:id/${action}`,
      requireRole('marketing'),
      handle(async (req, res) => {
        const id = parseInput(campaignId, req.params.id);
        parseInput(emptyBody, req.body ?? {});
        const outcome = await campaigns[action](id);
        if (!outcome.ok) throw campaignError(outcome, actionNames[action]);
        res.json(present(outcome.campaign));
      }),
    );
  }

  router.post(
    '/campaigns/:id/test',
    requireRole('marketing'),
    handle(async (req, res) => {
      const id = parseInput(campaignId, req.params.id);
      const targets = parseInput(testBody, req.body);
      const outcome = await campaigns.testSend(id, targets);
      if (!outcome.ok) throw campaignError(outcome, '测试发送');
      res.json({ results: outcome.results, notFound: outcome.notFound });
    }),
  );

  return router;
}

const statusNames: Record<CampaignStatus, string> = {
  draft: '草稿',
  scheduled: '已安排',
  running: '发送中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已取消',
};

function campaignError(failure: CampaignFailure, action: string): AppError {
  switch (failure.reason) {
    case 'not_found':
      return new AppError('campaign_not_found', '没有这个活动', 404);
    case 'invalid_state':
      return new AppError('invalid_state', `活动${statusNames[failure.status]}，不能${action}`, 409, {
        status: failure.status,
      });
    case 'unknown_tier':
      return new AppError('unknown_tier', `没有这些会员等级：${failure.tiers.join('、')}`, 400, {
        tiers: failure.tiers,
      });
  }
}

/** The window's multiplier as people write it (2, 1.5) next to its exact thousandths. */
function present<T extends Omit<CampaignView, 'counts'>>(campaign: T) {
  return {
    ...campaign,
    window: campaign.window
      ? { ...campaign.window, multiplier: campaign.window.multiplierMilli / 1000 }
      : null,
  };
}
