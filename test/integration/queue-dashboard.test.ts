import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { testKeys } from '../helpers/test-config';
import { waitFor } from '../helpers/wait-for';
import { startWechatHarness } from '../helpers/wechat-harness';
import { bigMsgId, postXml, signedQuery, textXml, uniqueOpenid } from '../helpers/wechat-webhook-client';

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

  it('has no wechat-inbound queue on the simulator channel', async () => {
    const res = await fetch(`${api.url}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${testKeys.admin}` },
    });
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).not.toContain('wechat-inbound');
  });
});

describe('queue dashboard in WeChat mode', () => {
  it('also shows the wechat-inbound queue, with the webhook’s hand-offs counted', async () => {
    const wechat = await startWechatHarness({ WECHAT_TOKEN: 'dashboardToken42' });
    try {
      const { url } = wechat.api;
      const posted = await postXml(
        url,
        signedQuery({ token: 'dashboardToken42' }),
        textXml(uniqueOpenid(), bigMsgId(), '查积分'),
      );
      expect(posted).toMatchObject({ status: 200, body: 'success' });
      type Listed = { name: string; counts: Record<string, number> };
      const inbound = await waitFor(
        async () => {
          const res = await fetch(`${url}/admin/queues/api/queues`, {
            headers: { authorization: basic(testKeys.admin) },
          });
          const body = (await res.json()) as { queues: Listed[] };
          const queue = body.queues.find((q) => q.name === 'wechat-inbound');
          const total = Object.values(queue?.counts ?? {}).reduce((sum, n) => sum + n, 0);
          return total >= 1 && { names: body.queues.map((q) => q.name), queue };
        },
        10_000,
        'the hand-off on the dashboard',
      );
      expect(inbound.names).toEqual(
        expect.arrayContaining(['wechat-inbound', 'maintenance', 'delivery', 'campaigns']),
      );
      // Store keys still see nothing of it.
      const store = await fetch(`${url}/admin/queues/api/queues`, {
        headers: { authorization: `Bearer ${testKeys.store}` },
      });
      expect(store.status).toBe(403);
    } finally {
      await wechat.stop();
    }
  });
});
