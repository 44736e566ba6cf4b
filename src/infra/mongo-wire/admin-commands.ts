import os from 'node:os';
import { BSON, type Document } from 'bson';
import type { CommandContext, CommandHandler } from './command-context';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from './wire-protocol';

const SERVER_VERSION = '7.0.0';

/**
 * Handshake, diagnostics and session bookkeeping, answered the way a standalone mongod 7.0
 * answers them (no `setName`, so drivers treat the server as standalone and never send
 * transaction numbers for retryable writes).
 */
export const adminCommands: Record<string, CommandHandler> = {
  hello: helloCommand,
  isMaster: helloCommand,
  ismaster: helloCommand,
  ping: () => ({ ok: 1 }),
  buildInfo: buildInfoCommand,
  buildinfo: buildInfoCommand,
  getParameter: getParameterCommand,
  getCmdLineOpts: () => ({ argv: ['mongod'], parsed: {}, ok: 1 }),
  hostInfo: hostInfoCommand,
  serverStatus: serverStatusCommand,
  endSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  startSession: startSessionCommand,
  whatsmyuri: () => ({ you: '127.0.0.1:0', ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLastError: () => ({ n: 0, err: null, ok: 1 }),
};

function helloCommand(command: Document, ctx: CommandContext): Document {
  const reply: Document = {
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  };
  if (command.helloOk === true) reply.helloOk = true;
  reply.ok = 1;
  return reply;
}

function buildInfoCommand(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    javascriptEngine: 'none',
    modules: [],
    ok: 1,
  };
}

function getParameterCommand(command: Document): Document {
  const known: Document = {
    featureCompatibilityVersion: { version: '7.0' },
    authenticationMechanisms: [],
    maxBSONDepth: 100,
  };
  if (command.getParameter === '*' || (command.getParameter as Document)?.allParameters)
    return { ...known, ok: 1 };
  const reply: Document = {};
  for (const key of Object.keys(command)) if (key in known) reply[key] = known[key];
  reply.ok = 1;
  return reply;
}

function hostInfoCommand(): Document {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Math.round(os.totalmem() / 1024 / 1024),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

function serverStatusCommand(_command: Document, ctx: CommandContext): Document {
  const mem = process.memoryUsage();
  return {
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'mongod',
    pid: BSON.Long.fromNumber(process.pid),
    uptime: Math.floor((Date.now() - ctx.startedAt.getTime()) / 1000),
    uptimeMillis: BSON.Long.fromNumber(Date.now() - ctx.startedAt.getTime()),
    localTime: new Date(),
    connections: { current: 0, available: 1000 },
    mem: { bits: 64, resident: Math.round(mem.rss / 1024 / 1024), virtual: 0 },
    metrics: {
      cursor: { open: { total: ctx.cursors.size } },
      // Documents examined by queries (index lookups narrow them), as MongoDB counts them.
      queryExecutor: { scannedObjects: BSON.Long.fromNumber(scannedObjects(ctx)) },
    },
    ok: 1,
  };
}

function scannedObjects(ctx: CommandContext): number {
  let total = 0;
  for (const db of ctx.engine.databaseNames()) {
    for (const coll of ctx.engine.collections(db)) total += coll.scannedObjects;
  }
  return total;
}

function startSessionCommand(): Document {
  const id = new BSON.Binary(BSON.UUID.generate(), BSON.Binary.SUBTYPE_UUID);
  return { id: { id }, timeoutMinutes: 30, ok: 1 };
}
