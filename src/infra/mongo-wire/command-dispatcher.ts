import type { Document } from 'bson';
import { MingoError } from 'mingo/util';
import { adminCommands } from './admin-commands';
import type { CommandContext, CommandHandler } from './command-context';
import { ddlCommands } from './ddl-commands';
import { MongoCommandError } from './mongo-error';
import { readCommands } from './read-commands';
import { writeCommands } from './write-commands';

const COMMANDS: Record<string, CommandHandler> = {
  ...adminCommands,
  ...readCommands,
  ...writeCommands,
  ...ddlCommands,
};

/**
 * Runs one command to completion and returns its reply document. The handler runs
 * synchronously, then the journal ops it produced are written (also when it failed half-way,
 * e.g. an ordered insert whose first documents went in) — all before the caller replies.
 * Unexpected exceptions become `{ ok: 0 }` replies; the server never crashes on a command.
 */
export function dispatchCommand(
  command: Document,
  ctx: CommandContext,
  onInternalError: (err: unknown, commandName: string) => void,
): Document {
  const name = Object.keys(command)[0] ?? '';
  try {
    const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) {
      throw new MongoCommandError(59, 'CommandNotFound', `no such command: '${name}'`);
    }
    if (
      command.txnNumber !== undefined ||
      command.startTransaction !== undefined ||
      command.autocommit !== undefined
    ) {
      // What a standalone mongod answers: it has no oplog, so no transactions or retryable writes.
      throw new MongoCommandError(
        20,
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    return handler(command, ctx);
  } catch (err) {
    if (err instanceof MongoCommandError) return err.toReply();
    if (err instanceof MingoError) return MongoCommandError.badValue(err.message).toReply();
    onInternalError(err, name);
    const message = err instanceof Error ? err.message : String(err);
    return new MongoCommandError(1, 'InternalError', message).toReply();
  } finally {
    ctx.engine.commit();
  }
}
