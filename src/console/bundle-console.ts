import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** One bundled file, with its gzip form and a content hash for its ETag, ready to serve. */
export interface BundledFile {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

export interface ConsoleBundle {
  js: BundledFile;
  css: BundledFile;
}

const entry = fileURLToPath(new URL('./ui/main.tsx', import.meta.url));

let cached: Promise<ConsoleBundle> | null = null;

/**
 * The console's browser code (Preact, Chart.js, its CSS) bundled by esbuild in memory on first
 * use and kept for the life of the process, so neither `npm start` nor `npm test` needs a build
 * step. A failed build is not cached: the next request tries again.
 */
export function bundleConsole(): Promise<ConsoleBundle> {
  if (!cached) {
    cached = buildBundle();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

async function buildBundle(): Promise<ConsoleBundle> {
  const outdir = `${dirname(entry)}/out`;
  const result = await build({
    entryPoints: { app: entry },
    bundle: true,
    minify: true,
    write: false,
    outdir,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'safari15', 'firefox100'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: `${dirname(entry)}/tsconfig.json`,
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const file = (extension: string): BundledFile => {
    const output = result.outputFiles.find((f) => f.path.endsWith(extension));
    if (!output) throw new Error(`console bundle: no ${extension} output`);
    const body = Buffer.from(output.contents);
    const etag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
    return { body, gzip: gzipSync(body, { level: 9 }), etag };
  };
  return { js: file('.js'), css: file('.css') };
}
