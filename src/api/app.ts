import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { StaffApiKey } from '../config/staff-api-keys';
import { consoleRouter } from '../console/console.router';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { HealthReport } from '../runtime/health-check';
import type { Services } from '../services/services';
import { errorHandler } from './error-handler';
import { QUEUE_DASHBOARD_PATH } from './queue-dashboard';
import { v1Router } from './v1-router';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  health: () => Promise<HealthReport>;
  staffKeys: readonly StaffApiKey[];
  /** Null in the worker role, which serves only health and metrics. */
  services: Services | null;
  /** `GET/POST /wechat` (built by the runtime when the WeChat channel is on, web side only). */
  wechatWebhook?: express.Router | null;
  /** `/simulator` page and its JSON API (built by the runtime on the simulator channel only). */
  simulator?: express.Router | null;
  /** bull-board at `/admin/queues` (admins only). */
  queueDashboard?: express.Router | null;
}

/** The express application: health, metrics and the staff API. Routers mount here only. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestMetrics(deps.metrics));

  app.get('/healthz', async (_req, res, next) => {
    try {
      const report = await deps.health();
      deps.metrics.dependencyUp.set({ dependency: 'mongo' }, report.mongo === 'up' ? 1 : 0);
      deps.metrics.dependencyUp.set({ dependency: 'redis' }, report.redis === 'up' ? 1 : 0);
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    } catch (err) {
      next(err);
    }
  });

  // Liveness: the process answers; no I/O, so a slow dependency never gets it restarted.
  app.get('/livez', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  // Readiness: both dependencies reachable, else 503 naming the ones that are not.
  app.get('/readyz', async (_req, res, next) => {
    try {
      const report = await deps.health();
      const down = (['mongo', 'redis'] as const).filter((name) => report[name] === 'down');
      res.status(down.length === 0 ? 200 : 503).json({ ...report, down });
    } catch (err) {
      next(err);
    }
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  app.use('/api/v1', v1Router(deps.services, deps.staffKeys));
  if (deps.wechatWebhook) app.use('/wechat', deps.wechatWebhook);
  if (deps.simulator) app.use('/simulator', deps.simulator);
  if (deps.queueDashboard) app.use(QUEUE_DASHBOARD_PATH, deps.queueDashboard);
  // The staff console (every channel); the worker role serves no staff API, so no console either.
  if (deps.services) app.use('/console', consoleRouter());

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: '没有这个地址' } });
  });
  app.use(errorHandler(deps.logger, () => deps.metrics.errors.inc({ kind: 'http' })));
  return app;
}

function requestMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpRequests.startTimer();
    res.on('finish', () => {
      // The matched route pattern, not the raw path, keeps label cardinality bounded.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
