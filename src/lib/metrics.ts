import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  dependencyUp: Gauge<'dependency'>;
  errors: Counter<'kind'>;
  jobs: Counter<'queue' | 'job' | 'outcome'>;
  deliveries: Counter<'channel' | 'outcome'>;
}

/**
 * One registry per process (and per test app), so tests can build several apps without
 * prom-client's "metric already registered" error from the global registry.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    dependencyUp: new Gauge({
      name: 'dependency_up',
      help: '1 when the dependency answered its last health probe, else 0',
      labelNames: ['dependency'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'unexpected_errors_total',
      help: 'Unexpected errors by kind (http, uncaught)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'jobs_total',
      help: 'BullMQ jobs by queue, job name and outcome (completed, failed)',
      labelNames: ['queue', 'job', 'outcome'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'deliveries_total',
      help: 'Delivery attempts by channel (customer_service, template, mass_send, none) and outcome',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
  };
}
