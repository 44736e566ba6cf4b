import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketingConsentService } from '../../src/services/marketing-consent-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { givePoints } from '../helpers/give-points';

/** What the staff console needs from the member API: plate search, a member's vouchers, consents. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-02T10:00:00+08:00' });
});
afterAll(() => h?.stop());

let seq = 0;
const freshMobile = () => `135${String(40_000_000 + ++seq * 6_007).padStart(8, '0')}`;
const masked = (mobile: string) => `${mobile.slice(0, 3)}****${mobile.slice(7)}`;

async function enrol(extra: Record<string, unknown> = {}) {
  const mobile = freshMobile();
  const res = await h.post(
    '/api/v1/members',
    { name: '车主', mobile, privacyConsent: true, ...extra },
    'store',
  );
  expect(res.status).toBe(201);
  return { id: res.body.member.id as string, mobile };
}

describe('GET /members?plate=', () => {
  it('finds members by a normalised plate, masking the mobile as ?mobile= does', async () => {
    const first = await enrol({ plate: '粤B D12345' });
    h.setNow('2026-11-02T11:00:00+08:00');
    // A second owner of the same car (a family member).
    const second = await enrol({ plate: '粤BD12345' });
    await enrol({ plate: '粤B12345' });

    for (const role of ['store', 'marketing'] as const) {
      const res = await h.get(`/api/v1/members?plate=${encodeURIComponent('粤b·ｄ12345')}`, role);
      expect(res.status).toBe(200);
      expect(res.body.members.map((m: { id: string }) => m.id)).toEqual([first.id, second.id]);
      expect(res.body.members[0].mobile).toBe(masked(first.mobile));
      expect(res.body.members[0].vehicles[0].plate).toBe('粤BD12345');
    }
    const admin = await h.get(`/api/v1/members?plate=${encodeURIComponent('粤BD12345')}`, 'admin');
    expect(admin.body.members[0].mobile).toBe(first.mobile);
    const byMobile = await h.get(`/api/v1/members?mobile=${first.mobile}`, 'store');
    expect(byMobile.body.members).toHaveLength(1);
    expect(byMobile.body.members[0].mobile).toBe(masked(first.mobile));

    const none = await h.get(`/api/v1/members?plate=${encodeURIComponent('京A88888')}`, 'store');
    expect(none.body).toEqual({ members: [] });
  });

  it('400 for a non-plate, for both or neither of mobile and plate', async () => {
    const bad = await h.get(`/api/v1/members?plate=${encodeURIComponent('粤B1234')}`, 'store');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].message).toContain('车牌号格式不正确');
    expect(
      (await h.get(`/api/v1/members?plate=${encodeURIComponent('粤B12345')}&mobile=13800138000`)).status,
    ).toBe(400);
    expect((await h.get('/api/v1/members', 'store')).status).toBe(400);
  });
});

describe('GET /members/{id}/vouchers', () => {
  it('every voucher, newest first, with the status that holds now (expired before the sweep)', async () => {
    h.setNow('2026-11-03T10:00:00+08:00');
    const member = await enrol();
    await givePoints(h.runtime.services.db, h.runtime.services.program.current(), member.id, 2_000, h.now());

    h.setNow('2026-11-04T10:00:00+08:00');
    const used = await h.post(
      `/api/v1/members/${member.id}/redemptions`,
      { rewardId: 'car-wash', requestId: `wash-${randomBytes(4).toString('hex')}` },
      'store',
    );
    expect(used.status).toBe(201);
    h.setNow('2026-11-04T15:00:00+08:00');
    expect((await h.post(`/api/v1/vouchers/${used.body.voucher.code}/verify`, {}, 'store')).status).toBe(200);

    h.setNow('2026-11-05T10:00:00+08:00');
    await givePoints(h.runtime.services.db, h.runtime.services.program.current(), member.id, 1_500, h.now());
    const cancelled = await h.post(
      `/api/v1/members/${member.id}/redemptions`,
      { rewardId: 'car-wash', requestId: `wash-${randomBytes(4).toString('hex')}` },
      'store',
    );
    expect(cancelled.status).toBe(201);
    expect((await h.post(`/api/v1/vouchers/${cancelled.body.voucher.code}/cancel`, {}, 'store')).status).toBe(
      200,
    );

    // The welcome voucher (30 days from 3 Nov) has run out; the nightly sweep has not marked it yet.
    h.setNow('2026-12-04T10:00:00+08:00');
    for (const role of ['store', 'marketing', 'admin'] as const) {
      const res = await h.get(`/api/v1/members/${member.id}/vouchers`, role);
      expect(res.status).toBe(200);
      expect(
        res.body.vouchers.map((v: Record<string, unknown>) => [v.name, v.status, v.usedAt, v.usedStoreId]),
      ).toEqual([
        ['免费洗车', 'cancelled', null, null],
        ['免费洗车', 'used', '2026-11-04T07:00:00.000Z', 'main'],
        ['免费基础保养券', 'expired', null, null],
      ]);
      expect(res.body.vouchers[1]).toEqual({
        code: used.body.voucher.code,
        name: '免费洗车',
        kind: 'reward',
        status: 'used',
        storeIds: null,
        issuedAt: '2026-11-04T02:00:00.000Z',
        expiresAt: used.body.voucher.expiresAt,
        usedAt: '2026-11-04T07:00:00.000Z',
        usedStoreId: 'main',
        cancelledAt: null,
      });
    }
  });

  it('404 for an unknown member, 400 for a bad id or an unknown query field', async () => {
    expect((await h.get(`/api/v1/members/${'a'.repeat(24)}/vouchers`, 'store')).status).toBe(404);
    expect((await h.get('/api/v1/members/not-an-id/vouchers', 'store')).status).toBe(400);
    const member = await enrol();
    expect((await h.get(`/api/v1/members/${member.id}/vouchers?status=used`, 'store')).status).toBe(400);
  });
});

describe('consentHistory on GET /members/{id}', () => {
  it('every consent record, oldest first: kind, granted or withdrawn, policy version, time, channel', async () => {
    h.setNow('2026-11-06T10:00:00+08:00');
    const member = await enrol({ marketingConsent: true });
    h.setNow('2026-11-07T20:00:00+08:00');
    const consent = new MarketingConsentService(h.runtime.services);
    expect(await consent.setMarketing(member.id, false, 'chat')).toEqual({ ok: true, changed: true });

    const res = await h.get(`/api/v1/members/${member.id}`, 'marketing');
    expect(res.status).toBe(200);
    expect(res.body.consentHistory).toEqual([
      {
        kind: 'privacy',
        granted: true,
        status: 'granted',
        policyVersion: '2026-11',
        at: '2026-11-06T02:00:00.000Z',
        channel: 'counter',
      },
      {
        kind: 'marketing',
        granted: true,
        status: 'granted',
        policyVersion: null,
        at: '2026-11-06T02:00:00.000Z',
        channel: 'counter',
      },
      {
        kind: 'marketing',
        granted: false,
        status: 'withdrawn',
        policyVersion: null,
        at: '2026-11-07T12:00:00.000Z',
        channel: 'chat',
      },
    ]);
  });
});
