import '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface HttpMetricsOptions {
  /** The registry to expose; a fresh one (with default process metrics) when absent. */
  registry?: Registry;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

/**
 * Request count and latency by method, route and status, plus the registry's other metrics,
 * served at GET /metrics in the Prometheus text format.
 */
export const httpMetrics = fp<HttpMetricsOptions>(
  async (app: FastifyInstance, options) => {
    const registry = options.registry ?? new Registry();
    if (!options.registry) collectDefaultMetrics({ register: registry });
    const labelNames = ['method', 'route', 'status'] as const;
    const requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames,
      registers: [registry],
    });
    const latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    app.decorate('metricsRegistry', registry);
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL: ids must not explode the label set.
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      };
      requests.inc(labels);
      latency.observe(labels, reply.elapsedTime / 1000);
    });
    app.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics', tags: ['operations'] } },
      async (_request, reply) => {
        reply.header('content-type', registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: 'huleedu-http-metrics' },
);
