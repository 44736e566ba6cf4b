import { join } from 'node:path';

/** Set to `true` by `npm run build` (esbuild's `define`); undeclared on sources (tsx, vitest). */
declare const CHEZHU_BUILD: boolean | undefined;

/** True when running from the build in `dist/`, false when running the TypeScript sources. */
export const isBuilt: boolean = typeof CHEZHU_BUILD !== 'undefined' && CHEZHU_BUILD === true;

/**
 * On sources every module sits under `src/`; in the build they are bundled into `dist/*.js`,
 * and the build copies the files read at run time to `dist/` under the same relative paths.
 */
const root = isBuilt ? import.meta.dirname : join(import.meta.dirname, '..');

/**
 * The absolute path of a file the program reads at run time (intent examples, HTML pages), given
 * relative to `src/`: found the same way from the sources and from the build.
 */
export function runtimeFile(pathFromSrc: string): string {
  return join(root, pathFromSrc);
}
