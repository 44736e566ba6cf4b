import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createApp } from '../api/app';
import { queueDashboard } from '../api/queue-dashboard';
import type { ConversationHandler } from '../channels/conversation-handler';
import { simulatorRouter } from '../channels/simulator/simulator.router';
import { type ChannelBot, startChannelBot } from '../channels/start-channel-bot';
import { wechatWebhookRouter } from '../channels/wechat-oa/webhook.router';
import type { AppConfig } from '../config/env';
import type { Program } from '../config/program-schema';
import type { ProcessRole } from '../config/role';
import type { StaffApiKey } from '../config/staff-api-keys';
import { createDatabase } from '../data/database';
import { connectMongo, type MongoConnection } from '../data/mongo-connection';
import { type EmbeddedRedis, startEmbeddedRedis } from '../infra/embedded-redis';
import type { EmbeddedMongo } from '../infra/mongo-wire/embedded-mongo';
import { startEmbeddedMongoThread } from '../infra/mongo-wire/embedded-mongo-thread';
import { createRedis, throttledErrorLog, whenReady } from '../infra/redis-connections';
import { type Clock, systemClock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { createMetrics, type Metrics } from '../lib/metrics';
import { bullFollowUpJobs } from '../queues/post-service-jobs';
import { queueNames } from '../queues/queue-names';
import { createWechatInboundProducer } from '../queues/wechat-inbound-queue';
import { ConversationService } from '../services/conversation-service';
import { intentModel } from '../services/intent-examples';
import { PublishedProgramSource } from '../services/published-program-source';
import { createServices, type Services } from '../services/services';
import { DevSmsSender } from '../services/sms/dev-sms-sender';
import { TencentCloudSmsSender } from '../services/sms/tencent-cloud-sms-sender';
import { connectCampaigns } from './connect-campaigns';
import { connectDelivery, type SimulatedInbox } from './connect-delivery';
import { connectMassSend } from './connect-mass-send';
import { checkHealth, probe } from './health-check';
import { runShutdown, type ShutdownResult, type ShutdownStep } from './shutdown';
import { loadOrCreateAdminKey } from './staff-admin-key';
import { createQueues, type QueueSet, startWorkers } from './start-workers';

export interface RuntimeOptions {
  config: AppConfig;
  role: ProcessRole;
  program: Program;
  logger: Logger;
  /** Defaults to the system clock; tests pass a controlled one. */
  clock?: Clock;
  /** Replaces the bot's conversation handler (tests script the conversation). */
  conversationHandler?: ConversationHandler;
}

export interface Runtime {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:3000`. */
  url: string;
  mongoUri: string;
  redisUrl: string;
  /** Set when no STAFF_API_KEYS were configured and an admin key was generated (or reused). */
  generatedAdminKey?: { key: string; file: string };
  embedded: { mongo: boolean; redis: boolean };
  metrics: Metrics;
  redis: Redis;
  mongo: MongoConnection;
  services: Services;
  /** Member conversations: channels call `conversations.handle(inbound)`. */
  conversations: ConversationService;
  queues: QueueSet['queues'];
  /** The Wechaty bot of this process (`null` when its role runs none), e.g. the simulator's members. */
  bot: ChannelBot | null;
  stop(): Promise<ShutdownResult>;
}

const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The composition root's body: starts what the role needs (embedded servers when no URL is
 * configured), connects, mounts the HTTP app and returns a handle whose `stop()` shuts down in
 * order. `main.ts` adds only argument parsing, signals and the banner, so tests start the very
 * same wiring in-process.
 */
export async function startRuntime({
  config,
  role,
  program,
  logger,
  clock,
  conversationHandler,
}: RuntimeOptions): Promise<Runtime> {
  const steps: ShutdownStep[] = [];
  const stopAll = () =>
    runShutdown([...steps].reverse(), SHUTDOWN_TIMEOUT_MS, (name, err) =>
      logger.error({ err, step: name }, 'shutdown step failed'),
    );
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const serverLog =
      (component: string) =>
      (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) =>
        logger[level]({ component, ...data }, msg);

    let redisUrl = config.redisUrl ?? undefined;
    let embeddedRedis: EmbeddedRedis | undefined;
    if (!redisUrl) {
      embeddedRedis = await startEmbeddedRedis({
        dataDir: config.dataDir,
        onLog: serverLog('embedded-redis'),
      });
      const server = embeddedRedis;
      steps.push({ name: 'embedded redis', run: () => server.stop() });
      redisUrl = server.url;
    }

    let mongoUri = config.mongodbUri ?? undefined;
    let embeddedMongo: EmbeddedMongo | undefined;
    if (!mongoUri) {
      // On its own thread: the database's work runs beside the app's on a second core.
      embeddedMongo = await startEmbeddedMongoThread({
        dataDir: join(config.dataDir, 'mongo'),
        onLog: serverLog('embedded-mongo'),
      });
      const server = embeddedMongo;
      steps.push({ name: 'embedded mongo', run: () => server.stop() });
      mongoUri = server.uri;
    }

    const mongo = await connectMongo(mongoUri, databaseName(mongoUri));
    steps.push({ name: 'mongo connection', run: () => mongo.close() });
    const db = createDatabase(mongo.connection, (err) =>
      logger.error({ err }, 'copying ledger entries failed; the recovery sweep will retry'),
    );
    steps.push({ name: 'ledger copy', run: () => db.memberStore.drain() });
    await db.init();
    // The latest published program version, else the env/file program (re-read every 10 s).
    const programSource = new PublishedProgramSource(db, program, logger);
    await programSource.start();
    steps.push({ name: 'program refresh', run: async () => programSource.stop() });
    const services = createServices(db, programSource, clock ?? systemClock, logger, {
      misunderstoodKeepDays: config.misunderstoodKeepDays,
    });
    // The program's default catalogue, for rewards that do not exist yet (staff edits stay).
    await services.rewards.seedCatalogue();
    // Finish what a crash interrupted: ledger entries still in member outboxes, transactions
    // received but not applied. Both are idempotent, so every process may run them.
    await services.recovery.sweep();

    const redis = createRedis(redisUrl, 'command', `${role}-command`);
    redis.on(
      'error',
      throttledErrorLog((err) => logger.warn({ err: err.message }, 'redis connection error')),
    );
    steps.push({ name: 'redis connection', run: () => redis.quit().catch(() => redis.disconnect()) });
    await whenReady(redis);
    const smsSender =
      config.sms.provider === 'dev'
        ? new DevSmsSender(redis, logger)
        : new TencentCloudSmsSender(config.sms, clock ?? systemClock);
    const conversations = new ConversationService({ services, redis, smsSender });

    const staffKeys: StaffApiKey[] = [...config.staff.apiKeys];
    let generatedAdminKey: Runtime['generatedAdminKey'];
    if (config.staff.generateAdminKey) {
      const { key, file } = loadOrCreateAdminKey(config.dataDir);
      staffKeys.push({ role: 'admin', key });
      generatedAdminKey = { key, file };
    }

    const metrics = createMetrics();
    // The WeChat webhook belongs to the web side of the WeChat channel; what its bot does not
    // answer in time goes to the `wechat-inbound` queue through a fail-fast producer.
    let wechatInbound: Queue | null = null;
    // Shown on bull-board beside the registry's queues (same processes: the web side).
    const dashboardExtraQueues: Queue[] = [];
    if (role !== 'worker' && config.channel === 'wechat') {
      const producer = await createWechatInboundProducer(redisUrl, logger);
      steps.push({ name: 'wechat-inbound producer', run: () => producer.close() });
      dashboardExtraQueues.push(producer.queue);
      wechatInbound = producer.queue;
    }
    // Producers in every role; workers (and the schedulers they upsert) in `all` and `worker`.
    const queues = await createQueues(redisUrl, logger);
    steps.push({ name: 'queues', run: () => queues.close() });
    // Filled in once the simulator's bot runs here, so pushed messages show in its chats.
    const simulatedInbox: { current: SimulatedInbox | null } = { current: null };
    const sender = connectDelivery(services, {
      inbox: simulatedInbox,
      queue: queues.queues[queueNames.delivery],
      config,
      redis,
      logger,
      metrics,
      clock: clock ?? systemClock,
    });
    services.feedback.connect({ jobs: bullFollowUpJobs(queues.queues[queueNames.postService]) });
    connectCampaigns(services, { queue: queues.queues[queueNames.campaigns], metrics });
    connectMassSend(services, {
      assembleQueue: queues.queues[queueNames.massSend],
      batchQueue: queues.queues[queueNames.massSendBatches],
      sender,
      metrics,
    });
    if (role !== 'web') {
      const workers = await startWorkers(redisUrl, queues, services, program, logger, metrics, {
        deliveryRatePerSecond: config.deliveryRatePerSecond,
      });
      steps.push({
        name: 'workers',
        run: async () => {
          // A fan-out waiting for delivery to catch up gives its job back rather than hold the stop.
          services.campaigns.stop();
          await workers.close();
        },
      });
    }
    // The Wechaty bot with the conversation plugin (and, for WeChat, the wechat-inbound worker
    // feeding it) handing every member message to the conversation service; stopped before the
    // connections.
    const channelBot = await startChannelBot({
      config,
      role,
      redis,
      redisUrl,
      handler: conversationHandler ?? ((inbound) => conversations.handle(inbound)),
      logger,
      metrics,
      clock: clock ?? systemClock,
    });
    if (channelBot) steps.push(...channelBot.steps);
    if (channelBot?.simulator) simulatedInbox.current = channelBot.simulator;
    // Answers passively through this process's bot when it can (see the router).
    const wechatWebhook = wechatInbound
      ? wechatWebhookRouter({
          wechat: config.wechat,
          redis,
          queue: wechatInbound,
          logger,
          clock: clock ?? systemClock,
          puppet: channelBot?.officialAccount ?? null,
        })
      : null;
    const health = () =>
      checkHealth([
        probe('mongo', () => mongo.ping(800)),
        probe('redis', async () => (await redis.ping()) === 'PONG', 800),
      ]);
    // Every role serves /healthz and /metrics (orchestrators probe workers too); the staff API
    // and, later, the webhook belong to the web side.
    const app = createApp({
      logger,
      metrics,
      health,
      staffKeys: role === 'worker' ? [] : staffKeys,
      services: role === 'worker' ? null : services,
      wechatWebhook,
      // The simulator page drives this process's simulator bot (never there with WeChat credentials).
      queueDashboard:
        role === 'worker'
          ? null
          : await queueDashboard([...Object.values(queues.queues), ...dashboardExtraQueues], staffKeys),
      simulator:
        role !== 'worker' && channelBot?.simulator
          ? simulatorRouter({ simulator: channelBot.simulator, services, redis })
          : null,
    });
    const server = await listen(app, config.port);
    steps.push({ name: 'http server', run: () => closeServer(server) });
    // The intent model trains (about 300 ms, deterministic) right after start-up rather than on a
    // member's first free-text message; readiness does not wait for it.
    if (!conversationHandler) setImmediate(() => intentModel());
    const port = (server.address() as AddressInfo).port;

    logger.info(
      {
        role,
        program: program.version,
        port,
        embeddedMongo: !!embeddedMongo,
        embeddedRedis: !!embeddedRedis,
      },
      'runtime started',
    );

    return {
      url: `http://127.0.0.1:${port}`,
      mongoUri,
      redisUrl,
      ...(generatedAdminKey ? { generatedAdminKey } : {}),
      embedded: { mongo: !!embeddedMongo, redis: !!embeddedRedis },
      metrics,
      redis,
      mongo,
      services,
      conversations,
      queues: queues.queues,
      bot: channelBot,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The database named in the URI's path, or `chezhu` when the URI names none. */
function databaseName(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : 'chezhu';
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '0.0.0.0');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    server.keepAliveTimeout = 65_000;
  });
}

/** Stops accepting connections, lets in-flight requests finish, then drops idle keep-alives. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 3_000).unref();
  });
}
