import net from 'node:net';
import { type LogFn, serveConnection } from './client-connection';
import { CursorRegistry } from './cursor-registry';
import { acquireDataDirLock } from './data-dir-lock';
import { StorageEngine } from './storage-engine';

export interface EmbeddedMongoOptions {
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  onLog?: LogFn;
}

export interface EmbeddedMongo {
  /** e.g. mongodb://127.0.0.1:PORT/?directConnection=true */
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the embedded MongoDB-wire-compatible server: locks `dataDir`, replays and compacts its
 * journal, then listens. The real mongodb driver and mongoose connect to `uri` unchanged.
 * `stop()` closes the listener and every client socket, then flushes and closes the journal.
 */
export async function startEmbeddedMongo(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const log: LogFn = opts.onLog ?? (() => {});
  const host = opts.host ?? '127.0.0.1';
  const releaseLock = acquireDataDirLock(opts.dataDir);
  let engine: StorageEngine;
  const openedAt = Date.now();
  try {
    engine = StorageEngine.open(opts.dataDir);
  } catch (err) {
    releaseLock();
    throw err;
  }
  log('info', 'embedded mongo journal replayed and compacted', {
    dataDir: opts.dataDir,
    ms: Date.now() - openedAt,
  });
  const cursors = new CursorRegistry();
  const startedAt = new Date();
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, nextConnectionId++, { engine, cursors, startedAt, log });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    cursors.close();
    engine.close();
    releaseLock();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const uriHost = host.includes(':') ? `[${host}]` : host;
  const uri = `mongodb://${uriHost}:${port}/?directConnection=true`;
  log('info', 'embedded mongo listening', { uri });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      cursors.close();
      engine.close();
      releaseLock();
      log('info', 'embedded mongo stopped', { port });
    })();
    return stopping;
  };
  return { uri, port, stop };
}
