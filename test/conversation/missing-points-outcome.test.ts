import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { DeliveryStateRecord } from '../../src/data/models/delivery-state-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import type { MissingPointsReportRecord } from '../../src/data/models/missing-points-report-model';
import { missingPointsOutcomeKey } from '../../src/services/missing-points-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { balanceOf } from '../helpers/member-points';
import { waitFor } from '../helpers/wait-for';
import {
  bigMsgId,
  eventXml,
  postXml,
  signedQuery,
  textXml,
  uniqueOpenid,
} from '../helpers/wechat-webhook-client';

/**
 * 积分没到账 end to end on the official account: the member reports in chat (signed webhook POSTs
 * → the real conversation), staff decide through the staff API, and the member is told through
 * the delivery queue as a customer-service message the fake WeChat API receives — once, under the
 * delivery policy (quiet hours, unfollowed).
 */
const TOKEN = 'outcomeToken42';
let fake: FakeWechatApi;
let api: ApiHarness;
let createTime = 0;

beforeAll(async () => {
  fake = await startFakeWechatApi();
  api = await startApiHarness({
    now: '2026-11-25T10:00:00+08:00',
    env: {
      CHANNEL: 'wechat',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_TOKEN: TOKEN,
      WECHAT_API_BASE: fake.url,
      SMS_PROVIDER: 'dev',
    },
  });
  // WeChat's CreateTime of the members' messages: before the harness clock (the service window is
  // measured back from it), one second apart so each message is a new one.
  createTime = Math.floor(api.now().getTime() / 1000) - 3_600;
});

afterAll(async () => {
  await api?.stop();
  await fake?.close();
});

const db = () => api.runtime.services.db;

/** The member types `text` in WeChat (sent "now" by the harness clock, so the 48 h window is open). */
async function type(openid: string, text: string): Promise<void> {
  fake.userMessaged(openid);
  const res = await postXml(
    api.url,
    signedQuery({ token: TOKEN }),
    textXml(openid, bigMsgId(), text, ++createTime),
  );
  expect(res.status).toBe(200);
}

/** Customer-service texts the fake accepted for `openid` that contain `phrase`. */
const told = (openid: string, phrase: string) =>
  fake
    .callsTo('/cgi-bin/message/custom/send')
    .filter((call) => call.body.touser === openid && call.errcode === 0)
    .map((call) => (call.body.text as { content: string }).content)
    .filter((content) => content.includes(phrase));

const reportsOf = (memberId: string) =>
  db().membership.missingPointsReports.find({ memberId }).lean<MissingPointsReportRecord[]>();

const deliveryOf = (reportId: string) =>
  db().delivery.deliveries.findById(missingPointsOutcomeKey(reportId)).lean<DeliveryRecord>();

/** The member wrote (their customer-service window is open in our delivery state). */
const wrote = (memberId: string) =>
  waitFor(
    async () =>
      (await db().delivery.states.findById(memberId).lean<DeliveryStateRecord>())?.lastInboundAt != null,
    10_000,
    'the inbound to be noted',
  );

