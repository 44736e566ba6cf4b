import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { EnrolmentRecord } from '../../src/data/models/enrolment-model';
import type { VoucherRecord } from '../../src/data/models/voucher-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { expectLedgerReplays, memberOf } from '../helpers/member-points';

let h: ApiHarness;
let db: Database;
let mobileSeq = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

/** A mobile number no other test uses. */
const freshMobile = () => `137${String(10_000_000 + ++mobileSeq * 7919).padStart(8, '0')}`;

const enrol = (body: Record<string, unknown>, role: 'admin' | 'store' | 'marketing' = 'store') =>
  h.post('/api/v1/members', { name: '王先生', privacyConsent: true, ...body }, role);

describe('POST /api/v1/members (enrolment at the counter)', () => {
  it('creates the member with 1,000 welcome points, a 30-day maintenance voucher and consent records', async () => {
    const mobile = freshMobile();
    const res = await enrol({
      mobile,
      birthday: '1988-03-14',
      plate: '粤B D12345',
      model: '凯美瑞',
      marketingConsent: true,
    });
    expect(res.status).toBe(201);
    const { member, welcome } = res.body;
    expect(member.id).toMatch(/^[0-9a-f]{24}$/);
    expect(member.referralCode).toMatch(/^[A-HJ-KM-NP-Z2-9]{6,8}$/);
    // Store staff see the mobile masked.
    expect(member.mobile).toBe(`${mobile.slice(0, 3)}****${mobile.slice(7)}`);
    expect(member.birthday).toEqual({ month: 3, day: 14, year: 1988 });
    expect(member.vehicles[0]).toMatchObject({ plate: '粤BD12345', model: '凯美瑞' });
    expect(member.balance.available).toBe(1_000);
    expect(member.marketingConsent).toBe(true);
    expect(member.consents).toEqual([
      expect.objectContaining({ kind: 'privacy', granted: true, version: '2026-11', channel: 'counter' }),
      expect.objectContaining({ kind: 'marketing', granted: true, channel: 'counter' }),
    ]);
    expect(welcome.points).toBe(1_000);
    expect(welcome.voucher).toMatchObject({ name: '免费基础保养券', expiresAt: '2026-12-25T15:59:59.999Z' });
    expect(welcome.voucher.code).toMatch(/^[A-HJ-KM-NP-Z2-9]{8}$/);

    const voucher = await db.vouchers.findOne({ memberId: member.id }).lean<VoucherRecord>();
    expect(voucher).toMatchObject({
      kind: 'welcome',
      status: 'issued',
      sourceKey: `welcome-voucher:${member.id}`,
    });
    const ledger = await db.memberStore.ledgerOf(member.id);
    expect(ledger.map((e) => [e.entryId, e.type, e.points])).toEqual([
      [`welcome:${member.id}`, 'welcome', 1_000],
    ]);
    await expectLedgerReplays(db, member.id);

    // Admin sees the mobile in full.
    const detail = await h.get(`/api/v1/members/${member.id}`, 'admin');
    expect(detail.body.mobile).toBe(mobile);
  });

  it('defaults marketing consent to off and answers a known mobile with 409 already_member and the id', async () => {
    const mobile = freshMobile();
    const first = await enrol({ mobile });
    expect(first.status).toBe(201);
    expect(first.body.member.marketingConsent).toBe(false);
    const again = await enrol({ mobile, name: '另一个人' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'already_member',
      details: { memberId: first.body.member.id },
    });
  });

  it('20 concurrent enrolments of one mobile make one member and one welcome', async () => {
    const mobile = freshMobile();
    const results = await Promise.all(Array.from({ length: 20 }, () => enrol({ mobile })));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    const id = created[0]!.body.member.id;
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.details.memberId).toBe(id);
    expect(await db.members.countDocuments({ mobile })).toBe(1);
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({ memberId: id, type: 'welcome' })).toBe(1);
    expect(await db.vouchers.countDocuments({ memberId: id })).toBe(1);
    expect((await memberOf(db, id)).account.lots).toHaveLength(1);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '一二三四五六七八九十一二三四五六七八九十一' }, 'name'],
    [{ mobile: '12345678901' }, 'mobile'],
    [{ birthday: '2026-02-29' }, 'birthday'],
    [{ birthday: '2030-01-01' }, 'birthday'],
    [{ birthday: '13-01' }, 'birthday'],
    [{ plate: '沪A1234' }, 'plate'],
    [{ plate: '沪I12345' }, 'plate'],
    [{ privacyConsent: false }, 'privacyConsent'],
    [{ referralCode: 'x!' }, 'referralCode'],
    [{ extra: 1 }, ''],
  ])('rejects %o with 400 naming the field', async (patch, field) => {
    const res = await enrol({ mobile: freshMobile(), ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('accepts MM-DD birthdays and 8-character new-energy plates', async () => {
    const res = await enrol({ mobile: freshMobile(), birthday: '02-29', plate: '沪a·12345d' });
    expect(res.status).toBe(201);
    expect(res.body.member.birthday).toEqual({ month: 2, day: 29, year: null });
    expect(res.body.member.vehicles[0].plate).toBe('沪A12345D');
  });

  it('rejects operator injection with 400 and lets only store and admin enrol', async () => {
    const injected = await h.post('/api/v1/members', {
      name: '甲',
      mobile: { $gt: '' },
      privacyConsent: true,
    });
    expect(injected.status).toBe(400);
    expect((await enrol({ mobile: freshMobile() }, 'marketing')).status).toBe(403);
    const unknown = await enrol({ mobile: freshMobile(), referralCode: 'ZZZZZZ' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_referral_code');
  });

  it('finishes a sign-up interrupted after the member was created (recoverStuck), once', async () => {
    const mobile = freshMobile();
    const res = await enrol({ mobile });
    const id = res.body.member.id as string;
    // Simulate the crash: the journal still pending, the welcome not yet granted.
    await db.membership.enrolments.updateOne({ _id: id }, { $set: { status: 'pending', outcome: null } });
    await db.memberStore.drain();
    await db.ledger.deleteMany({ memberId: id });
    await db.vouchers.deleteMany({ memberId: id });
    const fresh = await memberOf(db, id);
    await db.members.updateOne(
      { _id: id },
      { $set: { account: { lots: [], debt: 0, pending: [] }, recentOps: [], rev: 0, outbox: [] } },
    );
    expect(fresh.rev).toBeGreaterThan(0);
    h.setNow(new Date(h.now().getTime() + 60_000));
    expect(await h.runtime.services.enrolment.recoverStuck()).toBeGreaterThanOrEqual(1);
    expect(await h.runtime.services.enrolment.recoverStuck()).toBe(0);
    const journal = await db.membership.enrolments.findById(id).lean<EnrolmentRecord>();
    expect(journal?.status).toBe('done');
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({ memberId: id, type: 'welcome' })).toBe(1);
    expect(await db.vouchers.countDocuments({ memberId: id })).toBe(1);
    await expectLedgerReplays(db, id);
  });
});

describe('POST /api/v1/members/{id}/erase (注销)', () => {
  it('erases personal data, keeps the ledger, answers a repeat the same, and lets the mobile re-join', async () => {
    const mobile = freshMobile();
    const created = await enrol({
      mobile,
      birthday: '1990-05-01',
      plate: '沪A12345',
      marketingConsent: true,
    });
    const id = created.body.member.id as string;
    const txn = await h.post('/api/v1/transactions', {
      transactionId: `erase-${id}`,
      memberId: id,
      category: 'maintenance',
      amountFen: 50_000,
      occurredAt: '2026-11-25T09:00:00+08:00',
    });
    expect(txn.status).toBe(201);

    expect((await h.post(`/api/v1/members/${id}/erase`, {}, 'store')).status).toBe(403);
    const first = await h.post(`/api/v1/members/${id}/erase`, {});
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ memberId: id, status: 'erased', erasedAt: expect.any(String) });
    const second = await h.post(`/api/v1/members/${id}/erase`, {});
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);

    const member = await memberOf(db, id);
    expect(member).toMatchObject({
      status: 'erased',
      name: null,
      mobile: null,
      openid: null,
      birthday: null,
      vehicles: [],
      marketingConsent: false,
    });
    expect(JSON.stringify(member)).not.toContain(mobile);
    expect(member.consents.at(-1)).toMatchObject({ kind: 'privacy', granted: false, channel: 'staff' });
    // Ledger kept (only the member id ties it), still replays; vouchers cancelled.
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({ memberId: id })).toBeGreaterThanOrEqual(2);
    await expectLedgerReplays(db, id);
    expect(await db.vouchers.countDocuments({ memberId: id, status: 'issued' })).toBe(0);
    expect((await h.get(`/api/v1/members/${id}`)).status).toBe(404);
    expect((await h.get(`/api/v1/members?mobile=${mobile}`)).body.members).toEqual([]);

    // Erased members' numbers are not kept anywhere in clear.
    const hashes = await db.membership.identityHashes.find({}).lean();
    expect(JSON.stringify(hashes)).not.toContain(mobile);

    const rejoin = await enrol({ mobile });
    expect(rejoin.status).toBe(201);
    expect(rejoin.body.member.id).not.toBe(id);
    expect(rejoin.body.member.balance.available).toBe(1_000);
  });

  it('answers 404 for an unknown member', async () => {
    expect((await h.post('/api/v1/members/0123456789abcdef01234567/erase', {})).status).toBe(404);
  });
});
