import { type ChildProcess, spawn } from 'node:child_process';

export interface MongoProcess {
  uri: string;
  child: ChildProcess;
  /** SIGTERM (the server flushes and exits), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/**
 * The embedded MongoDB-wire server in its own process (`npm run mongo:embedded`), so that several
 * processes (a web runtime, worker processes, a benchmark) share one database, as they would share
 * a real MongoDB through `MONGODB_URI`.
 */
export async function startMongoProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<MongoProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/mongo-embedded.ts', '--port', '0', '--data-dir', dataDir, '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err = (err + chunk).slice(-4_000);
  });
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /EMBEDDED_MONGO_READY port=\d+ uri=(\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`embedded mongo exited before ready (${code ?? signal}): ${err}`)),
    );
  });
  child.stdout?.resume();
  return {
    uri,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
