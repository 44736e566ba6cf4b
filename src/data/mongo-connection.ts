import mongoose, { type Connection } from 'mongoose';

export interface MongoConnection {
  connection: Connection;
  /** Round-trip `ping`; false when the server cannot be reached in time. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the one mongoose connection of the process. Models register on it (never on the
 * global default connection), so tests can hold several isolated connections at once.
 */
export async function connectMongo(uri: string, dbName: string): Promise<MongoConnection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 5_000,
    // Mongoose would otherwise buffer model calls forever while the server is unreachable;
    // a staff request or a job should fail fast and be retried instead.
    bufferCommands: false,
    autoIndex: true,
    maxPoolSize: 20,
  });
  await connection.asPromise();
  return {
    connection,
    async ping(timeoutMs = 1_000) {
      const db = connection.db;
      if (!db || connection.readyState !== 1) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([
          db
            .admin()
            .ping()
            .then(() => true),
          timeout,
        ]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => connection.close(),
  };
}
