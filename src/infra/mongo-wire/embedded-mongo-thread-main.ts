import { parentPort, workerData } from 'node:worker_threads';
import { type EmbeddedMongoOptions, startEmbeddedMongo } from './embedded-mongo';

/** Runs inside the worker thread: starts the server and answers the parent's stop request. */
async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('embedded-mongo-thread-main must run in a worker thread');
  const options = (workerData as { options: Omit<EmbeddedMongoOptions, 'onLog'> }).options;
  try {
    const server = await startEmbeddedMongo({
      ...options,
      onLog: (level, msg, data) => port.postMessage({ type: 'log', level, msg, data }),
    });
    port.on('message', (message: { type?: string }) => {
      if (message?.type !== 'stop') return;
      server.stop().then(
        () => {
          port.postMessage({ type: 'stopped' });
          port.close();
        },
        (err: unknown) => port.postMessage({ type: 'stop-failed', message: String(err) }),
      );
    });
    port.postMessage({ type: 'ready', uri: server.uri, port: server.port });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

await run();
