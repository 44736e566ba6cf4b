import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface MainProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  ready: Promise<{ url: string; mongoUri: string; redisUrl: string }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnMainOptions {
  ownProcessGroup?: boolean;
  /**
   * What to run: `source` (default) runs `src/main.ts` in one process with tsx's loader, as
   * `npm run start:dev` does without its wrapper: tests run on the sources, so no stale build can
   * pass for the code under test; `build` runs `dist/main.js` exactly as `npm start` does (after
   * `npm run build`); `tsx-wrapper` runs the `tsx` command (a wrapper process and the program),
   * as `npm start` did before the build step (the start-up bench's baseline).
   */
  command?: 'source' | 'build' | 'tsx-wrapper';
  /** The folder to run in (a copy of the repository); this one by default. */
  cwd?: string;
}

/** Starts the program the way `npm start` does, with only the given environment. */
export function spawnMain(
  env: Record<string, string>,
  args: string[] = [],
  options: SpawnMainOptions = {},
): MainProcess {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value) base[name] = value;
  }
  const command = options.command ?? 'source';
  const [file, argv] =
    command === 'build'
      ? [process.execPath, ['dist/main.js']]
      : command === 'tsx-wrapper'
        ? [join(options.cwd ?? '.', 'node_modules', '.bin', 'tsx'), ['src/main.ts']]
        : [process.execPath, ['--import', 'tsx', 'src/main.ts']];
  const child = spawn(file, [...argv, ...args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...base, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // A group of its own lets a test signal it the way a terminal does (every process in the
    // foreground group at once).
    detached: options.ownProcessGroup ?? false,
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<{ url: string; mongoUri: string; redisUrl: string }>((resolve, reject) => {
    // Lines are parsed once each, as they complete, until the ready line has been seen; after
    // that the output is only collected (a long run must not re-scan everything per chunk).
    let pending = '';
    let isReady = false;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (isReady) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as {
            event?: string;
            url: string;
            mongoUri: string;
            redisUrl: string;
          };
          if (entry.event === 'ready') {
            isReady = true;
            resolve(entry);
            return;
          }
        } catch {
          // not a log line of ours
        }
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`main exited before ready (code ${code}, signal ${signal}): ${err.slice(-2000)}`)),
    );
  });
  ready.catch(() => {});
  return { child, stdout: () => out, stderr: () => err, ready, exited };
}
