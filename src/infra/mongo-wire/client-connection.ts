import type { Socket } from 'node:net';
import type { CommandContext } from './command-context';
import { dispatchCommand } from './command-dispatcher';
import type { CursorRegistry } from './cursor-registry';
import type { StorageEngine } from './storage-engine';
import { encodeReply, MessageFramer, MSG_MORE_TO_COME } from './wire-protocol';

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;

export interface ConnectionDeps {
  engine: StorageEngine;
  cursors: CursorRegistry;
  startedAt: Date;
  log: LogFn;
}

/**
 * Serves one client socket: frames incoming bytes, runs each command to completion in arrival
 * order and writes its reply (none for moreToCome messages). A malformed frame closes the
 * connection, as mongod does; it never affects other clients.
 */
export function serveConnection(socket: Socket, connectionId: number, deps: ConnectionDeps): void {
  const framer = new MessageFramer();
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    let requests: ReturnType<MessageFramer['push']>;
    try {
      requests = framer.push(chunk);
    } catch (err) {
      deps.log('warn', 'closing connection after malformed message', {
        connectionId,
        error: err instanceof Error ? err.message : String(err),
      });
      socket.destroy();
      return;
    }
    if (requests.length === 0) return;
    socket.cork();
    try {
      for (const request of requests) {
        const ctx: CommandContext = {
          engine: deps.engine,
          cursors: deps.cursors,
          db: request.db,
          connectionId,
          startedAt: deps.startedAt,
        };
        const reply = dispatchCommand(request.command, ctx, (err, commandName) =>
          deps.log('error', 'embedded mongo command failed unexpectedly', {
            connectionId,
            command: commandName,
            error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          }),
        );
        if (request.flags & MSG_MORE_TO_COME) continue;
        socket.write(encodeReply(request, reply));
      }
    } catch (err) {
      // Only reachable when the journal cannot be written: refuse to acknowledge anything more.
      deps.log('error', 'embedded mongo could not persist a write; closing connection', {
        connectionId,
        error: err instanceof Error ? err.message : String(err),
      });
      socket.destroy();
      return;
    } finally {
      socket.uncork();
    }
  });
  socket.on('error', () => {
    // Client resets are routine (driver pool shutdown); the socket is closed either way.
  });
}
