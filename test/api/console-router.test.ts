import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRouter } from '../../src/console/console.router';

/** The console's files over HTTP, on a bare express app (no database needed: they hold no data). */
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use('/console', consoleRouter());
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('GET /console', () => {
  it('serves the shell page with a strict CSP and no inline script', async () => {
    const res = await fetch(`${base}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy');
    expect(csp).toBe(CONSOLE_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<script type="module" src="/console/app.js"></script>');
    // Every script is a file from this server: no inline code, no CDN.
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, body] of scripts) {
      expect(body).toBe('');
      expect(tag).toMatch(/src="\/console\//);
    }
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the bundle (Preact app, Chart.js) and its CSS, gzipped when asked, 304 when unchanged', async () => {
    const js = await fetch(`${base}/console/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const code = await js.text();
    expect(code.length).toBeGreaterThan(50_000);
    expect(code).toContain('员工后台登录');
    // No CDN at run time: the bundle loads nothing from another origin.
    expect(code).not.toMatch(/\bimport\s*\(?\s*["']https?:/);

    const again = await fetch(`${base}/console/app.js`, {
      headers: { 'if-none-match': js.headers.get('etag')! },
    });
    expect(again.status).toBe(304);

    const plain = await fetch(`${base}/console/app.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('etag')).not.toBe(js.headers.get('etag'));
    expect((await plain.text()).length).toBe(code.length);

    const css = await fetch(`${base}/console/app.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.table');
  });
});
