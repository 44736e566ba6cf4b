import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { PublishedProgramSource } from '../../src/services/published-program-source';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

let h: ApiHarness;
let db: Database;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

const post = (transactionId: string, memberId: string) =>
  h.post(
    '/api/v1/transactions',
    {
      transactionId,
      memberId,
      category: 'maintenance',
      amountFen: 10_000,
      occurredAt: h.now().toISOString(),
    },
    'store',
  );

describe('program versions', () => {
  it('reads the program in force for any staff role', async () => {
    for (const role of ['store', 'marketing', 'admin'] as const) {
      const res = await h.get('/api/v1/program', role);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: '2026-11-default', publishedAt: null });
      expect(res.body.program.categories.maintenance.rateMilli).toBe(1_000);
      expect(res.body.file.categories.maintenance.rate).toBe(1);
    }
  });

  it('refuses a publish by non-admins and an invalid program, listing the problems', async () => {
    expect((await h.post('/api/v1/program', { welcome: { points: 10 } }, 'store')).status).toBe(403);
    const bad = await h.post('/api/v1/program', {
      categories: { maintenance: { rate: -1 } },
      welcome: { points: 1.5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_program');
    expect(bad.body.error.details.problems).toEqual([
      expect.stringContaining('categories.maintenance.rate'),
      expect.stringContaining('welcome.points'),
    ]);
    expect((await h.post('/api/v1/program', { tiers: { $gt: '' } })).status).toBe(400);
    expect((await h.get('/api/v1/program')).body.version).toBe('2026-11-default');
  });

  it('refuses a version that drops the store a staff key acts for', async () => {
    const res = await h.post('/api/v1/program', {
      stores: [{ id: 'north', name: '北区店', phone: '400-800-5678', hours: '每天 9:00–18:00' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_program');
    expect(res.body.error.details.problems).toEqual([expect.stringContaining('names store "main"')]);
    expect((await h.get('/api/v1/program')).body.version).toBe('2026-11-default');
  });

  it('checks a change without publishing: the values it would alter, or its problems', async () => {
    expect((await h.post('/api/v1/program/check', { welcome: { points: 10 } }, 'marketing')).status).toBe(
      403,
    );
    const inForce = (await h.get('/api/v1/program')).body.file;
    const checked = await h.post('/api/v1/program/check', {
      categories: { maintenance: { rate: 1.5 } },
      tiers: inForce.tiers.map((tier: { threshold: number }, i: number) =>
        i === 1 ? { ...tier, threshold: tier.threshold + 1_000 } : tier,
      ),
    });
    expect(checked.status).toBe(200);
    expect(checked.body).toEqual({
      ok: true,
      changes: [
        {
          path: 'tiers[1].threshold',
          before: inForce.tiers[1].threshold,
          after: inForce.tiers[1].threshold + 1_000,
        },
        { path: 'categories.maintenance.rate', before: 1, after: 1.5 },
      ],
    });
    // The whole file form sent back as it came: nothing would change.
    expect((await h.post('/api/v1/program/check', inForce)).body).toEqual({ ok: true, changes: [] });
    // The same values again: nothing would change.
    const same = await h.post('/api/v1/program/check', { categories: { maintenance: { rate: 1 } } });
    expect(same.body).toEqual({ ok: true, changes: [] });
    const bad = await h.post('/api/v1/program/check', { welcome: { points: -5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems).toEqual([expect.stringContaining('welcome.points')]);
    const taken = await h.post('/api/v1/program/check', { version: '2026-11-default' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('version_taken');
    expect((await h.post('/api/v1/program/check', ['tiers'])).status).toBe(400);
    // Nothing was published.
    expect((await h.get('/api/v1/program')).body.version).toBe('2026-11-default');
    expect(await db.membership.programVersions.countDocuments()).toBe(0);
  });

  it('a published version applies to new transactions only', async () => {
    const member = await h.insertMember();
    const before = await post('pv-before', member._id);
    expect(before.status).toBe(201);
    expect(before.body.points).toBe(110);

    const published = await h.post('/api/v1/program', { categories: { maintenance: { rate: 2 } } });
    expect(published.status).toBe(201);
    expect(published.body.version).toBe('2026-11-25.1');
    expect(published.body.program.categories.maintenance.rateMilli).toBe(2_000);
    // Everything else is the program it was merged over.
    expect(published.body.program.tiers[1].multiplierMilli).toBe(1_200);
    const inForce = await h.get('/api/v1/program', 'store');
    expect(inForce.body).toMatchObject({ version: '2026-11-25.1', publishedAt: published.body.publishedAt });

    const after = await post('pv-after', member._id);
    expect(after.body.points).toBe(200);
    // The earlier transaction keeps its result and the version it was decided under.
    const repeat = await post('pv-before', member._id);
    expect(repeat.status).toBe(200);
    expect(repeat.body.points).toBe(110);
    await db.memberStore.drain();
    const entries = await db.ledger.find({ memberId: member._id }).lean();
    expect(entries.map((e) => e.programVersion)).toEqual(['2026-11-default', '2026-11-25.1']);
  });

  it('takes a named version once, and other processes pick up a publish on refresh', async () => {
    const named = await h.post('/api/v1/program', { version: '2027-spring', welcome: { points: 2_000 } });
    expect(named.status).toBe(201);
    expect(named.body.program.categories.maintenance.rateMilli).toBe(2_000);
    expect((await h.post('/api/v1/program', { version: '2027-spring' })).status).toBe(409);

    // Another process publishes straight into the collection; this one switches on its next check.
    const source = h.runtime.services.program as PublishedProgramSource;
    await db.membership.programVersions.create({
      _id: 'elsewhere',
      input: {
        ...(await db.membership.programVersions.findById('2027-spring').lean())!.input,
        version: 'elsewhere',
        programName: '别处发布',
      },
      publishedAt: new Date(h.now().getTime() + 60_000),
      basedOn: '2027-spring',
      publishedBy: null,
    });
    expect(source.current().version).toBe('2027-spring');
    await source.refresh();
    expect(source.current()).toMatchObject({ version: 'elsewhere', programName: '别处发布' });
    const enrol = await h.post(
      '/api/v1/members',
      { name: '新会员', mobile: '13722223333', privacyConsent: true },
      'store',
    );
    expect(enrol.body.welcome.points).toBe(2_000);
  });
});
