import { Worker } from 'node:worker_threads';
import { isBuilt, runtimeFile } from '../../lib/runtime-files';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './embedded-mongo';

type FromWorker =
  | { type: 'ready'; uri: string; port: number }
  | { type: 'error'; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; data?: Record<string, unknown> }
  | { type: 'stopped' }
  | { type: 'stop-failed'; message: string };

const STOP_TIMEOUT_MS = 8_000;

/**
 * The embedded MongoDB-wire server on its own thread, so that on a multi-core machine the
 * database's work (BSON, queries, journal writes) runs beside the application's instead of
 * taking turns with it on one event loop. Same contract as `startEmbeddedMongo`: every write is
 * journalled before its reply, so a SIGKILL of the process loses no acknowledged write.
 */
export async function startEmbeddedMongoThread(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const { onLog, ...options } = opts;
  // From the build, the thread's entry is bundled beside the main one (`dist/`); on sources it
  // goes through a boot file that registers tsx first.
  const worker = isBuilt
    ? new Worker(runtimeFile('embedded-mongo-thread-main.js'), { workerData: { options } })
    : new Worker(new URL('./embedded-mongo-thread-boot.mjs', import.meta.url), {
        workerData: { entry: new URL('./embedded-mongo-thread-main.ts', import.meta.url).href, options },
      });
  const listeners = new Set<(message: FromWorker) => void>();
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'log') onLog?.(message.level, message.msg, message.data);
    for (const listener of listeners) listener(message);
  });
  const next = <T extends FromWorker['type']>(types: readonly T[]) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      const listener = (message: FromWorker) => {
        if (!(types as readonly string[]).includes(message.type)) return;
        listeners.delete(listener);
        resolve(message as Extract<FromWorker, { type: T }>);
      };
      listeners.add(listener);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`embedded MongoDB thread exited (code ${code})`)));
    });

  const started = await next(['ready', 'error'] as const);
  if (started.type === 'error') {
    await worker.terminate();
    throw new Error(started.message);
  }
  let stopped: Promise<void> | undefined;
  return {
    uri: started.uri,
    port: started.port,
    stop() {
      stopped ??= (async () => {
        const done = next(['stopped', 'stop-failed'] as const);
        worker.postMessage({ type: 'stop' });
        const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
        try {
          const outcome = await done.catch(() => ({ type: 'stopped' as const }));
          if (outcome.type === 'stop-failed')
            onLog?.('error', 'embedded MongoDB did not stop cleanly', { error: outcome.message });
        } finally {
          clearTimeout(timer);
          await worker.terminate();
        }
      })();
      return stopped;
    },
  };
}
