import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from '../src/infra/mongo-wire/embedded-mongo';

/**
 * Runs the embedded MongoDB-wire server on its own:
 *   npm run mongo:embedded -- --port 27017 --data-dir ./.data/mongo [--host 127.0.0.1]
 * Prints one machine-readable line `EMBEDDED_MONGO_READY port=NNN uri=...` once it accepts
 * connections (tests and tools wait for it), and stops cleanly on SIGINT/SIGTERM.
 * `DATA_DIR` (its `mongo` subdirectory) is the fallback when --data-dir is absent.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const port = Number.parseInt(values.port ?? '27017', 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const dataDir = path.resolve(values['data-dir'] ?? path.join(process.env.DATA_DIR ?? './.data', 'mongo'));
  const server = await startEmbeddedMongo({
    dataDir,
    port,
    host: values.host ?? '127.0.0.1',
    onLog: values.quiet
      ? undefined
      : (level, msg, data) => console.error(JSON.stringify({ level, msg, ...data })),
  });
  console.log(`EMBEDDED_MONGO_READY port=${server.port} uri=${server.uri}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => {
        console.error(JSON.stringify({ level: 'info', msg: 'embedded mongo exiting', signal }));
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
