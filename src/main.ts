/**
 * Composition root. `npm start` runs every role in one process with embedded Redis and MongoDB;
 * `--role web` and `--role worker` are the scale-out halves for production.
 */
import { checkStaffKeysAgainstProgram } from './config/check-staff-keys-against-program';
import { ConfigError } from './config/config-error';
import { parseEnv } from './config/env';
import { loadProgram } from './config/load-program';
import { redactedConfigSummary } from './config/redacted-config-summary';
import { parseRole } from './config/role';
import { createLogger } from './lib/logger';
import { type Runtime, startRuntime } from './runtime/start-runtime';

async function main(): Promise<void> {
  let config: ReturnType<typeof parseEnv>;
  let role: ReturnType<typeof parseRole>;
  let program: Awaited<ReturnType<typeof loadProgram>>;
  try {
    config = parseEnv(process.env);
    role = parseRole(process.argv.slice(2));
    program = await loadProgram(config.programFile ?? undefined);
    checkStaffKeysAgainstProgram(config.staff.apiKeys, program);
  } catch (err) {
    if (err instanceof ConfigError) {
      // One clear line for the operator; no stack trace for a configuration mistake.
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const logger = createLogger(config.logLevel);
  logger.info({ role, config: redactedConfigSummary(config), program: program.version }, 'starting');
  let runtime: Runtime | undefined;
  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    const result = runtime ? await runtime.stop() : { ok: true, failed: [], timedOut: false };
    logger.info({ ...result }, 'stopped');
    process.exit(result.ok ? exitCode : 1);
  };
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled promise rejection');
    void shutdown('unhandledRejection', 1);
  });

  try {
    runtime = await startRuntime({ config, role, program, logger });
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  logger.info(
    { event: 'ready', url: runtime.url, mongoUri: runtime.mongoUri, redisUrl: runtime.redisUrl, role },
    'ready',
  );
  process.stdout.write(banner(runtime, role, config.port));
}

function banner(runtime: Runtime, role: string, configuredPort: number): string {
  const port = new URL(runtime.url).port;
  const base = `http://localhost:${port || configuredPort}`;
  const lines = [
    '',
    `  车主会员助手 is running (role: ${role})`,
    `  Health     ${base}/healthz`,
    `  Metrics    ${base}/metrics`,
  ];
  if (role !== 'worker') {
    lines.push(`  Staff API  ${base}/api/v1`);
    lines.push(`  Console    ${base}/console   (sign in with a staff key)`);
    lines.push(`  Queues     ${base}/admin/queues   (browser: any user name, the admin key as password)`);
  }
  if (runtime.bot?.simulator) lines.push(`  Simulator  ${base}/simulator`);
  if (runtime.generatedAdminKey) {
    lines.push(`  Admin key  ${runtime.generatedAdminKey.key}   (kept in ${runtime.generatedAdminKey.file})`);
  }
  lines.push(
    `  MongoDB    ${runtime.embedded.mongo ? `embedded, ${runtime.mongoUri}` : 'MONGODB_URI'}`,
    `  Redis      ${runtime.embedded.redis ? `embedded, ${runtime.redisUrl}` : 'REDIS_URL'}`,
    '  Stop with Ctrl+C.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

await main();
