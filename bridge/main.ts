/** The NATS <-> Kafka bridge process (`npm run bridge`). */
import Fastify from 'fastify';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { HostList, loadSettings, Port } from '../common-core/index.ts';
import { connectNats, createKafka, onShutdownSignal } from '../messaging/index.ts';
import { runMain } from '../services/run-main.ts';
import { startBridge } from './bridge.ts';
import { defaultRoutes, loadRoutes } from './routes.ts';

const BridgeSettingsSchema = z.object({
  KAFKA_BROKERS: HostList.default(['127.0.0.1:9092']),
  NATS_SERVERS: HostList.default(['127.0.0.1:4222']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  BRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
  BRIDGE_PORT: Port.default(8003),
  /** A JSON route file; the platform's default routes when unset. */
  BRIDGE_ROUTES: z.string().min(1).optional(),
  BRIDGE_NATS_STREAM: z.string().min(1).default('HULEEDU'),
  /** Messages per Kafka write (split further to fit Kafka's request size); two batches in flight. */
  BRIDGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

runMain('bridge', async () => {
  const s = loadSettings('bridge', BridgeSettingsSchema);
  const logger = pino({ level: s.LOG_LEVEL, base: { service: 'bridge' } });
  const routes = s.BRIDGE_ROUTES
    ? loadRoutes(s.BRIDGE_ROUTES)
    : defaultRoutes(s.BRIDGE_NATS_STREAM);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const nc = await connectNats(s.NATS_SERVERS, 'huleedu-bridge');
  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: 'huleedu-bridge', logger });
  const bridge = await startBridge({
    routes,
    nc,
    kafka,
    registry,
    logger,
    batchSize: s.BRIDGE_BATCH_SIZE,
  });
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    const h = bridge.health();
    return reply.status(h.healthy ? 200 : 503).send(h);
  });
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
  await app.listen({ host: s.BRIDGE_HOST, port: s.BRIDGE_PORT });
  logger.info({ routes: bridge.routes.map((r) => r.name), port: s.BRIDGE_PORT }, 'bridge ready');
  onShutdownSignal(async () => {
    await app.close();
    await bridge.close();
    await nc.drain();
  }, logger);
});
