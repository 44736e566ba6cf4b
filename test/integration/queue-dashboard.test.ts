import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { testKeys } from '../helpers/test-config';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api?.stop());

const basic = (key: string) => `Basic ${Buffer.from(`staff:${key}`).toString('base64')}`;

describe('queue dashboard at /admin/queues', () => {
  it('asks a browser for the admin key and refuses other roles', async () => {
    const anonymous = await fetch(`${api.url}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const store = await fetch(`${api.url}/admin/queues`, {
      headers: { authorization: basic(testKeys.store) },
    });
    expect(store.status).toBe(403);
    const wrong = await fetch(`${api.url}/admin/queues`, {
      headers: { authorization: basic('not-the-key-000000') },
    });
    expect(wrong.status).toBe(401);
  });

  it('shows every queue of the registry to an admin, with Basic or Bearer', async () => {
    const page = await fetch(`${api.url}/admin/queues`, {
      headers: { authorization: basic(testKeys.admin) },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const res = await fetch(`${api.url}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${testKeys.admin}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(
      expect.arrayContaining(['maintenance', 'delivery', 'campaigns']),
    );
  });
});
