import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from './free-port';

export interface EmbeddedRedisOptions {
  /** Parent folder; Redis keeps its AOF and pid file in `<dataDir>/redis`. */
  dataDir: string;
  onLog?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
  /** Install redis-server with apt-get when it is missing and the machine allows it (default true). */
  autoInstall?: boolean;
  /** Restart redis-server when it exits on its own (default true). */
  supervise?: boolean;
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  /** Pid of the running redis-server (changes when the supervisor restarts it). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts a private redis-server on a free loopback port for the zero-setup default: AOF on,
 * data under `dataDir`, `noeviction` (BullMQ must never lose a key to eviction). A pid file lets
 * the next start kill an orphan left by a SIGKILLed parent, and a watchdog shell ends
 * redis-server within a second when its parent dies, so no run leaves one behind.
 */
export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const log = opts.onLog ?? (() => {});
  const binary = ensureRedisBinary(opts.autoInstall ?? true, log);
  mkdirSync(join(opts.dataDir, 'redis'), { recursive: true });
  const dir = realpathSync(join(opts.dataDir, 'redis'));
  const pidFile = join(dir, 'redis.pid');
  await killOrphan(pidFile, dir, log);

  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; ; attempt++) {
    port = await findFreePort();
    child = launch(binary, dir, port);
    try {
      await waitUntilReady(port, child);
      break;
    } catch (err) {
      child.kill('SIGKILL');
      // Another process may have taken the port between probing and binding: try another.
      if (attempt >= 3) throw err;
      log('warn', 'redis-server did not start, retrying on another port', { port, error: String(err) });
    }
  }
  writeFileSync(pidFile, `${child.pid}\n`);
  log('info', 'embedded redis-server started', { port, pid: child.pid, dir });

  let stopping = false;
  let restartDelay = 500;
  const supervise = (proc: ChildProcess) => {
    proc.once('exit', (code, signal) => {
      if (stopping || !(opts.supervise ?? true)) return;
      log('error', 'embedded redis-server exited; restarting it', { code, signal, delayMs: restartDelay });
      setTimeout(async () => {
        if (stopping) return;
        const next = launch(binary, dir, port);
        child = next;
        supervise(next);
        try {
          await waitUntilReady(port, next);
          writeFileSync(pidFile, `${next.pid}\n`);
          restartDelay = 500;
          log('info', 'embedded redis-server is back', { port, pid: next.pid });
        } catch (err) {
          restartDelay = Math.min(restartDelay * 2, 10_000);
          log('error', 'embedded redis-server restart failed', { error: String(err) });
          next.kill('SIGKILL');
        }
      }, restartDelay).unref();
    });
  };
  supervise(child);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    async stop() {
      stopping = true;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        // SIGTERM makes redis-server flush the AOF and exit cleanly.
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(pidFile, { force: true });
      log('info', 'embedded redis-server stopped', { port });
    },
  };
}

function launch(binary: string, dir: string, port: number): ChildProcess {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    '--logfile',
    join(dir, 'redis.log'),
  ];
  // The watchdog: a shell that starts redis-server, then polls the Node parent; when the parent
  // is gone (even after SIGKILL, which runs no exit handlers) it stops redis-server with SIGTERM.
  const script = [
    `"$0" "$@" & child=$!`,
    `trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT`,
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5 & wait $!; done`,
    `kill -TERM $child 2>/dev/null; wait $child`,
  ].join('\n');
  // Its own process group: a terminal's Ctrl+C sends SIGINT to the whole foreground group, and
  // redis-server dying of it before our ordered shutdown stops it looked like a crash (a level-50
  // "exited; restarting it"). The parent stops it with SIGTERM; the watchdog covers a dead parent.
  const proc = spawn('/bin/sh', ['-c', script, binary, ...args], { stdio: 'ignore', detached: true });
  proc.unref();
  return proc;
}

/** Waits for `PING` → `+PONG` (a loading AOF answers `-LOADING` until it is ready). */
async function waitUntilReady(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`redis-server exited during start (code ${proc.exitCode ?? proc.signalCode})`);
    }
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/**
 * Kills a redis-server (and its watchdog) left running for this data folder by an earlier parent
 * that died without stopping it. The pid file names it; a scan of /proc also finds one whose pid
 * file was lost.
 */
async function killOrphan(pidFile: string, dir: string, log: NonNullable<EmbeddedRedisOptions['onLog']>) {
  const pids = new Set<number>(findProcessesServing(dir));
  if (existsSync(pidFile)) {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && isOurRedis(pid, dir)) pids.add(pid);
  }
  for (const pid of pids) {
    log('warn', 'stopping an orphaned embedded redis-server from an earlier run', { pid });
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  for (const pid of pids) {
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function findProcessesServing(dir: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (isOurRedis(pid, dir)) pids.push(pid);
  }
  return pids;
}

function isOurRedis(pid: number, dir: string): boolean {
  try {
    // The pid may have been reused by an unrelated process: only kill a redis-server (or its
    // watchdog shell) whose command line names this data folder.
    // redis-server rewrites its own command line to `redis-server host:port`, but it runs in its
    // --dir, so its working directory identifies it; the watchdog shell keeps its arguments.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!args.some((a) => a.includes('redis-server'))) return false;
    const dirIndex = args.indexOf('--dir');
    if (dirIndex >= 0 && args[dirIndex + 1] === dir) return true;
    return readlinkSync(`/proc/${pid}/cwd`) === dir;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SEARCH_PATH = ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/opt/homebrew/bin', '/bin'];

function findRedisBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Finds redis-server, installing it with apt-get where that is possible (Debian/Ubuntu as root). */
function ensureRedisBinary(autoInstall: boolean, log: NonNullable<EmbeddedRedisOptions['onLog']>): string {
  const found = findRedisBinary();
  if (found) return found;
  const canApt =
    autoInstall && process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (canApt) {
    log('warn', 'redis-server not found; installing it with apt-get (one time)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let result = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
    if (result.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
      result = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
    }
    const installed = findRedisBinary();
    if (installed) return installed;
  }
  throw new Error(
    'redis-server is not installed: install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL',
  );
}
