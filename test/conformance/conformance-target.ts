import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../src/infra/mongo-wire/embedded-mongo';

/**
 * Where a conformance file runs: its own embedded server on a fresh data dir, or — when
 * `MONGODB_URI` is set — a real MongoDB, so the same expectations are checked against both.
 * Each file uses its own database, dropped at the end.
 */
export interface ConformanceTarget {
  uri: string;
  dbName: string;
  /** True when running against the embedded server (restart/SIGKILL tests need it). */
  embedded: boolean;
  /** Embedded only: the data directory of the running server. */
  dataDir: string | undefined;
  client: MongoClient;
  connection: mongoose.Connection;
  /** Embedded only: stops the server and starts it again on the same data dir (new uri). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const REAL_MONGODB_URI = process.env.MONGODB_URI;
export const IS_EMBEDDED = !REAL_MONGODB_URI;

export async function startConformanceTarget(label: string): Promise<ConformanceTarget> {
  const dbName = `conf_${label}_${process.pid}_${Date.now().toString(36)}`;
  let server: EmbeddedMongo | undefined;
  let dataDir: string | undefined;
  let uri: string;
  if (REAL_MONGODB_URI) {
    uri = REAL_MONGODB_URI;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `conf-${label}-`));
    server = await startEmbeddedMongo({ dataDir, port: 0 });
    uri = server.uri;
  }
  const connect = async () => {
    const client = await MongoClient.connect(uri, { maxPoolSize: 120 });
    const connection = await mongoose.createConnection(uri, { dbName, maxPoolSize: 120 }).asPromise();
    return { client, connection };
  };
  const target: ConformanceTarget = {
    uri,
    dbName,
    embedded: !REAL_MONGODB_URI,
    dataDir,
    ...(await connect()),
    async restart() {
      if (!server || !dataDir) throw new Error('restart() needs the embedded server');
      await target.client.close();
      await target.connection.close();
      await server.stop();
      server = await startEmbeddedMongo({ dataDir, port: 0 });
      target.uri = uri = server.uri;
      Object.assign(target, await connect());
    },
    async close() {
      await target.client
        .db(dbName)
        .dropDatabase()
        .catch(() => undefined);
      await target.client.close();
      await target.connection.close();
      await server?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return target;
}
