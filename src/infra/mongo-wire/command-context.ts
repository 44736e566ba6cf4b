import type { Document } from 'bson';
import type { CursorRegistry } from './cursor-registry';
import type { StorageEngine } from './storage-engine';

/** What a command handler sees: the storage, the cursors, and who is asking. */
export interface CommandContext {
  engine: StorageEngine;
  cursors: CursorRegistry;
  /** Database the command targets (`$db`). */
  db: string;
  connectionId: number;
  startedAt: Date;
}

/**
 * A command handler runs synchronously from start to finish: no `await` between reading and
 * writing state is what makes every command atomic on this single-threaded server.
 */
export type CommandHandler = (command: Document, ctx: CommandContext) => Document;