async function openAtCounter(memberId: string): Promise<string> {
  const res = await api.post(
    `/api/v1/members/${memberId}/missing-points`,
    { date: '2026-11-20', amountFen: 56_800 },
    'store',
  );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('telling the member the outcome of a 积分没到账 report', () => {
  it('resolved: the member reported in chat and is told the points credited, once', async () => {
    const openid = uniqueOpenid();
    const member = await api.insertMember({ openid });
    for (const line of ['积分没到账', '昨天', '1280元', '跳过']) await type(openid, line);
    const [report] = await waitFor(
      async () => {
        const reports = await reportsOf(member._id);
        return reports.length === 1 && reports;
      },
      10_000,
      'the report from the chat',
    );
    expect(report).toMatchObject({
      date: '2026-11-24',
      amountFen: 128_000,
      channel: 'chat',
      notifiedAt: null,
    });

    // Two counter staff press 补录 at once: one credit, one message.
    const body = { points: 1_280, reason: '核对小票属实，补录保养积分' };
    const decided = await Promise.all([
      api.post(`/api/v1/missing-points/${report!._id}/resolve`, body, 'store'),
      api.post(`/api/v1/missing-points/${report!._id}/resolve`, body, 'admin'),
    ]);
    expect(decided.map((res) => res.status)).toEqual([200, 200]);
    expect(decided.map((res) => res.body.notifiedAt)).toEqual([
      api.now().toISOString(),
      api.now().toISOString(),
    ]);

    const [message] = await waitFor(
      () => told(openid, '门店已核实').length > 0 && told(openid, '门店已核实'),
      10_000,
      'the message',
    );
    expect(message).toBe(
      '您反映的 2026年11月24日 ¥1,280.00 消费的积分，门店已核实并为您补上 1,280 积分。说明：核对小票属实，补录保养积分。回复「查积分」看看最新余额，回复「明细」查看这笔记录。',
    );
    expect(await balanceOf(db(), member._id, api.now())).toBe(1_280);
    const delivery = await waitFor(
      async () => {
        const record = await deliveryOf(report!._id);
        return record?.status === 'sent' && record;
      },
      10_000,
      'the delivery to be recorded as sent',
    );
    expect(delivery).toMatchObject({
      category: 'service',
      kind: 'missing_points_outcome',
      channel: 'customer_service',
    });

    // A repeat of the decision, and the recovery sweep, tell nothing again.
    expect(
      (await api.post(`/api/v1/missing-points/${report!._id}/resolve`, body, 'store')).body.duplicate,
    ).toBe(true);
    await api.runtime.services.missingPoints.recoverStuck(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(told(openid, '门店已核实')).toHaveLength(1);
    expect(await db().delivery.deliveries.countDocuments({ memberId: member._id })).toBe(1);
  });

  it('rejected: the member is told the reason and to type 人工', async () => {
    const openid = uniqueOpenid();
    const member = await api.insertMember({ openid });
    await type(openid, '你好');
    await wrote(member._id);
    const reportId = await openAtCounter(member._id);
    const res = await api.post(
      `/api/v1/missing-points/${reportId}/reject`,
      { reason: '这笔消费已在 11 月 20 日计入积分' },
      'store',
    );
    expect(res.status).toBe(200);
    const [message] = await waitFor(
      () => told(openid, '无法补录').length > 0 && told(openid, '无法补录'),
      10_000,
      'the message',
    );
    expect(message).toBe(
      '您反映的 2026年11月20日 ¥568.00 消费的积分，门店核实后暂时无法补录。原因：这笔消费已在 11 月 20 日计入积分。如有疑问，回复「人工」联系门店。',
    );
    expect(await balanceOf(db(), member._id, api.now())).toBe(0);
  });

  it('follows the delivery policy: deferred in quiet hours, skipped once the member unfollowed', async () => {
    const night = uniqueOpenid();
    const sleeper = await api.insertMember({ openid: night });
    await type(night, '查积分');
    await wrote(sleeper._id);
    const lateReport = await openAtCounter(sleeper._id);

    const gone = uniqueOpenid();
    const leaver = await api.insertMember({ openid: gone });
    await type(gone, '查积分');
    await wrote(leaver._id);
    const leaverReport = await openAtCounter(leaver._id);
    const unfollow = await postXml(
      api.url,
      signedQuery({ token: TOKEN }),
      eventXml(gone, 'unsubscribe', {}, ++createTime),
    );
    expect(unfollow.status).toBe(200);
    await waitFor(
      async () => (await db().members.findById(leaver._id).lean<MemberRecord>())?.openid === null,
      10_000,
      'the unfollow',
    );

    // 22:30 local: inside the quiet hours (21:00–09:00), which apply to service messages too.
    api.setNow('2026-11-25T22:30:00+08:00');
    await api.post(`/api/v1/missing-points/${lateReport}/resolve`, { points: 568, reason: '补录' }, 'store');
    await api.post(`/api/v1/missing-points/${leaverReport}/reject`, { reason: '重复报告' }, 'store');
    const deferred = await waitFor(
      async () => {
        const record = await deliveryOf(lateReport);
        return record?.status === 'deferred' && record;
      },
      10_000,
      'the night message to be deferred',
    );
    expect(deferred.deferredUntil?.toISOString()).toBe(new Date('2026-11-26T09:00:00+08:00').toISOString());
    api.setNow('2026-11-25T10:00:00+08:00');
    const skipped = await waitFor(
      async () => {
        const record = await deliveryOf(leaverReport);
        return record?.status === 'skipped' && record;
      },
      10_000,
      'the message to the unfollowed member to be skipped',
    );
    expect(skipped.reason).toBe('unfollowed');
    expect(told(night, '门店已核实')).toEqual([]);
    expect(told(gone, '无法补录')).toEqual([]);
  });

  it('an outcome a crash kept from delivery is handed over by the recovery sweep, once', async () => {
    const openid = uniqueOpenid();
    const member = await api.insertMember({ openid });
    await type(openid, '明细');
    await wrote(member._id);
    const reportId = await openAtCounter(member._id);
    // Decided, then the process died before the hand-off.
    await db().membership.missingPointsReports.updateOne(
      { _id: reportId },
      {
        $set: {
          status: 'rejected',
          decidedAt: new Date(api.now().getTime() - 60_000),
          decision: {
            kind: 'reject',
            points: 0,
            qualifyingPoints: 0,
            reason: '无',
            at: api.now(),
            byRole: 'store',
          },
          outcome: {
            status: 'rejected',
            points: 0,
            reason: '发票抬头不是本店',
            message: '您的报告已处理：发票抬头不是本店。',
          },
        },
      },
    );
    const missing = api.runtime.services.missingPoints;
    expect(await missing.recoverStuck()).toBe(1);
    expect(await missing.recoverStuck()).toBe(0);
    const report = await db()
      .membership.missingPointsReports.findById(reportId)
      .lean<MissingPointsReportRecord>();
    expect(report?.notifiedAt).not.toBeNull();
    await waitFor(() => told(openid, '发票抬头不是本店').length === 1, 10_000, 'the recovered message');
  });
});
