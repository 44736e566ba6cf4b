import { readFileSync } from 'node:fs';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { runtimeFile } from '../lib/runtime-files';
import { type BundledFile, bundleConsole } from './bundle-console';

/** The shell page: it only loads the bundle; everything else is the app talking to /api/v1. */
const page = readFileSync(runtimeFile('console/console-page.html'), 'utf8');

/**
 * Scripts and styles from this server only, no inline code, API calls to this origin only. Blob
 * URLs are the CSV downloads the page builds from authenticated fetches.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `/console`: the staff console (a single-page app with hash routes) and its bundle. No key is
 * needed for these files: they hold no data, and the app signs in against the staff API.
 */
export function consoleRouter(): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res
      .status(200)
      .type('html')
      .set({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'content-security-policy': CONSOLE_CSP,
      })
      .send(page);
  });

  const serve = (pick: 'js' | 'css', type: string) => (req: Request, res: Response, next: NextFunction) => {
    bundleConsole()
      .then((bundle) => sendBundled(req, res, bundle[pick], type))
      .catch(next);
  };
  router.get('/app.js', serve('js', 'text/javascript; charset=utf-8'));
  router.get('/app.css', serve('css', 'text/css; charset=utf-8'));
  return router;
}

function sendBundled(req: Request, res: Response, file: BundledFile, type: string): void {
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  res.set({
    'content-type': type,
    // Revalidated on every load (a new version is picked up at once), answered 304 when unchanged.
    'cache-control': 'no-cache',
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    // Each encoding is its own representation, so it has its own validator.
    etag: gzip ? `"${file.etag}-gz"` : `"${file.etag}"`,
  });
  const etag = res.get('etag');
  // The origin compares validators itself (a request with `Cache-Control: no-cache` still gets a
  // 304 when nothing changed: the server, not a cache, is answering).
  const presented = (req.get('if-none-match') ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (etag && presented.includes(etag)) {
    res.status(304).end();
    return;
  }
  if (gzip) res.set('content-encoding', 'gzip');
  res.status(200).end(gzip ? file.gzip : file.body);
}
