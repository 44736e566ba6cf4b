import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface MainProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  ready: Promise<{ url: string; mongoUri: string; redisUrl: string }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `src/main.ts` the way `npm start` does, with only the given environment. */
export function spawnMain(env: Record<string, string>, args: string[] = []): MainProcess {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value) base[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { ...base, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
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
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as {
            event?: string;
            url: string;
            mongoUri: string;
            redisUrl: string;
          };
          if (entry.event === 'ready') resolve(entry);
        } catch {
          // a partial line: wait for the rest
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
