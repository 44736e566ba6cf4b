import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../src/config/config-error';
import { parseEnv } from '../src/config/env';
import { loadProgram } from '../src/config/load-program';
import { createDatabase } from '../src/data/database';
import { connectMongo } from '../src/data/mongo-connection';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/infra/mongo-wire/embedded-mongo';
import { systemClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import type { ImportFormat } from '../src/services/member-import-service';
import { PublishedProgramSource } from '../src/services/published-program-source';
import { createServices } from '../src/services/services';

/**
 * Imports a member list from the command line, the same way as `POST /api/v1/members/import`:
 *   npm run import -- members.csv [--store <storeId>]
 * `.csv` is read as CSV, `.jsonl` / `.ndjson` as JSON lines. It connects like the runtime does
 * (MONGODB_URI, else the embedded server in DATA_DIR — stop `npm start` first, since the embedded
 * data folder is locked by the process using it), prints the report as JSON and exits 0, or 1
 * when the file could not be read.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { store: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: npm run import -- <members.csv|members.jsonl> [--store <storeId>]\n');
    return 2;
  }
  const format = formatOf(file);
  if (!format) {
    process.stderr.write(`cannot import ${file}: the name must end in .csv, .jsonl or .ndjson\n`);
    return 2;
  }
  const config = parseEnv(process.env);
  const program = await loadProgram(config.programFile ?? undefined);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // npm runs scripts in the package folder; a relative path means the caller's folder.
  const text = await readFile(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8');

  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongodbUri ?? undefined;
  if (!uri) {
    embedded = await startEmbeddedMongo({ dataDir: path.join(config.dataDir, 'mongo') });
    uri = embedded.uri;
  }
  const mongo = await connectMongo(uri, databaseName(uri));
  const source = new PublishedProgramSource(createDatabase(mongo.connection), program, logger);
  try {
    const db = createDatabase(mongo.connection);
    await db.init();
    await source.refresh();
    const services = createServices(db, source, systemClock, logger);
    const current = source.current();
    const storeId = values.store ?? (current.stores.length === 1 ? current.stores[0]!.id : undefined);
    if (!storeId || !current.stores.some((s) => s.id === storeId)) {
      process.stderr.write(
        `name the members' store with --store (${current.stores.map((s) => s.id).join(', ')})\n`,
      );
      return 2;
    }
    const outcome = await services.memberImport.import(text, format, storeId);
    if (!outcome.ok) {
      process.stderr.write(`cannot import ${file}: ${outcome.message}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(outcome.report, null, 2)}\n`);
    return 0;
  } finally {
    source.stop();
    await mongo.close();
    await embedded?.stop();
  }
}

function formatOf(file: string): ImportFormat | null {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'ndjson';
  return null;
}

function databaseName(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : 'chezhu';
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
