import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BuildOptions } from 'esbuild';
import { isBuilt, runtimeFile } from '../lib/runtime-files';

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

// Only on sources (and in `npm run build`): the build serves the prebuilt bundle instead.
const entry = fileURLToPath(new URL('./ui/main.tsx', import.meta.url));

/** Where `npm run build` writes the bundle (`dist/console/app.js`, `app.css`), relative to src/. */
export const PREBUILT_CONSOLE_DIR = 'console';

let cached: Promise<ConsoleBundle> | null = null;

/**
 * The console's browser code (Preact, Chart.js, its CSS), kept for the life of the process: from
 * the build, the files `npm run build` bundled into `dist/console/`; on sources (`start:dev`,
 * tests), bundled by esbuild in memory on first use, so no build step is needed there. A failure
 * is not cached: the next request tries again.
 */
export function bundleConsole(): Promise<ConsoleBundle> {
  if (!cached) {
    cached = isBuilt ? readPrebuilt() : buildBundle();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

/** esbuild's options for the console bundle (`npm run build` writes it with these too). */
export function consoleBuildOptions(outdir: string): BuildOptions {
  return {
    entryPoints: { app: entry },
    bundle: true,
    minify: true,
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
  };
}

async function buildBundle(): Promise<ConsoleBundle> {
  // Loaded only here: a process running from the build never needs esbuild.
  const { build } = await import('esbuild');
  const result = await build({ ...consoleBuildOptions(`${dirname(entry)}/out`), write: false });
  const file = (extension: string): BundledFile => {
    const output = result.outputFiles.find((f) => f.path.endsWith(extension));
    if (!output) throw new Error(`console bundle: no ${extension} output`);
    return bundledFile(Buffer.from(output.contents));
  };
  return { js: file('.js'), css: file('.css') };
}

async function readPrebuilt(): Promise<ConsoleBundle> {
  const [js, css] = await Promise.all(
    ['app.js', 'app.css'].map((name) => readFile(runtimeFile(`${PREBUILT_CONSOLE_DIR}/${name}`))),
  );
  return { js: bundledFile(js!), css: bundledFile(css!) };
}

function bundledFile(body: Buffer): BundledFile {
  const etag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return { body, gzip: gzipSync(body, { level: 9 }), etag };
}
